import type { Pod, PodCondition } from '../../api/core/pod.js';

/**
 * The pod predicates the workload controllers share (kube's controller.IsPodActive,
 * podutil.IsPodReady / IsPodAvailable), and metav1.Time conversions. Pure.
 */

/** metav1.Time: RFC 3339 in UTC, whole seconds. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds since the epoch, or undefined for a missing or unparsable time. */
export function parseTime(t: string | null | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Not finished (Succeeded/Failed) and not being deleted: the pods a ReplicaSet counts. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** When the pod last became Ready (undefined when not ready or the time is unknown). */
export function podReadyTime(pod: Pod): number | undefined {
  const c = podReadyCondition(pod);
  return c?.status === 'True' ? parseTime(c.lastTransitionTime) : undefined;
}

/**
 * Ready for at least minReadySeconds at `now` (podutil.IsPodAvailable): with
 * minReadySeconds 0 every ready pod is available.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = parseTime(podReadyCondition(pod)?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/**
 * When a ready pod that is not yet available becomes available (ms), or undefined.
 * Lets a controller requeue exactly when availability changes.
 */
export function podAvailableAt(pod: Pod, minReadySeconds: number, now: number): number | undefined {
  if (!minReadySeconds || !isPodReady(pod) || isPodAvailable(pod, minReadySeconds, now)) return undefined;
  const since = parseTime(podReadyCondition(pod)?.lastTransitionTime);
  return since === undefined ? undefined : since + minReadySeconds * 1000 + 1;
}
