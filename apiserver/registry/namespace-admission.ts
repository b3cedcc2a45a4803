import type { Registry } from './generic-registry.js';
import { forbidden, ApiError } from '../rest/errors.js';

/**
 * The NamespaceLifecycle admission check: content may be created only in a namespace that
 * exists and is not terminating.
 */
export async function admitNamespace(namespaces: Registry, namespace: string): Promise<void> {
  let ns;
  try {
    ns = await namespaces.get(undefined, namespace);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) {
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    }
    throw err;
  }
  if (ns.metadata.deletionTimestamp) {
    throw forbidden(`unable to create new content in namespace ${namespace} because it is being terminated`, {
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
    });
  }
}
