/**
 * schedulePod: the decision of one scheduling cycle, as kube-scheduler's schedulePod /
 * findNodesThatFitPod / prioritizeNodes make it, with no I/O:
 *
 * 1. PreFilter plugins run once; one may reject the pod outright, or narrow the nodes.
 * 2. Filters run node by node from `startIndex` (round-robin across cycles, so every node
 *    gets its turn), in profile order, the first rejection deciding a node's status. The
 *    search stops after numFeasibleNodesToFind feasible nodes: all of them under 100
 *    nodes, else percentageOfNodesToScore% (adaptive when unset: 50 − nodes/125, at least
 *    5%) but never fewer than 100.
 * 3. No feasible node: a FitError with kube's exact message. One: it wins unscored.
 *    Several: PreScore, Score, normalise, weight, sum; the highest total wins.
 *
 * Ties: without `random` the first tied node in evaluation order wins (deterministic, and
 * with the rotating start index still spreads equal pods). With `random` (e.g. seededRandom)
 * each tied node is equally likely, as kube's random tie-break — reproducible per seed.
 *
 * The caller keeps `nextStartIndex` and passes it back as `startIndex` next cycle.
 */
import {
  CycleState,
  isRejected,
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
  newStatus,
  statusMessage,
  SUCCESS,
  withPlugin,
  type Profile,
  type Status,
} from './framework.js';
import {
  fitErrorMessage,
  newDiagnosis,
  NO_NODES_AVAILABLE_MSG,
  preemptionPostFilterMessage,
  type Diagnosis,
  type FitError,
} from './fit-error.js';
import type { NodeInfo } from './node-info.js';
import type { SnapshotView } from './snapshot.js';
import type { PodLike } from './types.js';
import { seededRandom } from '../lib/random.js';

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

export interface ScheduleOptions {
  /** The scheduler-wide percentageOfNodesToScore; a profile's own value takes precedence. */
  readonly percentageOfNodesToScore?: number;
  /** Where the filter pass starts in the node list (the previous cycle's nextStartIndex). */
  readonly startIndex?: number;
  /** Source of [0,1) numbers for breaking score ties; unset: first in evaluation order. */
  readonly random?: () => number;
}

export interface ScheduleSuccess {
  readonly nodeName: string;
  /** Feasible nodes found (the search may stop early). */
  readonly feasible: number;
  /** Nodes the filters ran on. */
  readonly evaluated: number;
  readonly nextStartIndex: number;
}

export interface ScheduleFailure {
  readonly error: FitError;
  readonly nextStartIndex: number;
}

export type ScheduleResult = ScheduleSuccess | ScheduleFailure;

export function isScheduleFailure(r: ScheduleResult): r is ScheduleFailure {
  return 'error' in r;
}

/** How many feasible nodes end the search (numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentageOfNodesToScore ?? 0;
  if (pct <= 0) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  if (pct >= 100) return numAllNodes;
  const n = Math.trunc((numAllNodes * pct) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/** Runs the profile's filters on one node; the first non-success decides. */
export function runFilterPlugins(profile: Profile, pod: PodLike, nodeInfo: NodeInfo, state: CycleState): Status {
  return runFilters(activeFilters(profile, state), pod, nodeInfo, state);
}

/** The profile's filters minus those a PreFilter said to skip (once per cycle, not per node). */
function activeFilters(profile: Profile, state: CycleState): Profile['filter'] {
  return state.skipFilter.size === 0 ? profile.filter : profile.filter.filter((pl) => !state.skipFilter.has(pl.name));
}

function runFilters(filters: Profile['filter'], pod: PodLike, nodeInfo: NodeInfo, state: CycleState): Status {
  for (const pl of filters) {
    const s = pl.filter(pod, nodeInfo, state);
    if (s.code === 'Success' || s.code === 'Skip') continue;
    return withPlugin(s, pl.name);
  }
  return SUCCESS;
}

