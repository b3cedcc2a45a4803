import type { Node } from '../api/core/node.js';
import { NodeInfo, newPodInfo } from '../scheduler/node-info.js';
import { computePodResourceRequest, nodeAllocatable } from '../scheduler/resources.js';
import type { PodLike } from '../scheduler/types.js';
import { equivalenceKey } from './equivalence.js';
import type { PredicateChecker } from './predicate-checker.js';

/**
 * CA's BinpackingNodeEstimator: how many nodes of one template the pods need. Pods are
 * taken biggest first (cpu share + memory share of the template, as CA's scoring) and
 * placed first-fit on the new nodes opened so far; a pod that fits none opens a new node,
 * unless `limit` nodes are already open. A pod that does not fit even an empty template
 * node is not helped by this group at all and is left out.
 *
 * New nodes only ever gain pods, so a node that turned down one pod of an equivalence
 * class turns down every later pod of it: each class keeps the index before which every
 * node is known full for it, and first-fit starts there (linear overall, not pods × nodes).
 */

export interface Estimate {
  nodeCount: number;
  /** The pods that land on the new nodes. */
  scheduled: PodLike[];
  /** The new nodes with their pods, for the expander's waste arithmetic. */
  nodes: NodeInfo[];
}

export function podScore(pod: PodLike, template: Node): number {
  const req = computePodResourceRequest(pod);
  const alloc = nodeAllocatable(template);
  const cpu = alloc.milliCPU > 0 ? req.milliCPU / alloc.milliCPU : 0;
  const mem = alloc.memory > 0 ? req.memory / alloc.memory : 0;
  return cpu + mem;
}

export function estimateNodes(pods: readonly PodLike[], template: Node, checker: PredicateChecker, limit: number): Estimate {
  const sorted = pods.map((p) => ({ p, s: podScore(p, template) })).sort((a, b) => b.s - a.s);
  const nodes: NodeInfo[] = [];
  const scheduled: PodLike[] = [];
  const base = template.metadata.name ?? 'template';
  const fullBefore = new Map<string, number>();
  for (const { p } of sorted) {
    let placed = false;
    const cls = equivalenceKey(p);
    let i = fullBefore.get(cls) ?? 0;
    for (; i < nodes.length; i++) {
      if (checker.check(p, nodes[i]!).code === 'Success') {
        nodes[i]!.addPod(newPodInfo(p));
        placed = true;
        break;
      }
    }
    fullBefore.set(cls, i);
    if (placed) {
      scheduled.push(p);
      continue;
    }
    if (nodes.length >= limit) continue;
    const fresh = new NodeInfo(`${base}-${nodes.length}`, { ...template, metadata: { ...template.metadata, name: `${base}-${nodes.length}` } });
    if (checker.check(p, fresh).code !== 'Success') continue;
    fresh.addPod(newPodInfo(p));
    nodes.push(fresh);
    scheduled.push(p);
  }
  return { nodeCount: nodes.length, scheduled, nodes };
}
