/**
 * NodeAffinity: the node must satisfy the pod's nodeSelector and required node affinity
 * (filter); preferred terms add their weight when they match (score, normalised so the
 * best node gets 100). PreFilter narrows the search when every required term pins node
 * names through matchFields metadata.name In (how DaemonSet pods target their node).
 */
import {
  constantStatus,
  defaultNormalizeScore,
  MAX_NODE_SCORE,
  newStatus,
  SKIP,
  SUCCESS,
  type CycleState,
  type FilterPlugin,
  type PreFilterOutcome,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  type Status,
} from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodLike, PreferredSchedulingTermLike } from '../types.js';
import { compileRequiredNodeAffinity, matchesTerm, OBJECT_NAME_FIELD, type NodeMatcher } from './node-selector.js';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_AFFINITY_CONFLICT = 'pod affinity terms conflict';
const preFilterKey = 'PreFilter' + NODE_AFFINITY;
const rejected = constantStatus('UnschedulableAndUnresolvable', NODE_AFFINITY, ERR_REASON_NODE_AFFINITY);

/**
 * The node names the required terms allow, or undefined when some term does not pin
 * names (terms are ORed, so then any node may match). An empty set: the terms conflict.
 */
export function requiredNodeNames(pod: PodLike): Set<string> | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return undefined;
  const all = new Set<string>();
  for (const t of terms) {
    let names: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== OBJECT_NAME_FIELD || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      names = names ? new Set([...names].filter((n) => s.has(n))) : s;
    }
    if (!names) return undefined;
    for (const n of names) all.add(n);
  }
  return all;
}

function preferredTerms(pod: PodLike): readonly PreferredSchedulingTermLike[] {
  return pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
}

/** Sum of the weights of the preferred terms the node matches (weight 0 terms ignored). */
export function preferredAffinityScore(terms: readonly PreferredSchedulingTermLike[], nodeInfo: NodeInfo): number {
  let sum = 0;
  for (const t of terms) {
    if (!t.weight) continue;
    if (matchesTerm(t.preference, nodeInfo.labels, nodeInfo.name)) sum += t.weight;
  }
  return sum;
}

export const nodeAffinityPlugin: PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin = {
  name: NODE_AFFINITY,
  preFilter(pod: PodLike, state: CycleState): PreFilterOutcome {
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required && !pod.spec?.nodeSelector) return { status: SKIP };
    state.write(preFilterKey, compileRequiredNodeAffinity(pod));
    const names = requiredNodeNames(pod);
    if (names && names.size === 0) {
      return { status: newStatus('UnschedulableAndUnresolvable', ERR_REASON_AFFINITY_CONFLICT) };
    }
    return { status: SUCCESS, nodeNames: names };
  },
  filter(pod: PodLike, nodeInfo: NodeInfo, state: CycleState): Status {
    const matches = state.read<NodeMatcher>(preFilterKey) ?? compileRequiredNodeAffinity(pod);
    return matches(nodeInfo.labels, nodeInfo.name) ? SUCCESS : rejected;
  },
  preScore(pod: PodLike): Status {
    return preferredTerms(pod).length === 0 ? SKIP : SUCCESS;
  },
  score(pod: PodLike, nodeInfo: NodeInfo): number {
    return preferredAffinityScore(preferredTerms(pod), nodeInfo);
  },
  normalize(scores: number[]): void {
    defaultNormalizeScore(scores, MAX_NODE_SCORE, false);
  },
};
