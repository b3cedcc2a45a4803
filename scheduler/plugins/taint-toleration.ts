/**
 * TaintToleration: a node's NoSchedule and NoExecute taints must all be tolerated
 * (filter; the first untolerated one is named in the reason), and nodes with fewer
 * untolerated PreferNoSchedule taints score higher (score, reversed normalisation).
 */
import {
  defaultNormalizeScore,
  MAX_NODE_SCORE,
  SUCCESS,
  type CycleState,
  type FilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  type Status,
} from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodLike, TaintLike, TolerationLike } from '../types.js';
import { findUntoleratedTaint, tolerationsTolerateTaint } from './tolerations.js';

export const TAINT_TOLERATION = 'TaintToleration';
const preScoreKey = 'PreScore' + TAINT_TOLERATION;

/** `node(s) had untolerated taint {key: value}` — a taint without value prints "{key: }". */
export function untoleratedTaintReason(taint: TaintLike): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

const doNotSchedule = (t: TaintLike) => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/** Untolerated PreferNoSchedule taints, counting only tolerations for that effect (or any). */
export function countIntolerablePreferNoSchedule(taints: readonly TaintLike[], tolerations: readonly TolerationLike[]): number {
  let n = 0;
  for (const taint of taints) {
    if (taint.effect !== 'PreferNoSchedule') continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) n++;
  }
  return n;
}

function preferNoScheduleTolerations(pod: PodLike): TolerationLike[] {
  return (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}

export const taintTolerationPlugin: FilterPlugin & PreScorePlugin & ScorePlugin = {
  name: TAINT_TOLERATION,
  filter(pod: PodLike, nodeInfo: NodeInfo): Status {
    const taint = findUntoleratedTaint(nodeInfo.taints, pod.spec?.tolerations, doNotSchedule);
    if (!taint) return SUCCESS;
    return { code: 'UnschedulableAndUnresolvable', reasons: [untoleratedTaintReason(taint)], plugin: TAINT_TOLERATION };
  },
  preScore(pod: PodLike, state: CycleState): Status {
    state.write(preScoreKey, preferNoScheduleTolerations(pod));
    return SUCCESS;
  },
  score(pod: PodLike, nodeInfo: NodeInfo, state: CycleState): number {
    const tolerations = state.read<TolerationLike[]>(preScoreKey) ?? preferNoScheduleTolerations(pod);
    return countIntolerablePreferNoSchedule(nodeInfo.taints, tolerations);
  },
  normalize(scores: number[]): void {
    defaultNormalizeScore(scores, MAX_NODE_SCORE, true);
  },
};
