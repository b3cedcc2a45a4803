import type { KubeObject } from '../../../api/types.js';
import type { KindHooks } from '../generic-registry.js';
import { forbidden } from '../../errors.js';

interface NamespaceLike {
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

/**
 * A deleted Namespace stays, Terminating, until its spec.finalizers are emptied through
 * the `finalize` subresource (the namespace controller does that once the namespace is
 * empty). spec.finalizers cannot change through a plain update.
 */
/** Namespaces kube-apiserver's NamespaceLifecycle admission never lets go. */
const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

export const namespaceHooks: KindHooks = {
  beforeDelete(obj: KubeObject): void {
    const name = obj.metadata.name ?? '';
    if (IMMORTAL.has(name)) throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
  },
  pendingFinalization(obj: KubeObject): boolean {
    return ((obj as NamespaceLike).spec?.finalizers ?? []).length > 0;
  },
  onMarkedForDeletion(obj: KubeObject): void {
    const ns = obj as NamespaceLike;
    ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
  },
  prepareUpdate(next, live, proposed, subresource): void {
    const n = next as NamespaceLike;
    const l = live as NamespaceLike;
    if (subresource === 'finalize') {
      n.spec = { ...(n.spec ?? {}), finalizers: (proposed as NamespaceLike).spec?.finalizers ?? [] };
      if (n.spec.finalizers?.length === 0) delete n.spec.finalizers;
      return;
    }
    n.spec = { ...(n.spec ?? {}) };
    if (l.spec?.finalizers) n.spec.finalizers = l.spec.finalizers;
    else delete n.spec.finalizers;
  },
};
