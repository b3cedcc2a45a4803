import type { Node, NodeCondition } from '../../api/core/node.js';
import type { Lease } from '../../api/coordination/lease.js';

/**
 * Is a node alive? Pure decisions of kube's node lifecycle controller
 * (tryUpdateNodeHealth): a node shows life through its Lease in kube-node-lease (renewed
 * every 10 s by its kubelet) and its Ready condition's lastHeartbeatTime. When neither
 * moved for the grace period (40 s; 60 s for a node that never posted Ready), its
 * Ready, MemoryPressure, DiskPressure and PIDPressure conditions become Unknown.
 *
 * One deliberate difference: kube measures the silence from when *it* saw a heartbeat
 * change, so that clock skew between machines does not matter, and so every node gets
 * a fresh grace period when the controller restarts. Kubeling's components share one
 * clock (the host's, or the same scaled clock in a simulation), so the heartbeat times
 * themselves are used, capped at now: a Lease renewed long ago makes its node Unknown
 * on the first pass, without waiting a grace period first.
 */

export const NodeLeaseNamespace = 'kube-node-lease';

/** The conditions kube's controller sets to Unknown (NetworkUnavailable is left alone). */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export interface NodeHealth {
  /** The newest sign of life (ms since the epoch), never later than when observed. */
  probeTimestamp: number;
  /** False while the node has shown no signal yet and is judged from its creation time. */
  signalled: boolean;
}

export function parseTime(t: string | null | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** metav1.Time: RFC 3339, seconds precision. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function getCondition(node: Node, type: string): NodeCondition | undefined {
  return (node.status?.conditions ?? []).find((c) => c.type === type);
}

/** The Ready condition's status ('True' | 'False' | 'Unknown'), undefined if never posted. */
export function readyStatus(node: Node): string | undefined {
  return getCondition(node, 'Ready')?.status;
}

/**
 * Folds the node's current signals into its health record. Signals: the Lease's
 * renewTime and Ready's lastHeartbeatTime; a node with neither counts from its creation.
 * Once signalled, the probe time only moves forward (a creation-time stand-in does not
 * hold back a first, older, signal).
 */
export function observeNodeHealth(prev: NodeHealth | undefined, node: Node, lease: Lease | undefined, now: number): NodeHealth {
  const signals = [parseTime(lease?.spec?.renewTime), parseTime(getCondition(node, 'Ready')?.lastHeartbeatTime)].filter(
    (t): t is number => t !== undefined,
  );
  if (signals.length === 0) {
    if (prev?.signalled) return prev;
    return { probeTimestamp: parseTime(node.metadata.creationTimestamp) ?? now, signalled: false };
  }
  const latest = Math.min(now, Math.max(...signals));
  return { probeTimestamp: prev?.signalled ? Math.max(prev.probeTimestamp, latest) : latest, signalled: true };
}

export interface GracePeriods {
  nodeMonitorGracePeriodMs: number;
  nodeStartupGracePeriodMs: number;
}

/** A node that never posted Ready gets the (longer) startup grace period. */
export function gracePeriodFor(node: Node, periods: GracePeriods): number {
  return readyStatus(node) === undefined ? periods.nodeStartupGracePeriodMs : periods.nodeMonitorGracePeriodMs;
}

/** Whether the node has been silent for longer than its grace period. */
export function isStale(health: NodeHealth, now: number, graceMs: number): boolean {
  return now > health.probeTimestamp + graceMs;
}

/** When a silent node turns stale (ms since the epoch). */
export function staleAt(health: NodeHealth, graceMs: number): number {
  return health.probeTimestamp + graceMs + 1;
}

/**
 * The conditions to write for a stale node, or undefined when Ready is already Unknown
 * (kube writes only when Ready changes). Missing conditions are added as
 * NodeStatusNeverUpdated; others become Unknown with reason NodeStatusUnknown.
 */
export function staleNodeConditions(node: Node, now: number): NodeCondition[] | undefined {
  const ready = getCondition(node, 'Ready');
  if (ready?.status === 'Unknown') return undefined;
  const ts = formatTime(now);
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  for (const type of MONITORED_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata.creationTimestamp,
        lastTransitionTime: ts,
      });
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = ts;
    }
  }
  return conditions;
}
