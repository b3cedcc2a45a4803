import type { Pod } from '../api/core/pod.js';
import { POD_SCHEDULED, REASON_UNSCHEDULABLE } from '../scheduler/pod-condition.js';
import { parseTime } from '../kubelet-sim/time.js';

/**
 * The pods the autoscaler works for: not bound, not being deleted, and marked
 * `PodScheduled=False, reason Unschedulable` by the scheduler — CA acts only on the
 * scheduler's verdict, never on its own guess. `newPodScaleUpDelayMs` leaves young pods to
 * the scheduler a little longer (--new-pod-scale-up-delay).
 */
export function unschedulablePods(pods: readonly Pod[], now: number, newPodScaleUpDelayMs: number): Pod[] {
  return pods.filter((p) => {
    if (p.spec?.nodeName || p.metadata.deletionTimestamp) return false;
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return false;
    const cond = p.status?.conditions?.find((c) => c.type === POD_SCHEDULED);
    if (cond?.status !== 'False' || cond.reason !== REASON_UNSCHEDULABLE) return false;
    if (newPodScaleUpDelayMs > 0) {
      const created = parseTime(p.metadata.creationTimestamp) ?? now;
      if (now - created < newPodScaleUpDelayMs) return false;
    }
    return true;
  });
}