function failure(kind: FitError['kind'], numAllNodes: number, diagnosis: Diagnosis, message: string, nextStartIndex: number): ScheduleFailure {
  return { error: { kind, numAllNodes, diagnosis, message }, nextStartIndex };
}

export function schedulePod(pod: PodLike, snapshot: SnapshotView, profile: Profile, opts: ScheduleOptions = {}): ScheduleResult {
  const allNodes = snapshot.list();
  const start = Math.max(0, Math.trunc(opts.startIndex ?? 0));
  const diagnosis = newDiagnosis();
  if (allNodes.length === 0) return failure('NoNodesAvailable', 0, diagnosis, NO_NODES_AVAILABLE_MSG, 0);

  const state = new CycleState();
  const unschedulable = (nextStartIndex: number): ScheduleFailure => {
    if (profile.preemption) diagnosis.postFilterMsg = preemptionPostFilterMessage(pod, allNodes, diagnosis);
    return failure('Unschedulable', allNodes.length, diagnosis, fitErrorMessage(allNodes.length, diagnosis), nextStartIndex);
  };

  // 1. PreFilter.
  let narrowed: Set<string> | undefined;
  const narrowingPlugins: string[] = [];
  for (const pl of profile.preFilter) {
    const out = pl.preFilter(pod, state);
    const s = out.status;
    if (s.code === 'Skip') {
      state.skipFilter.add(pl.name);
      continue;
    }
    if (s.code === 'Error') {
      const msg = `running PreFilter plugin "${pl.name}": ${statusMessage(s)}`;
      return failure('Error', allNodes.length, diagnosis, msg, start % allNodes.length);
    }
    if (isRejected(s)) {
      const rejected = withPlugin(s, pl.name);
      diagnosis.preFilterMsg = statusMessage(rejected);
      diagnosis.absentStatus = rejected;
      diagnosis.unschedulablePlugins.add(pl.name);
      return unschedulable(start % allNodes.length);
    }
    if (out.nodeNames) {
      narrowingPlugins.push(pl.name);
      narrowed = narrowed ? new Set([...narrowed].filter((n) => out.nodeNames!.has(n))) : new Set(out.nodeNames);
      if (narrowed.size === 0) {
        const list = [...narrowingPlugins].sort().join(' ');
        const s2 = newStatus('UnschedulableAndUnresolvable', `node(s) didn't satisfy plugin(s) [${list}] simultaneously`);
        diagnosis.preFilterMsg = statusMessage(s2);
        diagnosis.absentStatus = s2;
        for (const p of narrowingPlugins) diagnosis.unschedulablePlugins.add(p);
        return unschedulable(start % allNodes.length);
      }
    }
  }

  // A node nominated by an earlier preemption is tried first (Kubeling never nominates,
  // but honours a nomination written by someone else).
  const nominated = pod.status?.nominatedNodeName ? snapshot.get(pod.status.nominatedNodeName) : undefined;
  if (nominated && (!narrowed || narrowed.has(nominated.name))) {
    const s = runFilterPlugins(profile, pod, nominated, state);
    if (s.code === 'Success') {
      return { nodeName: nominated.name, feasible: 1, evaluated: 1, nextStartIndex: start % allNodes.length };
    }
  }

  let nodes: readonly NodeInfo[] = allNodes;
  if (narrowed) {
    const picked: NodeInfo[] = [];
    for (const name of narrowed) {
      const ni = snapshot.get(name);
      if (ni) picked.push(ni);
    }
    nodes = picked;
    const list = [...narrowingPlugins].sort().join(' ');
    diagnosis.absentStatus = newStatus('UnschedulableAndUnresolvable', `node(s) didn't satisfy plugin(s) [${list}]`);
  }

  // 2. Filter, from the round-robin start, until enough feasible nodes are found.
  const n = nodes.length;
  const hasScoring = profile.score.length > 0;
  const toFind = hasScoring ? numFeasibleNodesToFind(profile.percentageOfNodesToScore || opts.percentageOfNodesToScore, n) : Math.min(1, n);
  const feasible: NodeInfo[] = [];
  // Rejections are kept in arrays and turned into the diagnosis only if the cycle fails:
  // a selective pod on a big cluster is rejected by thousands of nodes per cycle, and a
  // map entry for each was most of the cycle's time when a node was found after all.
  const rejectedNodes: NodeInfo[] = [];
  const rejectedStatuses: Status[] = [];
  let processed = 0;
  const filters = activeFilters(profile, state);
  for (let i = 0; i < n && feasible.length < toFind; i++) {
    const ni = nodes[(start + i) % n]!;
    processed++;
    const s = runFilters(filters, pod, ni, state);
    if (s.code === 'Success') {
      feasible.push(ni);
    } else if (s.code === 'Error') {
      const msg = `running Filter plugin "${s.plugin}": ${statusMessage(s)}`;
      return failure('Error', allNodes.length, diagnosis, msg, (start + processed) % allNodes.length);
    } else {
      rejectedNodes.push(ni);
      rejectedStatuses.push(s);
    }
  }
  const nextStartIndex = (start + processed) % allNodes.length;
  const evaluated = feasible.length + rejectedNodes.length;

  if (feasible.length === 0) {
    for (let i = 0; i < rejectedNodes.length; i++) {
      const s = rejectedStatuses[i]!;
      diagnosis.nodeToStatus.set(rejectedNodes[i]!.name, s);
      if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
    }
    return unschedulable(nextStartIndex);
  }
  if (feasible.length === 1) return { nodeName: feasible[0]!.name, feasible: 1, evaluated, nextStartIndex };

  // 3. Score.
  const totals = prioritizeNodes(pod, feasible, profile, state);
  if (typeof totals === 'string') return failure('Error', allNodes.length, diagnosis, totals, nextStartIndex);
  const best = selectHost(totals, opts.random);
  return { nodeName: feasible[best]!.name, feasible: feasible.length, evaluated, nextStartIndex };
}

