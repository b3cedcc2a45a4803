import type { Taint } from '../../api/core/node.js';
import type { Toleration } from '../../api/core/pod-spec.js';
import { toleratesTaint } from '../../scheduler/plugins/tolerations.js';

/**
 * When must a pod leave a node? kube's taint eviction controller, as a pure function.
 * Only NoExecute taints count. A pod that does not tolerate one of them goes at once; one
 * that tolerates all of them goes when the shortest tolerationSeconds among the
 * tolerations it uses runs out, counted from when it was first seen on the tainted node;
 * tolerations without tolerationSeconds tolerate forever.
 *
 * Pods get 300 s tolerations for not-ready and unreachable from the apiserver's
 * defaulting (DefaultTolerationSeconds), so an unreachable node's pods go after 5 minutes
 * unless their spec says otherwise.
 */

export type EvictionDecision =
  /** Nothing to do (no NoExecute taints, or tolerated forever): cancel any pending eviction. */
  | { kind: 'keep' }
  /** Delete now. */
  | { kind: 'evict'; untolerated?: Taint }
  /** Delete at `at` (ms), counted from `since`. */
  | { kind: 'schedule'; since: number; at: number };

export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * kube's GetMatchingTolerations: for each taint the first toleration that tolerates it.
 * `undefined` when some taint is not tolerated (that taint is returned in `untolerated`).
 */
export function matchingTolerations(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
): { used: Toleration[]; untolerated?: Taint } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = (tolerations ?? []).find((tol) => toleratesTaint(tol, taint));
    if (!t) return { used: [], untolerated: taint };
    used.push(t);
  }
  return { used };
}

/** The shortest tolerationSeconds in ms: 0 if any is ≤ 0, -1 (forever) if none is set. */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

/** `since`: when this pod was first seen on the tainted node, if already counting. */
export function decideEviction(
  nodeTaints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  now: number,
  since?: number,
): EvictionDecision {
  const taints = noExecuteTaints(nodeTaints);
  if (taints.length === 0) return { kind: 'keep' };
  const { used, untolerated } = matchingTolerations(taints, tolerations);
  if (untolerated) return { kind: 'evict', untolerated };
  const min = minTolerationMs(used);
  if (min < 0) return { kind: 'keep' };
  const start = since ?? now;
  if (start + min <= now) return { kind: 'evict' };
  return { kind: 'schedule', since: start, at: start + min };
}
