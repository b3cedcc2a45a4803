/**
 * Why a pod fits nowhere, and the message kube-scheduler writes for it into the pod's
 * PodScheduled condition and FailedScheduling event (framework.FitError.Error()):
 *
 *   0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
 *   4 Insufficient memory. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.
 *
 * "count reason" entries, one per distinct reason over all rejected nodes, sorted as
 * strings (so "10 …" sorts before "2 …", as Go's sort.Strings does), then ". ", then the
 * PostFilter (preemption) message with no dot of its own (kube ≥1.28 dropped the "..").
 * A PreFilter rejection replaces the per-node list with its own message.
 */
import type { Status } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { PodLike } from './types.js';

export interface Diagnosis {
  /** Nodes turned down by a Filter, with the rejecting status (plugin set). */
  readonly nodeToStatus: Map<string, Status>;
  /**
   * The status of every node not in nodeToStatus: those a PreFilter ruled out (narrowed
   * away or rejected wholesale). Unset: such nodes add nothing to the message.
   */
  absentStatus?: Status;
  /** Plugins that rejected the pod somewhere (the loop requeues on their events). */
  readonly unschedulablePlugins: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
}

export interface FitError {
  /**
   * Unschedulable: no node fits (PodScheduled reason "Unschedulable").
   * NoNodesAvailable: the cluster has no nodes ("no nodes available to schedule pods").
   * Error: a plugin failed (reason "SchedulerError"); never produced by Kubeling's plugins
   * for well-formed objects.
   */
  readonly kind: 'Unschedulable' | 'NoNodesAvailable' | 'Error';
  readonly numAllNodes: number;
  readonly diagnosis: Diagnosis;
  readonly message: string;
}

export const NO_NODES_AVAILABLE_MSG = 'no nodes available to schedule pods';

/** FitError.Error() for numAllNodes nodes. */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    for (const s of d.nodeToStatus.values()) {
      for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    const absent = numAllNodes - d.nodeToStatus.size;
    if (absent > 0 && d.absentStatus) {
      for (const r of d.absentStatus.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    }
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort(byteOrder);
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const PREEMPTION_NEVER_MSG = 'not eligible due to preemptionPolicy=Never.';
export const NO_VICTIMS_REASON = 'No preemption victims found for incoming pod';
export const PREEMPTION_NOT_HELPFUL_REASON = 'Preemption is not helpful for scheduling';

/**
 * What kube's DefaultPreemption PostFilter reports when it evicts nobody — which is always
 * here: Kubeling does not preempt. Nodes that failed only "resolvably" (Unschedulable:
 * resources, ports) are where kube would look for victims; with every pod at the same
 * priority (no PriorityClasses) it finds none ("No preemption victims found for incoming
 * pod"). Every other node is "Preemption is not helpful for scheduling". A cluster with
 * lower-priority pods would see kube preempt where Kubeling reports no victims.
 */
export function preemptionPostFilterMessage(pod: PodLike, allNodes: readonly NodeInfo[], d: Diagnosis): string {
  if (pod.spec?.preemptionPolicy === 'Never') return `preemption: ${PREEMPTION_NEVER_MSG}`;
  const statuses = new Map<string, Status>();
  for (const ni of allNodes) {
    const s = d.nodeToStatus.get(ni.name);
    if (s?.code === 'Unschedulable') {
      statuses.set(ni.name, { code: 'UnschedulableAndUnresolvable', reasons: [NO_VICTIMS_REASON] });
    }
  }
  const pd: Diagnosis = {
    nodeToStatus: statuses,
    absentStatus: { code: 'UnschedulableAndUnresolvable', reasons: [PREEMPTION_NOT_HELPFUL_REASON] },
    unschedulablePlugins: new Set(),
    preFilterMsg: '',
    postFilterMsg: '',
  };
  return `preemption: ${fitErrorMessage(allNodes.length, pd)}`;
}