/**
 * Weighted total score per feasible node, or an error message when a plugin misbehaves
 * (PreScore error, a normalised score outside [0, 100]).
 */
export function prioritizeNodes(pod: PodLike, nodes: readonly NodeInfo[], profile: Profile, state: CycleState): number[] | string {
  const totals = new Array<number>(nodes.length).fill(0);
  if (profile.score.length === 0) return totals.fill(1);
  for (const pl of profile.preScore) {
    const s = pl.preScore(pod, state, nodes);
    if (s.code === 'Skip') state.skipScore.add(pl.name);
    else if (s.code !== 'Success') return `running PreScore plugin "${pl.name}": ${statusMessage(s)}`;
  }
  for (const { plugin, weight } of profile.score) {
    if (state.skipScore.has(plugin.name)) continue;
    const scores = nodes.map((ni) => plugin.score(pod, ni, state));
    plugin.normalize?.(scores, pod, state);
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      if (!(s >= MIN_NODE_SCORE && s <= MAX_NODE_SCORE)) {
        return `plugin "${plugin.name}" returns an invalid score ${s}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`;
      }
      totals[i]! += s * weight;
    }
  }
  return totals;
}

/** Index of the highest total; ties as documented at the top of this file. */
export function selectHost(totals: readonly number[], random?: () => number): number {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < totals.length; i++) {
    if (totals[i]! > totals[best]!) {
      best = i;
      ties = 1;
    } else if (totals[i] === totals[best] && random) {
      // Reservoir sampling: the k-th tie replaces the pick with probability 1/k.
      ties++;
      if (Math.floor(random() * ties) === 0) best = i;
    }
  }
  return best;
}

/** A seeded PRNG for reproducible tie-breaking (see lib/random.ts). */
export { seededRandom };
