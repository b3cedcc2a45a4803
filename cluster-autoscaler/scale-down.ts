import type { Node } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import type { PodDisruptionBudget } from '../api/policy/pdb.js';
import { NodeInfo, newPodInfo } from '../scheduler/node-info.js';
import { drainDecision, pdbsForPod, type DrainRules } from './drainability.js';
import { equivalenceKey } from './equivalence.js';
import { SCALE_DOWN_DISABLED_ANNOTATION, TO_BE_DELETED_TAINT } from './options.js';
import type { PredicateChecker } from './predicate-checker.js';

/**
 * The scale-down decision of one loop, after CA's planner (core/scaledown/planner,
 * eligibility, unneeded, simulator.RemovalSimulator), with no I/O:
 *
 * 1. Eligibility: a node of an autoscaled group, Ready, not already being deleted, not
 *    annotated `scale-down-disabled`, whose requested cpu AND memory are below the
 *    utilization threshold (CA takes the larger of the two shares).
 * 2. Removal simulation, emptiest first: every pod that must move (drainability.ts) must
 *    fit on another node (the scheduler's filters), on nodes that are not themselves
 *    leaving; PodDisruptionBudgets must allow the evictions (their remaining disruptions
 *    are spent as nodes are chosen). Pods placed on a node make it stay.
 * 3. Unneeded tracking: a node is unneeded since the first loop it qualified; it may go
 *    once it has been unneeded for --scale-down-unneeded-time, without taking its group
 *    under minSize. Empty nodes go in bulk (--max-empty-bulk-delete), a node with pods to
 *    move one at a time (a drain).
 *
 * Reasons a node stays are CA's UnremovableReason names.
 */

export type UnremovableReason =
  | 'ScaleDownDisabledAnnotation'
  | 'NotAutoscaled'
  | 'NotUnneededLongEnough'
  | 'NodeGroupMinSizeReached'
  | 'CurrentlyBeingDeleted'
  | 'NotUnderutilized'
  | 'NotReady'
  | 'BlockedByPod'
  | 'NotEnoughPdb'
  | 'NoPlaceToMovePods'
  | 'DestinationOfMovedPods';

export interface NodeForScaleDown {
  node: Node;
  /** The pods bound to it (not finished). */
  pods: Pod[];
  /** Its group, if autoscaled. */
  group?: { name: string; minSize: number; targetSize: number };
  ready: boolean;
}

export interface ScaleDownInput {
  nodes: readonly NodeForScaleDown[];
  pdbs: readonly PodDisruptionBudget[];
  now: number;
  /** Node → since when it has been unneeded (last loop's answer). */
  unneededSince: ReadonlyMap<string, number>;
  threshold: number;
  unneededTimeMs: number;
  maxEmptyBulkDelete: number;
  rules: DrainRules;
  checker: PredicateChecker;
}

export interface NodeToRemove {
  name: string;
  group: string;
  /** Pods to evict (those that need a new home); empty for an empty node. */
  podsToMove: Pod[];
  utilization: Utilization;
}

export interface Utilization {
  cpu: number;
  memory: number;
  /** max(cpu, memory), what is compared to the threshold. */
  utilization: number;
}

export interface ScaleDownPlan {
  unneededSince: Map<string, number>;
  unremovable: Map<string, { reason: UnremovableReason; detail?: string }>;
  /** Empty nodes to delete now (at most maxEmptyBulkDelete). */
  empty: NodeToRemove[];
  /** At most one node to drain and delete now. */
  drain?: NodeToRemove;
}

export function hasToBeDeletedTaint(node: Node): boolean {
  return (node.spec?.taints ?? []).some((t) => t.key === TO_BE_DELETED_TAINT);
}

export function utilizationOf(info: NodeInfo): Utilization {
  const cpu = info.allocatable.milliCPU > 0 ? info.requested.milliCPU / info.allocatable.milliCPU : 0;
  const memory = info.allocatable.memory > 0 ? info.requested.memory / info.allocatable.memory : 0;
  return { cpu, memory, utilization: Math.max(cpu, memory) };
}

function infoOf(n: NodeForScaleDown): NodeInfo {
  const info = new NodeInfo(n.node.metadata.name ?? '', n.node);
  for (const p of n.pods) info.addPod(newPodInfo(p));
  return info;
}

