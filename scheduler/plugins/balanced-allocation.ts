/**
 * NodeResourcesBalancedAllocation: prefers nodes whose CPU and memory would be used in
 * equal shares after placing the pod: score = (1 − std of the fractions) × 100, where for
 * two resources std = |f_cpu − f_mem| / 2. Uses actual requests (no 100m/200Mi defaults),
 * and skips pods that request neither (kube ≥1.33: otherwise best-effort pods pile up on
 * one node).
 */
import { MAX_NODE_SCORE, SKIP, SUCCESS, type CycleState, type PreScorePlugin, type ScorePlugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { computePodResourceRequest } from '../resources.js';
import type { PodLike } from '../types.js';

export const BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';
const preScoreKey = 'PreScore' + BALANCED_ALLOCATION;

/** balancedResourceScorer: fractions capped at 1, resources with allocatable 0 left out. */
export function balancedScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    fractions.push(Math.min(1, requested[i]! / allocatable[i]!));
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

type CpuMem = { milliCPU: number; memory: number };

function podCpuMem(pod: PodLike): CpuMem {
  const r = computePodResourceRequest(pod);
  return { milliCPU: r.milliCPU, memory: r.memory };
}

export const balancedAllocationPlugin: PreScorePlugin & ScorePlugin = {
  name: BALANCED_ALLOCATION,
  preScore(pod: PodLike, state: CycleState): Status {
    const req = podCpuMem(pod);
    if (req.milliCPU === 0 && req.memory === 0) return SKIP;
    state.write(preScoreKey, req);
    return SUCCESS;
  },
  score(pod: PodLike, nodeInfo: NodeInfo, state: CycleState): number {
    const req = state.read<CpuMem>(preScoreKey) ?? podCpuMem(pod);
    if (req.milliCPU === 0 && req.memory === 0) return 0;
    const used = nodeInfo.requested;
    const alloc = nodeInfo.allocatable;
    return balancedScore(
      [used.milliCPU + req.milliCPU, used.memory + req.memory],
      [alloc.milliCPU, alloc.memory],
    );
  },
};
