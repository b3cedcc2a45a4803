/**
 * Which resource a client call addresses, and the REST path that names it.
 *
 * `ResourceRef` is the least a client needs to know about a kind; api/types.ts
 * ResourceType satisfies it, so callers pass registry entries directly.
 */

export interface ResourceRef {
  /** '' for the core group (served under /api/v1). */
  group: string;
  version: string;
  /** Lower-case plural: the URL segment (`pods`, `deployments`). */
  plural: string;
  namespaced: boolean;
  /** The kind, used to fill `kind` on objects sent without one. */
  kind?: string;
}

export interface PathParts {
  /** For namespaced resources: absent or '' addresses all namespaces (list/watch only). */
  namespace?: string;
  name?: string;
  /** `status`, `scale`, `binding`, `eviction`, … (requires name). */
  subresource?: string;
}

/** `v1` for the core group, `group/version` otherwise: the objects' `apiVersion`. */
export function apiVersionOf(ref: Pick<ResourceRef, 'group' | 'version'>): string {
  return ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(ref: Pick<ResourceRef, 'group' | 'version'>): string {
  return ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
}

/**
 * The path of a collection, an object or an object's subresource, e.g.
 * `/apis/apps/v1/namespaces/default/deployments/web/scale`. Segments are URL-encoded.
 * A namespace given for a cluster-scoped resource is ignored, as kubectl does.
 */
export function resourcePath(ref: ResourceRef, parts: PathParts = {}): string {
  let path = groupVersionPath(ref);
  if (ref.namespaced && parts.namespace) path += `/namespaces/${encodeURIComponent(parts.namespace)}`;
  path += `/${ref.plural}`;
  if (parts.name !== undefined) {
    if (parts.name === '') throw new Error(`resourcePath: empty name for ${ref.plural}`);
    path += `/${encodeURIComponent(parts.name)}`;
    if (parts.subresource) path += `/${parts.subresource}`;
  } else if (parts.subresource) {
    throw new Error(`resourcePath: subresource ${parts.subresource} needs a name`);
  }
  return path;
}

/** A stable identity for a resource type (`apps/v1/deployments`, `/v1/pods`). */
export function resourceId(ref: Pick<ResourceRef, 'group' | 'version' | 'plural'>): string {
  return `${ref.group}/${ref.version}/${ref.plural}`;
}
