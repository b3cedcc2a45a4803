import type { HPABehavior, HPAScalingRules } from '../api/autoscaling/hpa-schemas.js';

/**
 * Turning a metric proposal into the replica count the HPA writes, as kube's
 * podautoscaler/horizontal.go normalizes it: stabilization over past recommendations,
 * then min/max and rate limits. Pure: each function takes the HPA's history (kept by the
 * controller per HPA key, in memory, as kube keeps it) and the time, and answers the
 * count with the condition reasons kube writes, and the history to keep.
 *
 * Two paths, as in kube: an HPA without spec.behavior gets the legacy rules (the
 * --horizontal-pod-autoscaler-downscale-stabilization window on the way down, at most
 * max(2 × current, 4) on the way up); an HPA with behavior (filled with defaults by the
 * apiserver) gets its windows and policies.
 */

export interface Recommendation {
  replicas: number;
  atMs: number;
}

export interface ScaleEvent {
  /** Pods added (scale-up list) or removed (scale-down list); always positive. */
  change: number;
  atMs: number;
}

/** What the controller remembers per HPA between syncs. */
export interface ScaleHistory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export const emptyHistory = (): ScaleHistory => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

/** A condition the normalization sets: AbleToScale (stabilization) and ScalingLimited (limits). */
export interface ConditionDecision {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface Normalized {
  replicas: number;
  ableToScale: ConditionDecision;
  scalingLimited: ConditionDecision;
  recommendations: Recommendation[];
}

const readyForNewScale: ConditionDecision = { status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' };

/** Adds a recommendation, reusing the slot of one that fell out of every window (kube keeps the list short that way). */
function record(recs: readonly Recommendation[], rec: Recommendation, isOld: (r: Recommendation) => boolean): Recommendation[] {
  const out = [...recs];
  let oldIndex = -1;
  out.forEach((r, i) => {
    if (isOld(r)) oldIndex = i;
  });
  if (oldIndex >= 0) out[oldIndex] = rec;
  else out.push(rec);
  return out;
}

/** kube's legacy scale-up limit: twice the current count, at least 4. */
export function legacyScaleUpLimit(currentReplicas: number): number {
  return Math.max(2 * currentReplicas, 4);
}

/** convertDesiredReplicasWithRules: min/max and the legacy scale-up limit. */
export function convertDesiredReplicasWithRules(current: number, desired: number, min: number, max: number): { replicas: number; reason: string; message: string } {
  const scaleUpLimit = legacyScaleUpLimit(current);
  let maxAllowed: number;
  let reason: string;
  let message: string;
  if (max > scaleUpLimit) {
    maxAllowed = scaleUpLimit;
    reason = 'ScaleUpLimit';
    message = 'the desired replica count is increasing faster than the maximum scale rate';
  } else {
    maxAllowed = max;
    reason = 'TooManyReplicas';
    message = 'the desired replica count is more than the maximum replica count';
  }
  if (desired < min) return { replicas: min, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  if (desired > maxAllowed) return { replicas: maxAllowed, reason, message };
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

/** normalizeDesiredReplicas: HPAs without spec.behavior. */
export function normalizeLegacy(input: {
  history: readonly Recommendation[];
  current: number;
  desired: number;
  min: number;
  max: number;
  downscaleStabilizationMs: number;
  now: number;
}): Normalized {
  const { current, desired, min, max, now } = input;
  const cutoff = now - input.downscaleStabilizationMs;
  let stabilized = desired;
  for (const r of input.history) if (r.atMs >= cutoff && r.replicas > stabilized) stabilized = r.replicas;
  const recommendations = record(input.history, { replicas: desired, atMs: now }, (r) => r.atMs < cutoff);
  const ableToScale =
    stabilized !== desired
      ? {
          status: 'True' as const,
          reason: 'ScaleDownStabilized',
          message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
        }
      : readyForNewScale;
  const limited = convertDesiredReplicasWithRules(current, stabilized, min, max);
  return {
    replicas: limited.replicas,
    ableToScale,
    scalingLimited: { status: limited.replicas === stabilized ? 'False' : 'True', reason: limited.reason, message: limited.message },
    recommendations,
  };
}

/** Pods added (or removed) by the events within the last periodSeconds. */
export function changeInPeriod(periodSeconds: number, events: readonly ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.atMs > cutoff) sum += e.change;
  return sum;
}

/**
 * calculateScaleUpLimitWithScalingRules: per policy, the count at the start of its period
 * plus what the policy allows (Pods: value; Percent: rounded up, so a small count still
 * grows); selectPolicy Max takes the largest, Min the smallest, Disabled keeps current.
 */
export function scaleUpLimit(current: number, up: readonly ScaleEvent[], down: readonly ScaleEvent[], rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const p of rules.policies ?? []) {
    const periodStart = current - changeInPeriod(p.periodSeconds ?? 0, up, now) + changeInPeriod(p.periodSeconds ?? 0, down, now);
    let proposed: number;
    if (p.type === 'Pods') proposed = periodStart + (p.value ?? 0);
    else if (p.type === 'Percent') proposed = Math.ceil(periodStart * (1 + (p.value ?? 0) / 100));
    else continue;
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}

/**
 * calculateScaleDownLimitWithBehaviors: per policy, the count at the start of its period
 * minus what it allows (Percent truncated, as kube's int conversion); Max (the default)
 * takes the lowest floor, i.e. the biggest change.
 */
export function scaleDownLimit(current: number, up: readonly ScaleEvent[], down: readonly ScaleEvent[], rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const p of rules.policies ?? []) {
    const periodStart = current - changeInPeriod(p.periodSeconds ?? 0, up, now) + changeInPeriod(p.periodSeconds ?? 0, down, now);
    let proposed: number;
    if (p.type === 'Pods') proposed = periodStart - (p.value ?? 0);
    else if (p.type === 'Percent') proposed = Math.trunc(periodStart * (1 - (p.value ?? 0) / 100));
    else continue;
    result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}

/**
 * normalizeDesiredReplicasWithBehaviors: the proposal is held between the lowest
 * recommendation of the scale-up window and the highest of the scale-down window, then
 * limited by the policies and min/max. scaleDown.stabilizationWindowSeconds unset means
 * the controller's --horizontal-pod-autoscaler-downscale-stabilization.
 */
export function normalizeWithBehavior(input: {
  history: ScaleHistory;
  behavior: HPABehavior;
  current: number;
  desired: number;
  min: number;
  max: number;
  downscaleStabilizationMs: number;
  now: number;
}): Normalized {
  const { history, behavior, current, desired, min, max, now } = input;
  const up = behavior.scaleUp ?? {};
  const down = behavior.scaleDown ?? {};
  const upCutoff = now - (up.stabilizationWindowSeconds ?? 0) * 1000;
  const downCutoff = now - (down.stabilizationWindowSeconds !== undefined ? down.stabilizationWindowSeconds * 1000 : input.downscaleStabilizationMs);

  let upRec = desired;
  let downRec = desired;
  for (const r of history.recommendations) {
    if (r.atMs > upCutoff) upRec = Math.min(upRec, r.replicas);
    if (r.atMs > downCutoff) downRec = Math.max(downRec, r.replicas);
  }
  let stabilized = current;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  const recommendations = record(history.recommendations, { replicas: desired, atMs: now }, (r) => r.atMs < upCutoff && r.atMs < downCutoff);

  let ableToScale = readyForNewScale;
  if (stabilized !== desired) {
    ableToScale =
      desired >= current
        ? { status: 'True', reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
        : { status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  }

  let replicas = stabilized;
  let reason = 'DesiredWithinRange';
  let message = 'the desired count is within the acceptable range';
  if (stabilized > current) {
    const limit = Math.max(scaleUpLimit(current, history.scaleUpEvents, history.scaleDownEvents, up, now), current);
    let maxAllowed = max;
    if (maxAllowed > limit) {
      maxAllowed = limit;
      reason = 'ScaleUpLimit';
      message = 'the desired replica count is increasing faster than the maximum scale rate';
    } else {
      reason = 'TooManyReplicas';
      message = 'the desired replica count is more than the maximum replica count';
    }
    if (stabilized > maxAllowed) replicas = maxAllowed;
    else {
      reason = 'DesiredWithinRange';
      message = 'the desired count is within the acceptable range';
    }
  } else if (stabilized < current) {
    const limit = Math.min(scaleDownLimit(current, history.scaleUpEvents, history.scaleDownEvents, down, now), current);
    let minAllowed = min;
    if (minAllowed < limit) {
      minAllowed = limit;
      reason = 'ScaleDownLimit';
      message = 'the desired replica count is decreasing faster than the maximum scale rate';
    } else {
      reason = 'TooFewReplicas';
      message = 'the desired replica count is less than the minimum replica count';
    }
    if (stabilized < minAllowed) replicas = minAllowed;
    else {
      reason = 'DesiredWithinRange';
      message = 'the desired count is within the acceptable range';
    }
  }
  return {
    replicas,
    ableToScale,
    scalingLimited: { status: replicas === stabilized ? 'False' : 'True', reason, message },
    recommendations,
  };
}

/** The longest policy period of a rule set, in seconds: how long its events matter. */
export function longestPolicyPeriod(rules: HPAScalingRules | undefined): number {
  let longest = 0;
  for (const p of rules?.policies ?? []) longest = Math.max(longest, p.periodSeconds ?? 0);
  return longest;
}

/**
 * storeScaleEvent: after a rescale of an HPA with behavior, remember the change so the
 * policies can count it; events older than the direction's longest period are dropped
 * (kube reuses their slots, with the same effect). Without behavior nothing is kept.
 */
export function recordScaleEvent(history: ScaleHistory, behavior: HPABehavior | undefined, prev: number, next: number, now: number): ScaleHistory {
  if (!behavior || prev === next) return history;
  if (next > prev) {
    const cutoff = now - longestPolicyPeriod(behavior.scaleUp) * 1000;
    return { ...history, scaleUpEvents: [...history.scaleUpEvents.filter((e) => e.atMs >= cutoff), { change: next - prev, atMs: now }] };
  }
  const cutoff = now - longestPolicyPeriod(behavior.scaleDown) * 1000;
  return { ...history, scaleDownEvents: [...history.scaleDownEvents.filter((e) => e.atMs >= cutoff), { change: prev - next, atMs: now }] };
}
