import type { Node } from '../api/core/node.js';
import type { NodeGroupView } from '../cloud/cloud-provider.js';
import { NodeInfo, newPodInfo } from '../scheduler/node-info.js';
import type { PodLike } from '../scheduler/types.js';
import { groupEquivalent } from './equivalence.js';
import { estimateNodes } from './estimator.js';
import { bestOption, type ExpanderContext, type ExpansionOption } from './expander.js';
import type { ExpanderName } from './options.js';
import type { PredicateChecker } from './predicate-checker.js';

/**
 * The scale-up decision of one loop, as CA's ScaleUpOrchestrator makes it, with no I/O:
 *
 * 1. filterOutSchedulable: pending pods that fit on an existing node, or on a node that is
 *    already on its way (a template node per upcoming instance), are the scheduler's
 *    business; only the rest can ask for new nodes. This is what stops a futile second
 *    scale-up for pods whose nodes are still booting.
 * 2. For each group: skip it when backed off or at its max size; otherwise simulate the
 *    pods on its template node (scheduler filters) and bin-pack them (estimator.ts) up to
 *    the room left in the group and under --max-nodes-total.
 * 3. The expander picks one option; its group grows by the option's node count.
 *
 * Pods no group can help get the reasons, counted over groups, that CA prints in its
 * NotTriggerScaleUp event ("pod didn't trigger scale-up: 1 max node group size reached").
 */

export interface GroupForScaleUp {
  view: NodeGroupView;
  /** The group's template node (template-node.ts). */
  template: Node;
  /** In backoff after a failed scale-up. */
  backedOff: boolean;
}

export interface ScaleUpInput {
  pending: readonly PodLike[];
  /** NodeInfos of the ready, schedulable-looking nodes with their pods, plus one template per upcoming node. Mutated. */
  cluster: NodeInfo[];
  groups: readonly GroupForScaleUp[];
  /** Nodes now plus upcoming (for --max-nodes-total). */
  totalNodes: number;
  maxNodesTotal: number;
  expander: readonly ExpanderName[];
  expanderContext: ExpanderContext;
  checker: PredicateChecker;
}

export interface ScaleUpDecision {
  /** Absent: no scale-up this loop. */
  increase?: { group: string; from: number; to: number; max: number; pods: PodLike[] };
  /** Pods left to the scheduler: they fit on existing or upcoming nodes. */
  schedulable: PodLike[];
  /** Pods no group could help, with CA's counted reasons. */
  noScaleUp: Array<{ pod: PodLike; reasons: string[] }>;
}

export const REASON_MAX_GROUP_SIZE = 'max node group size reached';
export const REASON_BACKOFF = 'in backoff after failed scale-up';
export const REASON_MAX_TOTAL = 'max cluster size reached';

/** First-fit of the pending pods onto the given nodes; answers which fitted. Mutates the nodes. */
export function filterOutSchedulable(pending: readonly PodLike[], cluster: readonly NodeInfo[], checker: PredicateChecker): { schedulable: PodLike[]; unschedulable: PodLike[] } {
  const schedulable: PodLike[] = [];
  const unschedulable: PodLike[] = [];
  for (const group of groupEquivalent(pending)) {
    for (let i = 0; i < group.length; i++) {
      const pod = group[i]!;
      const node = cluster.find((n) => checker.check(pod, n).code === 'Success');
      if (!node) {
        // Its equivalents would fail on the same nodes: none of them fits either.
        unschedulable.push(...group.slice(i));
        break;
      }
      node.addPod(newPodInfo(pod));
      schedulable.push(pod);
    }
  }
  return { schedulable, unschedulable };
}

/** "N reason" entries sorted as CA's message lists them. */
export function countedReasons(counts: ReadonlyMap<string, number>): string[] {
  return [...counts.entries()].map(([r, n]) => `${n} ${r}`).sort();
}

export function decideScaleUp(input: ScaleUpInput): ScaleUpDecision {
  const { schedulable, unschedulable } = filterOutSchedulable(input.pending, input.cluster, input.checker);
  const reasons = new Map<PodLike, Map<string, number>>();
  const note = (pod: PodLike, reason: string) => {
    let m = reasons.get(pod);
    if (!m) reasons.set(pod, (m = new Map()));
    m.set(reason, (m.get(reason) ?? 0) + 1);
  };
  const options: ExpansionOption[] = [];
  const roomTotal = input.maxNodesTotal > 0 ? input.maxNodesTotal - input.totalNodes : Infinity;
  const classes = groupEquivalent(unschedulable);
  if (unschedulable.length > 0) {
    for (const g of input.groups) {
      const allPods = (why: string) => unschedulable.forEach((p) => note(p, why));
      if (g.backedOff) {
        allPods(REASON_BACKOFF);
        continue;
      }
      const room = Math.min(g.view.maxSize - g.view.targetSize, roomTotal);
      if (g.view.maxSize - g.view.targetSize <= 0) {
        allPods(REASON_MAX_GROUP_SIZE);
        continue;
      }
      if (room <= 0) {
        allPods(REASON_MAX_TOTAL);
        continue;
      }
      // Which pods could run on an empty node of this group at all (once per equivalence class).
      const empty = new NodeInfo(g.template.metadata.name ?? g.view.name, g.template);
      const fitting: PodLike[] = [];
      for (const cls of classes) {
        const s = input.checker.check(cls[0]!, empty);
        if (s.code === 'Success') fitting.push(...cls);
        else for (const p of cls) for (const r of s.reasons) note(p, r);
      }
      if (fitting.length === 0) continue;
      const est = estimateNodes(fitting, g.template, input.checker, room);
      if (est.nodeCount === 0) continue;
      options.push({ group: g.view, nodeCount: est.nodeCount, pods: est.scheduled, nodes: est.nodes });
    }
  }
  const helped = new Set<PodLike>(options.flatMap((o) => o.pods));
  const noScaleUp = unschedulable.filter((p) => !helped.has(p)).map((pod) => ({ pod, reasons: countedReasons(reasons.get(pod) ?? new Map()) }));
  const chosen = bestOption(input.expander, options, input.expanderContext);
  if (!chosen) return { schedulable, noScaleUp };
  const from = chosen.group.targetSize;
  return {
    increase: { group: chosen.group.name, from, to: from + chosen.nodeCount, max: chosen.group.maxSize, pods: chosen.pods },
    schedulable,
    noScaleUp,
  };
}
