import type { Registry } from './generic-registry.js';
import type { NamespaceCache } from './namespace-cache.js';
import { forbidden, ApiError } from '../errors.js';

/**
 * The NamespaceLifecycle admission check: content may be created only in a namespace that
 * exists and is not terminating.
 */
export async function admitNamespace(
  namespaces: Registry,
  namespace: string,
  target: { group: string; plural: string; name?: string },
  cache?: NamespaceCache,
): Promise<void> {
  const cached = cache?.lookup(namespace);
  if (cached === 'active') return;
  if (cached === 'terminating') throw terminating(namespace, target);
  let ns;
  try {
    ns = await namespaces.get(undefined, namespace);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) {
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    }
    throw err;
  }
  if (ns.metadata.deletionTimestamp) throw terminating(namespace, target);
}

function terminating(namespace: string, target: { group: string; plural: string; name?: string }): ApiError {
  const resource = target.group ? `${target.plural}.${target.group}` : target.plural;
  const subject = target.name ? `${resource} "${target.name}"` : resource;
  return forbidden(`${subject} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
    name: target.name,
    group: target.group || undefined,
    kind: target.plural,
    causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
  });
}
