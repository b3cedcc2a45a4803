/**
 * Parses an API path the way kube-apiserver's RequestInfoFactory does, so that routing,
 * authorization and auditing all see the same verb/resource/namespace/name.
 */

export type Verb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection';

export interface ResourceRequestInfo {
  kind: 'resource';
  verb: Verb;
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

export interface DiscoveryRequestInfo {
  kind: 'discovery';
  /** '' for /api and /apis roots; the group for /apis/<group>. */
  prefix: 'api' | 'apis';
  group?: string;
  version?: string;
}

export type RequestInfo = ResourceRequestInfo | DiscoveryRequestInfo;

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Returns null for paths that are neither discovery nor resource requests. */
export function parseRequestInfo(method: string, path: string, watchParam: boolean): RequestInfo | null {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0) return null;
  const prefix = parts[0];
  let rest: string[];
  let group: string;
  let version: string;
  if (prefix === 'api') {
    if (parts.length === 1) return { kind: 'discovery', prefix: 'api' };
    group = '';
    version = parts[1];
    if (parts.length === 2) return { kind: 'discovery', prefix: 'api', group: '', version };
    rest = parts.slice(2);
  } else if (prefix === 'apis') {
    if (parts.length === 1) return { kind: 'discovery', prefix: 'apis' };
    group = parts[1];
    if (parts.length === 2) return { kind: 'discovery', prefix: 'apis', group };
    version = parts[2];
    if (parts.length === 3) return { kind: 'discovery', prefix: 'apis', group, version };
    rest = parts.slice(3);
  } else {
    return null;
  }

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) {
      rest = rest.slice(2);
    } else {
      // /namespaces/{name}[/status|finalize]: the namespace object itself.
      rest = ['namespaces', ...rest.slice(1)];
      namespace = undefined;
    }
  }
  if (rest.length > 3) return null;
  const [resource, name, subresource] = rest.map((p) => decodeURIComponent(p));

  let verb: Verb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name ? 'get' : watchParam ? 'watch' : 'list';
      if (name && watchParam && !subresource) verb = 'watch';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      return null;
  }
  return { kind: 'resource', verb, group, version, namespace, resource, name, subresource };
}
