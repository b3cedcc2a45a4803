import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';
import { scaledValueFromIntOrPercent } from '../../api/apps/int-or-percent.js';
import { desiredReplicasAnnotation, maxReplicasAnnotation, revisionOf } from './annotations.js';

/**
 * The Deployment controller's arithmetic (kube's deploymentutil and controller sort
 * orders): surge and unavailability fenceposts, how far the new ReplicaSet may grow,
 * proportional shares for scaling during a rollout. Pure.
 */

export type Strategy = { type: 'Recreate' } | { type: 'RollingUpdate'; maxSurge: number | string; maxUnavailable: number | string };

/** The strategy with apps/v1 defaults (RollingUpdate, 25%/25%) filled in. */
export function strategyOf(d: Deployment): Strategy {
  const s = d.spec?.strategy;
  if (s?.type === 'Recreate') return { type: 'Recreate' };
  return { type: 'RollingUpdate', maxSurge: s?.rollingUpdate?.maxSurge ?? '25%', maxUnavailable: s?.rollingUpdate?.maxUnavailable ?? '25%' };
}

export const replicasOf = (obj: Deployment | ReplicaSet | undefined): number => obj?.spec?.replicas ?? 1;

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable down; if both come out 0,
 * maxUnavailable becomes 1 (surge might be impossible under a quota).
 */
export function resolveFenceposts(maxSurge: number | string, maxUnavailable: number | string, desired: number): [number, number] {
  const surge = scaledValueFromIntOrPercent(maxSurge, desired, true);
  let unavailable = scaledValueFromIntOrPercent(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function maxSurge(d: Deployment): number {
  const s = strategyOf(d);
  if (s.type !== 'RollingUpdate') return 0;
  return resolveFenceposts(s.maxSurge, s.maxUnavailable, replicasOf(d))[0];
}

/** Never more than spec.replicas; 0 for Recreate or 0 replicas. */
export function maxUnavailable(d: Deployment): number {
  const s = strategyOf(d);
  const replicas = replicasOf(d);
  if (s.type !== 'RollingUpdate' || replicas === 0) return 0;
  return Math.min(resolveFenceposts(s.maxSurge, s.maxUnavailable, replicas)[1], replicas);
}

export const sumSpecReplicas = (rss: readonly (ReplicaSet | undefined)[]): number =>
  rss.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0);

export function sumStatus(rss: readonly (ReplicaSet | undefined)[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return rss.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);
}

/** ReplicaSets with spec.replicas > 0. */
export const filterActive = (rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] =>
  rss.filter((rs): rs is ReplicaSet => !!rs && replicasOf(rs) > 0);

const created = (rs: ReplicaSet): number => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: older first, then by name. */
export function compareByCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  const an = a.metadata.name ?? '';
  const bn = b.metadata.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** ReplicaSetsBySizeOlder: larger first, then older first (scale-down order). */
export const compareBySizeOlder = (a: ReplicaSet, b: ReplicaSet): number => replicasOf(b) - replicasOf(a) || compareByCreation(a, b);
/** ReplicaSetsBySizeNewer: larger first, then newer first (scale-up order). */
export const compareBySizeNewer = (a: ReplicaSet, b: ReplicaSet): number => replicasOf(b) - replicasOf(a) || compareByCreation(b, a);
/** ReplicaSetsByRevision: lower revision first, then older first (cleanup order). */
export const compareByRevision = (a: ReplicaSet, b: ReplicaSet): number => (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0) || compareByCreation(a, b);

/**
 * NewRSNewReplicas: how large the new ReplicaSet may be now. RollingUpdate grows it up
 * to spec.replicas while the total stays within spec.replicas + maxSurge; Recreate
 * takes spec.replicas at once.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const s = strategyOf(d);
  const replicas = replicasOf(d);
  if (s.type === 'Recreate') return replicas;
  const surge = scaledValueFromIntOrPercent(s.maxSurge, replicas, true);
  const current = sumSpecReplicas(allRSs);
  const maxTotal = replicas + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  const scaleUp = Math.min(maxTotal - current, replicas - replicasOf(newRS));
  return replicasOf(newRS) + scaleUp;
}

/** Go's math.Round: halves away from zero. */
export const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** getReplicaSetFraction: this ReplicaSet's share of the new size, as a delta. */
export function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const replicas = replicasOf(d);
  if (replicas === 0) return -replicasOf(rs);
  const deploymentReplicas = replicas + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return roundHalfAway((replicasOf(rs) * deploymentReplicas) / annotated) - replicasOf(rs);
}

/** GetProportion: the delta for rs, bounded by what is left to add (or remove). */
export function getProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** IsSaturated: the new ReplicaSet runs the whole Deployment and all of it is available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  const replicas = replicasOf(d);
  return replicasOf(rs) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/**
 * FindActiveOrLatest: the only ReplicaSet with replicas, or the newest when none has
 * any; undefined when several are active (a rollout is under way).
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort((a, b) => compareByCreation(b, a));
  const active = filterActive([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  return active.length === 1 ? active[0] : undefined;
}
