import type { Pod } from '../../api/core/pod.js';
import { isPodActive, isPodReady, parseTime, podReadyTime } from './pod-status.js';

/**
 * Which pods a ReplicaSet deletes first on scale-down: kube's ActivePodsWithRanks order
 * (controller_utils.go), least useful first:
 *
 *  1. unassigned < assigned (no spec.nodeName first);
 *  2. Pending < Unknown < Running;
 *  3. not ready < ready;
 *  4. lower `controller.kubernetes.io/pod-deletion-cost` < higher;
 *  5. more related pods on the same node < fewer (doubled-up pods go first);
 *  6. both ready: more recently ready < ready longer;
 *  7. higher container restarts < lower (regular containers, then sidecars);
 *  8. newer < older (creationTimestamp; a missing one counts as newest).
 *
 * Steps 6 and 8 compare times the way kube's default LogarithmicScaleDown does: ages
 * are bucketed by floor(log2(age in ns)) and pods in the same bucket are ordered by UID,
 * so scale-down does not always pick the very newest pods. Pure.
 */

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

export interface RankOptions {
  /** Now (ms) for the logarithmic buckets; 0 compares exact times (kube without LogarithmicScaleDown). */
  now: number;
  /** Active pods of sibling ReplicaSets (same owner) and of this one, for rule 5. */
  relatedPods?: readonly Pod[];
}

/** The pod-deletion-cost annotation as an int32; 0 when absent or invalid. */
export function deletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number.parseInt(v, 10);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

/** [max restarts of regular containers, max restarts of restartable init containers (sidecars)]. */
export function maxContainerRestarts(pod: Pod): [number, number] {
  let regular = 0;
  let sidecar = 0;
  for (const s of pod.status?.containerStatuses ?? []) regular = Math.max(regular, s.restartCount ?? 0);
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  for (const s of pod.status?.initContainerStatuses ?? []) {
    if (sidecars.has(s.name)) sidecar = Math.max(sidecar, s.restartCount ?? 0);
  }
  return [regular, sidecar];
}

/** kube's afterOrZero: a missing time sorts first, otherwise the later time first. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

function logRank(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/** Compares two times for rules 6 and 8; undefined when they say nothing. */
function compareTimes(a: Pod, ta: number | undefined, b: Pod, tb: number | undefined, now: number): boolean | undefined {
  if (ta === tb) return undefined;
  if (!now || ta === undefined || tb === undefined) return afterOrZero(ta, tb);
  const diff = logRank(ta, now) - logRank(tb, now);
  if (diff === 0) return (a.metadata.uid ?? '') < (b.metadata.uid ?? '');
  return diff < 0;
}

/** Less(a, b): whether a should be deleted before b. rankA/rankB: related pods on their node. */
export function deleteBefore(a: Pod, rankA: number, b: Pod, rankB: number, now: number): boolean {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const pa = phaseOrdinal[a.status?.phase ?? ''] ?? 0;
  const pb = phaseOrdinal[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa < pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return !ra;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca < cb;
  if (rankA !== rankB) return rankA > rankB;
  if (ra && rb) {
    const byReady = compareTimes(a, podReadyTime(a), b, podReadyTime(b), now);
    if (byReady !== undefined) return byReady;
  }
  const [rega, sidea] = maxContainerRestarts(a);
  const [regb, sideb] = maxContainerRestarts(b);
  if (rega !== regb) return rega > regb;
  if (sidea !== sideb) return sidea > sideb;
  const byAge = compareTimes(a, parseTime(a.metadata.creationTimestamp), b, parseTime(b.metadata.creationTimestamp), now);
  return byAge ?? false;
}

/** The pods in deletion order (a new array; the input is not changed). */
export function rankPodsForDeletion(pods: readonly Pod[], opts: RankOptions): Pod[] {
  const onNode = new Map<string, number>();
  for (const p of opts.relatedPods ?? []) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((x, y) => {
    if (deleteBefore(x.pod, x.rank, y.pod, y.rank, opts.now)) return -1;
    if (deleteBefore(y.pod, y.rank, x.pod, x.rank, opts.now)) return 1;
    return 0;
  });
  return ranked.map((r) => r.pod);
}

/** kube's getPodsToDelete: the `diff` least useful pods (all of them without sorting when diff covers all). */
export function podsToDelete(pods: readonly Pod[], diff: number, opts: RankOptions): Pod[] {
  if (diff >= pods.length) return [...pods];
  return rankPodsForDeletion(pods, opts).slice(0, Math.max(0, diff));
}
