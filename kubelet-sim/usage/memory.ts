/**
 * A container's working set and the OOM decision. Pure.
 *
 * Working set = idle baseline + profile memory + memory held by requests in flight. A
 * container whose working set passes its memory limit is OOM-killed by the kernel: the
 * kubelet reports it terminated with reason OOMKilled and exit code 137 (128 + SIGKILL),
 * and restarts it per the pod's restartPolicy.
 */

export const OOM_EXIT_CODE = 137;
export const OOM_REASON = 'OOMKilled';

export function workingSet(baseline: number, profile: number, inFlight: number): number {
  return Math.max(0, Math.round(baseline + profile + inFlight));
}

/** Whether a working set is over the limit (undefined or 0: no limit). */
export function overMemoryLimit(workingSetBytes: number, limitBytes: number | undefined): boolean {
  return limitBytes !== undefined && limitBytes > 0 && workingSetBytes > limitBytes;
}
