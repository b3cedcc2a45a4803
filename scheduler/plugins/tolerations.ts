/**
 * Taint/toleration matching shared by TaintToleration and NodeUnschedulable
 * (core/v1 Toleration.ToleratesTaint and helper.FindMatchingUntoleratedTaint).
 */
import type { TaintLike, TolerationLike } from '../types.js';

/**
 * A toleration tolerates a taint when its effect is empty or equal, its key is empty or
 * equal, and — operator Exists — any value, or — Equal, the default — the same value.
 * An empty key with Exists tolerates every taint.
 */
export function toleratesTaint(t: TolerationLike, taint: TaintLike): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function tolerationsTolerateTaint(tolerations: readonly TolerationLike[] | undefined, taint: TaintLike): boolean {
  for (const t of tolerations ?? []) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint (in node order) passing `relevant` that no toleration tolerates. */
export function findUntoleratedTaint(
  taints: readonly TaintLike[],
  tolerations: readonly TolerationLike[] | undefined,
  relevant: (t: TaintLike) => boolean,
): TaintLike | undefined {
  for (const taint of taints) {
    if (!relevant(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}
