import type { DaemonSet } from '../../api/apps/daemonset-statefulset-schemas.js';
import type { Node } from '../../api/core/node.js';
import type { Pod } from '../../api/core/pod.js';
import type { Toleration } from '../../api/core/pod-spec.js';
import { requiredNodeAffinityMatches } from '../../scheduler/plugins/node-selector.js';
import { findUntoleratedTaint } from '../../scheduler/plugins/tolerations.js';

/**
 * Where a DaemonSet's pods belong (kube's daemon controller NodeShouldRunDaemonPod):
 * the template's nodeSelector and required node affinity, and the node's taints against
 * the template's tolerations plus the ones every daemon pod gets. Pure; the scheduler's
 * own filter helpers decide the matching, as kube reuses the scheduler's predicates.
 */

/** The tolerations the DaemonSet controller adds to every daemon pod (util.AddOrUpdateDaemonPodTolerations). */
export function daemonPodTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/** Adds the daemon tolerations the list lacks (same key and effect), keeping the user's. */
export function withDaemonTolerations(tolerations: readonly Toleration[] | undefined, hostNetwork: boolean): Toleration[] {
  const out = [...(tolerations ?? [])];
  for (const t of daemonPodTolerations(hostNetwork)) {
    if (!out.some((x) => x.key === t.key && x.effect === t.effect)) out.push(t);
  }
  return out;
}

export interface Placement {
  /** A daemon pod should be created on the node. */
  shouldRun: boolean;
  /** A daemon pod already there may stay (NoSchedule taints do not evict). */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(ds: DaemonSet, node: Node): Placement {
  const spec = (ds.spec?.template?.spec ?? { containers: [] }) as NonNullable<Pod['spec']>;
  const pod = { spec } as Pod;
  const labels = node.metadata.labels ?? {};
  if (!requiredNodeAffinityMatches(pod as never, labels, node.metadata.name!)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withDaemonTolerations(spec.tolerations, spec.hostNetwork === true);
  const taints = node.spec?.taints ?? [];
  const noExecute = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute');
  if (noExecute) return { shouldRun: false, shouldContinueRunning: false };
  const noSchedule = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoSchedule');
  return { shouldRun: !noSchedule, shouldContinueRunning: true };
}
