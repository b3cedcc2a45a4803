import type { ObjectReference } from '../api/meta.js';
import type { NodeCondition } from '../api/core/node.js';

/**
 * The events a kubelet records on its Node (pkg/kubelet/events, nodestatus setters), with
 * kubelet's reasons and wording. Pure: the simulator records what these return.
 *
 * - On start (our registration): `Starting` "Starting kubelet.", one event per pressure
 *   condition — kubelet builds its first Node from scratch, so every pressure setter sees
 *   a new condition and records it — and `NodeAllocatableEnforced`.
 * - On every status it writes: a pressure event when a pressure condition's status changed
 *   from what the apiserver holds, `NodeReady` / `NodeNotReady` when Ready did (also the
 *   first time, when the apiserver holds none). So a node that comes back after the node
 *   lifecycle controller marked everything Unknown reports them all again, as a kubelet
 *   does.
 */

export interface NodeEvent {
  type: 'Normal';
  reason: string;
  message: string;
}

/**
 * kubelet's nodeRef: kind Node, the node's name, and the name again as UID (kubectl
 * describe node looks events up by both the Node's UID and its name for that reason).
 * No namespace, so the events land in `default`.
 */
export function kubeletNodeRef(nodeName: string): ObjectReference {
  return { kind: 'Node', name: nodeName, uid: nodeName, namespace: '' };
}

/** Reason per pressure condition, for status False (healthy) and True. */
const PRESSURE: Record<string, { False: string; True: string }> = {
  MemoryPressure: { False: 'NodeHasSufficientMemory', True: 'NodeHasInsufficientMemory' },
  DiskPressure: { False: 'NodeHasNoDiskPressure', True: 'NodeHasDiskPressure' },
  PIDPressure: { False: 'NodeHasSufficientPID', True: 'NodeHasInsufficientPID' },
};

const statusEvent = (node: string, reason: string): NodeEvent => ({ type: 'Normal', reason, message: `Node ${node} status is now: ${reason}` });

function statusOf(conditions: readonly NodeCondition[] | undefined, type: string): string | undefined {
  return conditions?.find((c) => c.type === type)?.status;
}

/** Pressure events, in kubelet's setter order, for conditions whose status changed. */
function pressureEvents(node: string, previous: readonly NodeCondition[] | undefined, reported: readonly NodeCondition[]): NodeEvent[] {
  const out: NodeEvent[] = [];
  for (const [type, reasons] of Object.entries(PRESSURE)) {
    const now = statusOf(reported, type);
    if (now !== 'True' && now !== 'False') continue;
    if (statusOf(previous, type) !== now) out.push(statusEvent(node, reasons[now]));
  }
  return out;
}

function readyEvents(node: string, previous: readonly NodeCondition[] | undefined, reported: readonly NodeCondition[]): NodeEvent[] {
  const now = statusOf(reported, 'Ready');
  if (now === undefined || statusOf(previous, 'Ready') === now) return [];
  return [statusEvent(node, now === 'True' ? 'NodeReady' : 'NodeNotReady')];
}

/** What a status write records: `previous` is what the apiserver held, `reported` what was written. */
export function nodeStatusEvents(node: string, previous: readonly NodeCondition[] | undefined, reported: readonly NodeCondition[]): NodeEvent[] {
  return [...pressureEvents(node, previous, reported), ...readyEvents(node, previous, reported)];
}

/**
 * What a kubelet records when it starts and registers: `previous` is the Ready state the
 * apiserver held for this node before (none for a new Node).
 */
export function nodeStartEvents(node: string, previous: readonly NodeCondition[] | undefined, reported: readonly NodeCondition[]): NodeEvent[] {
  return [
    { type: 'Normal', reason: 'Starting', message: 'Starting kubelet.' },
    ...pressureEvents(node, undefined, reported),
    { type: 'Normal', reason: 'NodeAllocatableEnforced', message: 'Updated Node Allocatable limit across pods' },
    ...readyEvents(node, previous, reported),
  ];
}
