import type { PodLike } from '../scheduler/types.js';

/**
 * CA's pod equivalence groups: pods of one controller with the same scheduling-relevant
 * spec get the same answer from every predicate, so "does it fit node X?" is asked for
 * one of them only. 500 pending replicas of one Deployment cost one check per node,
 * not 500.
 */
interface OwnedPod extends PodLike {
  readonly metadata?: PodLike['metadata'] & { readonly ownerReferences?: ReadonlyArray<{ readonly uid?: string; readonly controller?: boolean }> };
}

export function equivalenceKey(pod: PodLike): string {
  const owner = (pod as OwnedPod).metadata?.ownerReferences?.find((r) => r.controller)?.uid;
  const s = pod.spec ?? {};
  const relevant = {
    ns: pod.metadata?.namespace,
    labels: owner ? undefined : pod.metadata?.labels,
    name: owner ? undefined : pod.metadata?.name,
    nodeName: s.nodeName,
    nodeSelector: s.nodeSelector,
    affinity: s.affinity,
    tolerations: s.tolerations,
    containers: (s.containers ?? []).map((c) => [c.resources?.requests, c.ports?.map((p) => p.hostPort ?? 0)]),
    init: (s.initContainers ?? []).map((c) => [c.resources?.requests, c.restartPolicy]),
    overhead: s.overhead,
  };
  return `${owner ?? ''}|${JSON.stringify(relevant)}`;
}

export function groupEquivalent<T extends PodLike>(pods: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const p of pods) {
    const k = equivalenceKey(p);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(p);
  }
  return [...groups.values()];
}
