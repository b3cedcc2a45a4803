import type { KubeObject } from '../../../api/types.js';
import type { KindHooks, Registry } from '../generic-registry.js';
import { priorityClassResource, type PriorityClass } from '../../../api/scheduling/index.js';
import { admitPodPriority, type PodPriorityFields } from '../../admission/priority.js';
import { forbidden } from '../../errors.js';

interface PodLike {
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number; ephemeralContainers?: unknown[] };
  status?: { phase?: string };
}

/**
 * Pods are deleted gracefully: a pod on a node gets a deletionTimestamp and its grace
 * period, and the kubelet removes it (delete with grace 0) once its containers stopped.
 * An unscheduled or finished pod goes at once, as in Kubernetes.
 */
export const podHooks: KindHooks = {
  /** Admission on create: kube's Priority plugin. */
  async beforeCreate(obj: KubeObject, reg: Registry): Promise<void> {
    const spec = ((obj as { spec?: PodPriorityFields }).spec ??= {});
    let decision = admitPodPriority(spec, (reg.watchedObjects(priorityClassResource)?.all() ?? []) as PriorityClass[]);
    // Without a cache, or when the pod names a class the cache has not seen yet (made a
    // moment ago through another apiserver), storage decides.
    if (!decision.ok || !reg.watchedObjects(priorityClassResource)) {
      const { items } = await reg.registryFor(priorityClassResource).list(undefined);
      decision = admitPodPriority(spec, items as PriorityClass[]);
    }
    const name = obj.metadata.name ?? '';
    if (!decision.ok) throw forbidden(`pods "${name}" is forbidden: ${decision.reason}`, { name, kind: 'pods' });
    Object.assign(spec, decision.fields);
  },
  gracePeriod(obj: KubeObject, requested: number | undefined): number {
    const pod = obj as PodLike;
    if (!pod.spec?.nodeName) return 0;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return 0;
    let grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    // Kubernetes turns a negative request into the shortest real grace period.
    if (grace < 0) grace = 1;
    return grace;
  },
  /**
   * pods/ephemeralcontainers (kubectl debug) changes spec.ephemeralContainers and nothing
   * else; every other update keeps the live list (kube's podStrategy does the same split).
   */
  prepareUpdate(next: KubeObject, live: KubeObject, proposed: KubeObject, subresource: string | undefined): void {
    const n = next as PodLike;
    const source = (subresource === 'ephemeralcontainers' ? proposed : live) as PodLike;
    if (subresource === 'status' || subresource === 'binding') return;
    if (!n.spec) return;
    const list = source.spec?.ephemeralContainers;
    if (list === undefined) delete n.spec.ephemeralContainers;
    else n.spec.ephemeralContainers = structuredClone(list);
  },
};
