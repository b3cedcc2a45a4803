import type { Node, Taint } from '../../api/core/node.js';
import { formatTime, readyStatus } from './node-health.js';

/**
 * Which taints the node lifecycle controller keeps on a node (pure):
 * - NoSchedule taints mirror conditions (doNoScheduleTaintingPass): Ready=False →
 *   not-ready, Ready=Unknown → unreachable, MemoryPressure/DiskPressure/PIDPressure/
 *   NetworkUnavailable=True → memory-pressure/…, and spec.unschedulable → unschedulable;
 * - one NoExecute taint follows Ready (doNoExecuteTaintingPass): False → not-ready,
 *   Unknown → unreachable, True → neither. The two are exclusive, as Ready is.
 * Taints other controllers or users set are never touched.
 */

export const TaintNodeNotReady = 'node.kubernetes.io/not-ready';
export const TaintNodeUnreachable = 'node.kubernetes.io/unreachable';
export const TaintNodeUnschedulable = 'node.kubernetes.io/unschedulable';
export const TaintNodeMemoryPressure = 'node.kubernetes.io/memory-pressure';
export const TaintNodeDiskPressure = 'node.kubernetes.io/disk-pressure';
export const TaintNodeNetworkUnavailable = 'node.kubernetes.io/network-unavailable';
export const TaintNodePIDPressure = 'node.kubernetes.io/pid-pressure';

/** condition type → status → taint key (kube's nodeConditionToTaintKeyStatusMap). */
const conditionTaints: Record<string, Record<string, string>> = {
  Ready: { False: TaintNodeNotReady, Unknown: TaintNodeUnreachable },
  MemoryPressure: { True: TaintNodeMemoryPressure },
  DiskPressure: { True: TaintNodeDiskPressure },
  NetworkUnavailable: { True: TaintNodeNetworkUnavailable },
  PIDPressure: { True: TaintNodePIDPressure },
};

const controllerNoScheduleKeys = new Set([...Object.values(conditionTaints).flatMap((m) => Object.values(m)), TaintNodeUnschedulable]);

export interface TaintChange {
  add: Taint[];
  remove: Taint[];
}

const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;

/** The NoSchedule taints the node's conditions and spec.unschedulable call for. */
export function desiredNoScheduleTaints(node: Node): Taint[] {
  const out: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = conditionTaints[c.type]?.[c.status];
    if (key) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: TaintNodeUnschedulable, effect: 'NoSchedule' });
  return out;
}

/** NoSchedule taints to add and remove so the controller-owned ones match the conditions. */
export function noScheduleTaintChange(node: Node): TaintChange {
  const want = desiredNoScheduleTaints(node);
  const have = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && controllerNoScheduleKeys.has(t.key));
  return { add: want.filter((w) => !have.some((h) => same(h, w))), remove: have.filter((h) => !want.some((w) => same(h, w))) };
}

export const NotReadyNoExecute: Taint = { key: TaintNodeNotReady, effect: 'NoExecute' };
export const UnreachableNoExecute: Taint = { key: TaintNodeUnreachable, effect: 'NoExecute' };

/** The NoExecute taint Ready calls for: not-ready (False), unreachable (Unknown), none otherwise. */
export function desiredNoExecuteTaint(ready: string | undefined): Taint | undefined {
  if (ready === 'False') return NotReadyNoExecute;
  if (ready === 'Unknown') return UnreachableNoExecute;
  return undefined;
}

export function hasTaint(node: Node, taint: Taint): boolean {
  return (node.spec?.taints ?? []).some((t) => same(t, taint));
}

/**
 * The NoExecute change for a node. `allowNew` says whether a NoExecute taint may be
 * added now (the zone's rate limiter and disruption mode decide); swapping not-ready ↔
 * unreachable is always immediate, and removal when Ready is True is too.
 * `removeAll` (every zone fully disrupted) strips both and adds none.
 */
export function noExecuteTaintChange(node: Node, opts: { allowNew: boolean; removeAll?: boolean }): TaintChange & { waiting: boolean } {
  const present = [NotReadyNoExecute, UnreachableNoExecute].filter((t) => hasTaint(node, t));
  if (opts.removeAll) return { add: [], remove: present, waiting: false };
  const ready = readyStatus(node);
  const want = desiredNoExecuteTaint(ready);
  if (ready === undefined) return { add: [], remove: [], waiting: false }; // never posted status: not judged yet
  if (!want) return { add: [], remove: present, waiting: false };
  if (hasTaint(node, want)) return { add: [], remove: present.filter((t) => !same(t, want)), waiting: false };
  const opposite = present.filter((t) => !same(t, want));
  if (opposite.length > 0 || opts.allowNew) return { add: [want], remove: opposite, waiting: false };
  return { add: [], remove: [], waiting: true };
}

/** Applies a change to a taint list; added taints get timeAdded = now (SwapNodeControllerTaint). */
export function applyTaintChange(taints: readonly Taint[] | undefined, change: TaintChange, now: number): Taint[] {
  const kept = (taints ?? []).filter((t) => !change.remove.some((r) => same(r, t)) && !change.add.some((a) => same(a, t)));
  return [...kept, ...change.add.map((t) => ({ ...t, timeAdded: formatTime(now) }))];
}

export function isEmptyChange(c: TaintChange): boolean {
  return c.add.length === 0 && c.remove.length === 0;
}
