/**
 * The PodScheduled condition the scheduler writes when an attempt fails, and whether a
 * write is needed at all (kube's podutil.UpdatePodCondition): a pod that fails again for
 * the same reason with the same message is not patched again, so retries cost an event
 * count bump, not a status write. lastTransitionTime moves only when status changes.
 */

export const POD_SCHEDULED = 'PodScheduled';
/** v1.PodReasonUnschedulable: no node fits. */
export const REASON_UNSCHEDULABLE = 'Unschedulable';
/** v1.PodReasonSchedulerError: a plugin or the scheduler itself failed. */
export const REASON_SCHEDULER_ERROR = 'SchedulerError';

export interface PodConditionLike {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastProbeTime?: string | null;
  readonly lastTransitionTime?: string | null;
}

export interface PodWithConditions {
  readonly status?: { readonly conditions?: readonly PodConditionLike[] };
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The status patch that records a failed attempt, or undefined when the pod already
 * carries exactly this condition. The patch holds the whole conditions list (the other
 * conditions unchanged), so it means the same as a strategic merge patch (merge key
 * `type`) and as a JSON merge patch (lists replace).
 */
export function schedulingFailedPatch(
  pod: PodWithConditions,
  reason: string,
  message: string,
  now: number,
): { status: { conditions: PodConditionLike[] } } | undefined {
  const conditions = pod.status?.conditions ?? [];
  const existing = conditions.find((c) => c.type === POD_SCHEDULED);
  if (existing && existing.status === 'False' && existing.reason === reason && existing.message === message) return undefined;
  const transition = existing && existing.status === 'False' && existing.lastTransitionTime ? existing.lastTransitionTime : formatTime(now);
  const cond: PodConditionLike = {
    type: POD_SCHEDULED,
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: transition,
    reason,
    message,
  };
  const next = existing ? conditions.map((c) => (c.type === POD_SCHEDULED ? cond : c)) : [...conditions, cond];
  return { status: { conditions: next } };
}
