/**
 * NodeResourcesFit: the node must have room for the pod's requests (filter), and among
 * nodes that do, emptier ones score higher (the default LeastAllocated strategy, cpu and
 * memory weighted 1 each). Reasons are kube's: "Too many pods", "Insufficient cpu",
 * "Insufficient memory", "Insufficient ephemeral-storage", "Insufficient <extended>".
 * The code is Unschedulable, as kube 1.32 returns even when the request exceeds the whole
 * node (1.34 made that case unresolvable; the FitError text is the same either way).
 */
import { MAX_NODE_SCORE, SUCCESS, type CycleState, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { computePodNonZeroRequest, computePodResourceRequest, type Resource } from '../resources.js';
import type { PodLike } from '../types.js';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';
const preFilterKey = 'PreFilter' + NODE_RESOURCES_FIT;
const preScoreKey = 'PreScore' + NODE_RESOURCES_FIT;

const none: readonly string[] = Object.freeze([]);

/** Why a pod does not fit, one reason per short resource, in kube's order (empty: fits). */
export function insufficientResources(req: Resource, nodeInfo: NodeInfo): readonly string[] {
  // Allocated only on failure: this runs for thousands of nodes per pod.
  let reasons: string[] | undefined;
  const add = (r: string) => (reasons ??= []).push(r);
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  if (nodeInfo.pods.size + 1 > alloc.pods) add('Too many pods');
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalar.size === 0) return reasons ?? none;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) add('Insufficient cpu');
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) add('Insufficient memory');
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    add('Insufficient ephemeral-storage');
  }
  for (const [name, q] of req.scalar) {
    if (q === 0) continue;
    if (q > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) add(`Insufficient ${name}`);
  }
  return reasons ?? none;
}

/** (capacity − requested) × 100 / capacity, 0 when over capacity (leastRequestedScore). */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * LeastAllocated over (requested, allocatable, weight) triples: the weighted mean of
 * leastRequestedScore, resources the node lacks (allocatable 0) left out.
 */
export function leastAllocatedScore(items: readonly { requested: number; allocatable: number; weight: number }[]): number {
  let score = 0;
  let weights = 0;
  for (const { requested, allocatable, weight } of items) {
    if (allocatable === 0) continue;
    score += leastRequestedScore(requested, allocatable) * weight;
    weights += weight;
  }
  return weights === 0 ? 0 : Math.floor(score / weights);
}

type NonZero = { milliCPU: number; memory: number };

export const nodeResourcesFitPlugin: PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin = {
  name: NODE_RESOURCES_FIT,
  preFilter(pod: PodLike, state: CycleState) {
    state.write(preFilterKey, computePodResourceRequest(pod));
    return { status: SUCCESS };
  },
  filter(pod: PodLike, nodeInfo: NodeInfo, state: CycleState): Status {
    const req = state.read<Resource>(preFilterKey) ?? computePodResourceRequest(pod);
    const reasons = insufficientResources(req, nodeInfo);
    return reasons.length === 0 ? SUCCESS : { code: 'Unschedulable', reasons, plugin: NODE_RESOURCES_FIT };
  },
  preScore(pod: PodLike, state: CycleState): Status {
    state.write(preScoreKey, computePodNonZeroRequest(pod));
    return SUCCESS;
  },
  score(pod: PodLike, nodeInfo: NodeInfo, state: CycleState): number {
    const req = state.read<NonZero>(preScoreKey) ?? computePodNonZeroRequest(pod);
    const used = nodeInfo.nonZeroRequested;
    const alloc = nodeInfo.allocatable;
    return leastAllocatedScore([
      { requested: used.milliCPU + req.milliCPU, allocatable: alloc.milliCPU, weight: 1 },
      { requested: used.memory + req.memory, allocatable: alloc.memory, weight: 1 },
    ]);
  },
};
