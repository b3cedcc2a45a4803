import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from '../../api/apps/schemas.js';
import { formatTime, parseTime } from '../replicaset/pod-status.js';
import { canonicalJson } from './pod-template-hash.js';
import { maxUnavailable, replicasOf, sumSpecReplicas, sumStatus } from './replica-maths.js';

/**
 * Deployment status and conditions as kube computes them (sync.go calculateStatus,
 * progress.go syncRolloutStatus, deploymentutil conditions), so that
 * `kubectl rollout status` reads the same story. Pure: `now` is passed in.
 */

export const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';
export const REPLICA_FAILURE = 'ReplicaFailure';

export const Reason = {
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  ReplicaSetCreateError: 'ReplicaSetCreateError',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

const MAX_INT32 = 2147483647;

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: string, reason: string, message: string, now: number): DeploymentCondition {
  const t = formatTime(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/**
 * SetDeploymentCondition: a condition with the same status and reason is left alone
 * (message and times included); a same-status change keeps lastTransitionTime. The
 * condition moves to the end of the list, as kube appends it.
 */
export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== MAX_INT32;
}

/** Drops zero counters, as kube's omitempty fields never show them. */
function omitZeros(status: DeploymentStatus): DeploymentStatus {
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (!status[k]) delete status[k];
  }
  if (status.collisionCount === undefined || status.collisionCount === null) delete status.collisionCount;
  if (status.conditions && status.conditions.length === 0) delete status.conditions;
  return status;
}

/**
 * calculateStatus: counters from the ReplicaSets (replicas/ready/available from their
 * status, updated from the new one's), unavailable = Σ spec.replicas − available (≥ 0),
 * and the Available condition: True (MinimumReplicasAvailable) when available ≥
 * spec.replicas − maxUnavailable.
 */
export function calculateStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: number): DeploymentStatus {
  const available = sumStatus(allRSs, 'availableReplicas');
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumStatus(allRSs, 'replicas'),
    updatedReplicas: sumStatus([newRS], 'replicas'),
    readyReplicas: sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpecReplicas(allRSs) - available),
    collisionCount: d.status?.collisionCount,
    conditions: structuredClone(d.status?.conditions ?? []),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(AVAILABLE, 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return omitZeros(status);
}

/** DeploymentComplete: every replica updated and available, and the spec observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus | undefined): boolean {
  const replicas = replicasOf(d);
  return (
    (s?.updatedReplicas ?? 0) === replicas &&
    (s?.replicas ?? 0) === replicas &&
    (s?.availableReplicas ?? 0) === replicas &&
    (s?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than before. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: no progress recorded for progressDeadlineSeconds. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, PROGRESSING);
  if (!c) return false;
  if (c.reason === Reason.NewReplicaSetAvailable) return false;
  if (c.reason === Reason.ProgressDeadlineExceeded) return true;
  const from = parseTime(c.lastUpdateTime) ?? 0;
  return from + d.spec!.progressDeadlineSeconds! * 1000 < now;
}

/** ReplicaSetToDeploymentCondition: the new ReplicaSet's ReplicaFailure first, else any old one's. */
function replicaFailure(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  const from = (rs: ReplicaSet | undefined) => rs?.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  const c = from(newRS) ?? allRSs.map(from).find((x) => x);
  if (!c) return undefined;
  return { type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
}

/**
 * syncRolloutStatus without the write: calculateStatus plus the Progressing condition —
 * NewReplicaSetAvailable once complete, ReplicaSetUpdated (lastUpdateTime refreshed) on
 * any progress, ProgressDeadlineExceeded once the deadline passes without progress —
 * and ReplicaFailure copied from the ReplicaSets.
 */
export function rolloutStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: number): DeploymentStatus {
  const s = calculateStatus(d, allRSs, newRS, now);
  s.conditions ??= [];
  if (!hasProgressDeadline(d)) removeCondition(s, PROGRESSING);
  const cur = getCondition(d.status, PROGRESSING);
  const complete = (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && cur?.reason === Reason.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, s)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setCondition(s, newCondition(PROGRESSING, 'True', Reason.NewReplicaSetAvailable, msg, now));
    } else if (deploymentProgressing(d, s)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const cond = newCondition(PROGRESSING, 'True', Reason.ReplicaSetUpdated, msg, now);
      if (cur) {
        if (cur.status === 'True') cond.lastTransitionTime = cur.lastTransitionTime;
        removeCondition(s, PROGRESSING);
      }
      setCondition(s, cond);
    } else if (deploymentTimedOut(d, s, now)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(s, newCondition(PROGRESSING, 'False', Reason.ProgressDeadlineExceeded, msg, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(s, failure);
  else removeCondition(s, REPLICA_FAILURE);
  if (s.conditions.length === 0) delete s.conditions;
  return s;
}

/**
 * requeueStuckDeployment: when to look again for a rollout that made no progress, so
 * the deadline is noticed without a resync. undefined: no need.
 */
export function stuckRequeueAfterMs(d: Deployment, next: DeploymentStatus, now: number): number | undefined {
  const cur = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !cur) return undefined;
  if (deploymentComplete(d, next) || cur.reason === Reason.ProgressDeadlineExceeded) return undefined;
  const after = (parseTime(cur.lastUpdateTime) ?? 0) + d.spec!.progressDeadlineSeconds! * 1000 - now;
  return after < 1000 ? 1000 : after + 1000;
}

/**
 * checkPausedConditions: the Progressing condition DeploymentPaused ("Deployment is
 * paused") when paused, DeploymentResumed when resumed; never over a timed-out one.
 * Returns the new status, or undefined when nothing changes.
 */
export function pausedConditionStatus(d: Deployment, now: number): DeploymentStatus | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const cur = getCondition(d.status, PROGRESSING);
  if (cur?.reason === Reason.ProgressDeadlineExceeded) return undefined;
  const pausedCond = cur?.reason === Reason.DeploymentPaused;
  const status = structuredClone(d.status ?? {});
  if (d.spec?.paused && !pausedCond) {
    setCondition(status, newCondition(PROGRESSING, 'Unknown', Reason.DeploymentPaused, 'Deployment is paused', now));
  } else if (!d.spec?.paused && pausedCond) {
    setCondition(status, newCondition(PROGRESSING, 'Unknown', Reason.DeploymentResumed, 'Deployment is resumed', now));
  } else {
    return undefined;
  }
  return status;
}

/** reflect.DeepEqual of two statuses, ignoring key order and absent-vs-zero counters. */
export function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return canonicalJson(omitZeros(structuredClone(a ?? {}))) === canonicalJson(omitZeros(structuredClone(b ?? {})));
}