export function planScaleDown(input: ScaleDownInput): ScaleDownPlan {
  const unremovable = new Map<string, { reason: UnremovableReason; detail?: string }>();
  const infos = new Map<string, NodeInfo>();
  for (const n of input.nodes) infos.set(n.node.metadata.name ?? '', infoOf(n));

  // 1. Eligibility.
  const candidates: Array<{ n: NodeForScaleDown; u: Utilization }> = [];
  for (const n of input.nodes) {
    const name = n.node.metadata.name ?? '';
    const u = utilizationOf(infos.get(name)!);
    if (hasToBeDeletedTaint(n.node)) unremovable.set(name, { reason: 'CurrentlyBeingDeleted' });
    else if (n.node.metadata.annotations?.[SCALE_DOWN_DISABLED_ANNOTATION] === 'true') unremovable.set(name, { reason: 'ScaleDownDisabledAnnotation' });
    else if (!n.group) unremovable.set(name, { reason: 'NotAutoscaled' });
    else if (!n.ready) unremovable.set(name, { reason: 'NotReady' });
    else if (u.utilization >= input.threshold) unremovable.set(name, { reason: 'NotUnderutilized', detail: `utilization ${u.utilization.toFixed(3)}` });
    else candidates.push({ n, u });
  }
  candidates.sort((a, b) => a.n.pods.length - b.n.pods.length || a.u.utilization - b.u.utilization);

  // 2. Removal simulation.
  const leaving = new Set<string>(input.nodes.filter((n) => hasToBeDeletedTaint(n.node)).map((n) => n.node.metadata.name ?? ''));
  const receivers = new Set<string>();
  const pdbLeft = new Map<PodDisruptionBudget, number>(input.pdbs.map((b) => [b, b.status?.disruptionsAllowed ?? 0]));
  const removable: Array<NodeToRemove & { empty: boolean }> = [];
  const destinations = input.nodes.filter((n) => n.ready).map((n) => infos.get(n.node.metadata.name ?? '')!);
  // Destinations only fill up or leave, so for each pod equivalence class the prefix of
  // destinations that turned it down stays useless: the search starts after it. A failed
  // simulation takes pods off again, which can reopen room: then the prefixes are forgotten.
  let fullBefore = new Map<string, number>();
  const findHome = (pod: Pod, from: string): NodeInfo | undefined => {
    const cls = equivalenceKey(pod);
    let i = fullBefore.get(cls) ?? 0;
    let prefix = true;
    for (; i < destinations.length; i++) {
      const d = destinations[i]!;
      if (d.name === from) {
        prefix = false;
        continue;
      }
      if (!leaving.has(d.name) && input.checker.check(pod, d).code === 'Success') break;
      if (prefix) fullBefore.set(cls, i + 1);
    }
    return destinations[i];
  };
  for (const { n, u } of candidates) {
    const name = n.node.metadata.name ?? '';
    if (receivers.has(name)) {
      unremovable.set(name, { reason: 'DestinationOfMovedPods' });
      continue;
    }
    const toMove: Pod[] = [];
    let blocked: { reason: UnremovableReason; detail?: string } | undefined;
    for (const p of n.pods) {
      const d = drainDecision(p, input.pdbs, input.rules);
      if (d.action === 'block') {
        blocked = { reason: 'BlockedByPod', detail: `${d.reason}: ${d.message}` };
        break;
      }
      if (d.action === 'move') toMove.push(p);
    }
    if (blocked) {
      unremovable.set(name, blocked);
      continue;
    }
    // PodDisruptionBudgets: the evictions must fit in what every budget still allows.
    const spend = new Map<PodDisruptionBudget, number>();
    for (const p of toMove) for (const b of pdbsForPod(p, input.pdbs)) spend.set(b, (spend.get(b) ?? 0) + 1);
    const short = [...spend].find(([b, k]) => k > (pdbLeft.get(b) ?? 0));
    if (short) {
      unremovable.set(name, { reason: 'NotEnoughPdb', detail: `not enough pod disruption budget to move ${short[0].metadata.namespace}/${short[0].metadata.name}` });
      continue;
    }
    // Where would the pods go? First fit on nodes that stay; undone if one pod fits nowhere.
    const placed: Array<{ info: NodeInfo; key: string }> = [];
    let homeless: Pod | undefined;
    for (const p of toMove) {
      const pi = newPodInfo({ ...p, spec: { ...p.spec, nodeName: undefined } } as Pod);
      const dest = findHome(pi.pod as Pod, name);
      if (!dest) {
        homeless = p;
        break;
      }
      dest.addPod(pi);
      placed.push({ info: dest, key: pi.key });
    }
    if (homeless) {
      for (const { info, key } of placed) info.removePod(key);
      if (placed.length > 0) fullBefore = new Map();
      unremovable.set(name, { reason: 'NoPlaceToMovePods', detail: `no place to move pod ${homeless.metadata.namespace}/${homeless.metadata.name}` });
      continue;
    }
    for (const { info } of placed) receivers.add(info.name);
    for (const [b, k] of spend) pdbLeft.set(b, (pdbLeft.get(b) ?? 0) - k);
    leaving.add(name);
    removable.push({ name, group: n.group!.name, podsToMove: toMove, utilization: u, empty: toMove.length === 0 });
  }

  // 3. Unneeded for long enough, and group minimums.
  const unneededSince = new Map<string, number>();
  for (const r of removable) unneededSince.set(r.name, input.unneededSince.get(r.name) ?? input.now);
  const sizeLeft = new Map<string, number>();
  for (const n of input.nodes) if (n.group) sizeLeft.set(n.group.name, n.group.targetSize - n.group.minSize);
  const empty: NodeToRemove[] = [];
  let drain: NodeToRemove | undefined;
  for (const r of removable) {
    if (input.now - unneededSince.get(r.name)! < input.unneededTimeMs) {
      unremovable.set(r.name, { reason: 'NotUnneededLongEnough' });
      continue;
    }
    if ((sizeLeft.get(r.group) ?? 0) <= 0) {
      unremovable.set(r.name, { reason: 'NodeGroupMinSizeReached' });
      continue;
    }
    const { empty: isEmpty, ...node } = r;
    if (isEmpty && empty.length < input.maxEmptyBulkDelete) empty.push(node);
    else if (!isEmpty && !drain && empty.length === 0) drain = node;
    else continue;
    sizeLeft.set(r.group, sizeLeft.get(r.group)! - 1);
  }
  return { unneededSince, unremovable, empty, ...(drain ? { drain } : {}) };
}
