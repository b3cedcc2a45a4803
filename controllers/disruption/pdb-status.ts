import type { Pod } from '../../api/core/pod.js';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../api/policy/pdb.js';
import { formatTime, isPodReady, parseTime } from '../replicaset/pod-status.js';

/**
 * The status kube's disruption controller writes on a PodDisruptionBudget (trySync,
 * buildDisruptedPodMap, countHealthyPods, updatePdbStatus, failSafe and the pdb helper's
 * DisruptionAllowed condition). Pure functions of the budget, its pods and `now`.
 */

/** How long an eviction recorded in status.disruptedPods waits for its pod to be deleted. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';

type Condition = NonNullable<PodDisruptionBudgetStatus['conditions']>[number];

export interface DisruptedPodMap {
  /** The entries to keep: pods evicted less than DELETION_TIMEOUT_MS ago that still run. */
  kept: Record<string, string>;
  /** When the earliest kept entry expires (the controller checks the budget again then). */
  recheckAt?: number;
  /** Pods evicted over DELETION_TIMEOUT_MS ago and still not being deleted (kube warns `NotDeleted`). */
  notDeleted: Pod[];
}

/**
 * buildDisruptedPodMap: keeps the entries whose pod still exists, is not being deleted
 * yet, and was evicted no more than DELETION_TIMEOUT_MS ago. Entries of pods that are gone
 * or terminating are dropped: the deletion was observed.
 */
export function disruptedPodMap(pods: readonly Pod[], recorded: Record<string, string> | undefined, now: number): DisruptedPodMap {
  const out: DisruptedPodMap = { kept: {}, notDeleted: [] };
  if (!recorded) return out;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const name = pod.metadata.name ?? '';
    if (!Object.hasOwn(recorded, name)) continue;
    const at = parseTime(recorded[name]) ?? 0;
    const expires = at + DELETION_TIMEOUT_MS;
    if (expires < now) {
      out.notDeleted.push(pod);
      continue;
    }
    out.kept[name] = recorded[name]!;
    if (out.recheckAt === undefined || expires < out.recheckAt) out.recheckAt = expires;
  }
  return out;
}

/**
 * countHealthyPods: Ready pods that are not being deleted and not about to be (an
 * eviction in `disrupted` younger than DELETION_TIMEOUT_MS).
 */
export function countHealthyPods(pods: readonly Pod[], disrupted: Record<string, string>, now: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const name = pod.metadata.name ?? '';
    if (Object.hasOwn(disrupted, name)) {
      const at = parseTime(disrupted[name]);
      if (at !== undefined && at + DELETION_TIMEOUT_MS > now) continue;
    }
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/**
 * currentHealthy - desiredHealthy, never negative; and 0 while no pods are expected, so a
 * budget whose first pods appear before this controller counted them stays safe.
 */
export function disruptionsAllowed(currentHealthy: number, desiredHealthy: number, expectedCount: number): number {
  const allowed = currentHealthy - desiredHealthy;
  return expectedCount <= 0 || allowed <= 0 ? 0 : allowed;
}

/**
 * apimeta.SetStatusCondition: adds the condition, or updates the one of its type; the
 * transition time moves only when the status changes. Returns a new list.
 */
export function setStatusCondition(conditions: readonly Condition[] | undefined, cond: Omit<Condition, 'lastTransitionTime'>, now: number): Condition[] {
  const list = (conditions ?? []).map((c) => ({ ...c }));
  const existing = list.find((c) => c.type === cond.type);
  if (!existing) {
    list.push({ ...cond, lastTransitionTime: formatTime(now) });
    return list;
  }
  if (existing.status !== cond.status) {
    existing.status = cond.status;
    existing.lastTransitionTime = formatTime(now);
  }
  existing.reason = cond.reason;
  existing.message = cond.message;
  existing.observedGeneration = cond.observedGeneration;
  return list;
}

/** The DisruptionAllowed condition for a status (pdb helper's UpdateDisruptionAllowedCondition). */
export function withDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, now: number): PodDisruptionBudgetStatus {
  const allowed = (status.disruptionsAllowed ?? 0) > 0;
  const conditions = setStatusCondition(
    status.conditions,
    {
      type: DISRUPTION_ALLOWED,
      status: allowed ? 'True' : 'False',
      reason: allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS,
      message: '',
      observedGeneration: status.observedGeneration,
    },
    now,
  );
  return { ...status, conditions };
}

/** pdb helper's ConditionsAreUpToDate. */
export function conditionsUpToDate(pdb: PodDisruptionBudget): boolean {
  const s = pdb.status ?? {};
  const cond = s.conditions?.find((c) => c.type === DISRUPTION_ALLOWED);
  if (!cond || (s.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  return (s.disruptionsAllowed ?? 0) > 0
    ? cond.status === 'True' && cond.reason === SUFFICIENT_PODS
    : cond.status === 'False' && cond.reason === INSUFFICIENT_PODS;
}

function sameDisrupted(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b).length) return false;
  return ak.every((k) => b[k] === a![k]);
}

export interface PdbCounts {
  currentHealthy: number;
  desiredHealthy: number;
  expectedCount: number;
  disruptedPods: Record<string, string>;
}

/**
 * updatePdbStatus: the status to write, or undefined when the live one already says all
 * of it (kube compares nil and empty disruptedPods as equal; empty is omitted on write).
 */
export function nextPdbStatus(pdb: PodDisruptionBudget, counts: PdbCounts, now: number): PodDisruptionBudgetStatus | undefined {
  const allowed = disruptionsAllowed(counts.currentHealthy, counts.desiredHealthy, counts.expectedCount);
  const s = pdb.status ?? {};
  const generation = pdb.metadata.generation ?? 0;
  if (
    (s.currentHealthy ?? 0) === counts.currentHealthy &&
    (s.desiredHealthy ?? 0) === counts.desiredHealthy &&
    (s.expectedPods ?? 0) === counts.expectedCount &&
    (s.disruptionsAllowed ?? 0) === allowed &&
    sameDisrupted(s.disruptedPods, counts.disruptedPods) &&
    (s.observedGeneration ?? 0) === generation &&
    conditionsUpToDate(pdb)
  ) {
    return undefined;
  }
  const next: PodDisruptionBudgetStatus = {
    observedGeneration: generation,
    disruptionsAllowed: allowed,
    currentHealthy: counts.currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    expectedPods: counts.expectedCount,
    conditions: s.conditions,
  };
  if (Object.keys(counts.disruptedPods).length > 0) next.disruptedPods = { ...counts.disruptedPods };
  return withDisruptionAllowedCondition(next, now);
}

/**
 * failSafe: after a failed sync, no disruption is allowed and the condition says why.
 * observedGeneration is left as it was, as kube does.
 */
export function failSafeStatus(pdb: PodDisruptionBudget, message: string, now: number): PodDisruptionBudgetStatus {
  const s = pdb.status ?? {};
  return {
    ...s,
    disruptionsAllowed: 0,
    conditions: setStatusCondition(
      s.conditions,
      { type: DISRUPTION_ALLOWED, status: 'False', reason: SYNC_FAILED, message, observedGeneration: s.observedGeneration },
      now,
    ),
  };
}
