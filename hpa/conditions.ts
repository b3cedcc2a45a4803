import type { HPACondition } from '../api/autoscaling/hpa-schemas.js';

/**
 * setConditionInList: updates the condition of that type in place (appending a new one
 * at the end), and moves lastTransitionTime only when the status changes, as kube does:
 * `kubectl describe hpa` shows conditions in the order they were first set.
 */
export function setCondition(
  list: readonly HPACondition[] | undefined,
  cond: { type: string; status: 'True' | 'False'; reason: string; message: string },
  nowTime: string,
): HPACondition[] {
  const out = (list ?? []).map((c) => ({ ...c }));
  let existing = out.find((c) => c.type === cond.type);
  if (!existing) {
    existing = { type: cond.type, status: '', lastTransitionTime: undefined };
    out.push(existing);
  }
  if (existing.status !== cond.status) existing.lastTransitionTime = nowTime;
  existing.status = cond.status;
  existing.reason = cond.reason;
  existing.message = cond.message;
  return out;
}

/** metav1.Time: RFC 3339 to the second. */
export function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
