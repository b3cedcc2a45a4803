import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';
import type { Pod } from '../../api/core/pod.js';
import {
  compareByCreation,
  compareByRevision,
  compareBySizeNewer,
  compareBySizeOlder,
  filterActive,
  findActiveOrLatest,
  getProportion,
  isSaturated,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  replicasOf,
  strategyOf,
  sumSpecReplicas,
  sumStatus,
} from './replica-maths.js';

/**
 * What the Deployment controller scales next, as data: each function takes the current
 * ReplicaSets and returns scale steps (kube's rolling.go, recreate.go and sync.go scale /
 * cleanupDeployment, without the writes). The executor applies steps in order, one
 * ReplicaSet update and one ScalingReplicaSet event each. Pure.
 */

export interface ScaleStep {
  /** The ReplicaSet's name. */
  name: string;
  from: number;
  to: number;
}

/** reconcileNewReplicaSet: the new ReplicaSet's next size, or undefined when it stays. */
export function planNewReplicaSet(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number | undefined {
  const current = replicasOf(newRS);
  const replicas = replicasOf(d);
  if (current === replicas) return undefined;
  if (current > replicas) return replicas;
  const next = newRSNewReplicas(d, allRSs, newRS);
  return next === current ? undefined : next;
}

/**
 * reconcileOldReplicaSets: first scale down old ReplicaSets' unhealthy (unavailable)
 * replicas, oldest ReplicaSet first, as far as maxScaledDown allows; then scale down old
 * ReplicaSets while more than minAvailable (spec.replicas - maxUnavailable) pods are
 * available. A ReplicaSet may appear twice (cleanup, then scale-down), as kube writes it twice.
 */
export function planOldReplicaSets(d: Deployment, allRSs: readonly ReplicaSet[], activeOldRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): ScaleStep[] {
  if (sumSpecReplicas(activeOldRSs) === 0) return [];
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = newRS ? replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  const maxScaledDown = sumSpecReplicas(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const olds = [...activeOldRSs].sort(compareByCreation);
  const size = new Map(olds.map((rs) => [rs.metadata.name!, replicasOf(rs)]));
  const steps: ScaleStep[] = [];
  let cleaned = 0;
  for (const rs of olds) {
    if (cleaned >= maxScaledDown) break;
    const cur = size.get(rs.metadata.name!)!;
    const available = rs.status?.availableReplicas ?? 0;
    if (cur === 0 || cur === available) continue;
    const down = Math.min(maxScaledDown - cleaned, cur - available);
    steps.push({ name: rs.metadata.name!, from: cur, to: cur - down });
    size.set(rs.metadata.name!, cur - down);
    cleaned += down;
  }

  // Cleaning up unavailable replicas leaves availability unchanged.
  const availableNow = sumStatus([...activeOldRSs, newRS], 'availableReplicas');
  if (availableNow <= minAvailable) return steps;
  const total = availableNow - minAvailable;
  let scaled = 0;
  for (const rs of olds) {
    if (scaled >= total) break;
    const cur = size.get(rs.metadata.name!)!;
    if (cur === 0) continue;
    const down = Math.min(cur, total - scaled);
    steps.push({ name: rs.metadata.name!, from: cur, to: cur - down });
    size.set(rs.metadata.name!, cur - down);
    scaled += down;
  }
  return steps;
}

/** scaleDownOldReplicaSetsForRecreate: every active old ReplicaSet to 0. */
export function planRecreateScaleDown(activeOldRSs: readonly ReplicaSet[]): ScaleStep[] {
  return activeOldRSs.filter((rs) => replicasOf(rs) > 0).map((rs) => ({ name: rs.metadata.name!, from: replicasOf(rs), to: 0 }));
}

/**
 * oldPodsRunning: whether Recreate must still wait before starting new pods: old
 * ReplicaSets report pods, or a pod of an old ReplicaSet is not yet Succeeded/Failed.
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podsByRS: ReadonlyMap<string, readonly Pod[]>): boolean {
  if (sumStatus(oldRSs, 'replicas') > 0) return true;
  for (const [uid, pods] of podsByRS) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}

/**
 * sync.go scale(): a scaling event (spec.replicas changed, or paused). With one active
 * ReplicaSet (or none: the newest) it takes spec.replicas; with a saturated new
 * ReplicaSet the old ones go to 0; otherwise, for RollingUpdate, the difference to
 * spec.replicas + maxSurge is shared out in proportion to each active ReplicaSet's size
 * (max-replicas annotation), the leftover going to the largest. Steps may keep a size
 * (from === to): the write still refreshes the replicas annotations.
 */
export function planScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ScaleStep[] {
  const replicas = replicasOf(d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    return replicasOf(only) === replicas ? [] : [{ name: only.metadata.name!, from: replicasOf(only), to: replicas }];
  }
  if (isSaturated(d, newRS)) {
    return filterActive(oldRSs).map((rs) => ({ name: rs.metadata.name!, from: replicasOf(rs), to: 0 }));
  }
  if (strategyOf(d).type !== 'RollingUpdate') return [];
  const all = filterActive([...oldRSs, newRS]);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - sumSpecReplicas(all);
  if (toAdd > 0) all.sort(compareBySizeNewer);
  else if (toAdd < 0) all.sort(compareBySizeOlder);
  const target = new Map<string, number>();
  let added = 0;
  for (const rs of all) {
    if (toAdd === 0) {
      target.set(rs.metadata.name!, replicasOf(rs));
      continue;
    }
    const p = getProportion(rs, d, toAdd, added);
    target.set(rs.metadata.name!, replicasOf(rs) + p);
    added += p;
  }
  return all.map((rs, i) => {
    let to = target.get(rs.metadata.name!)!;
    if (i === 0 && toAdd !== 0) to = Math.max(0, to + toAdd - added);
    return { name: rs.metadata.name!, from: replicasOf(rs), to };
  });
}

/**
 * cleanupDeployment: names of old ReplicaSets to delete beyond revisionHistoryLimit,
 * lowest revision first, only those fully scaled down and observed so.
 */
export function planCleanup(d: Deployment, oldRSs: readonly ReplicaSet[]): string[] {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return [];
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return [];
  const sorted = [...cleanable].sort(compareByRevision);
  const out: string[] = [];
  for (const rs of sorted.slice(0, diff)) {
    const observed = (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0);
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || !observed) continue;
    out.push(rs.metadata.name!);
  }
  return out;
}
