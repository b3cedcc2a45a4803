/**
 * Cluster events that may make an unschedulable pod schedulable, and which plugins care
 * about each — kube-scheduler's ClusterEvent / EventsToRegister, reduced to the plugins
 * Kubeling has. The scheduling queue moves a pod out of its unschedulable pool only on an
 * event one of the plugins that rejected it registered for (a pod turned down for
 * insufficient CPU is not retried because a node's labels changed). A pod rejected by no
 * plugin in particular (no nodes at all, a plugin error) moves on any event.
 *
 * Node heartbeats (conditions, timestamps, images) are deliberately no event: with
 * thousands of kubelets reporting every few seconds they would keep every pending pod
 * cycling through the scheduler for nothing.
 */
import { NODE_AFFINITY } from './plugins/node-affinity.js';
import { NODE_NAME } from './plugins/node-name.js';
import { NODE_PORTS } from './plugins/node-ports.js';
import { NODE_RESOURCES_FIT } from './plugins/node-resources-fit.js';
import { NODE_UNSCHEDULABLE } from './plugins/node-unschedulable.js';
import { TAINT_TOLERATION } from './plugins/taint-toleration.js';
import { VOLUME_BINDING } from './plugins/volume-binding.js';
import { VOLUME_RESTRICTIONS } from './plugins/volume-restrictions.js';
import type { NodeLike, PodLike } from './types.js';

export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeAllocatableChange'
  | 'NodeLabelChange'
  | 'NodeTaintChange'
  | 'NodeSpecUnschedulableChange'
  /** An assigned pod was deleted, finished, or an assumed pod's binding failed. */
  | 'AssignedPodDelete'
  /** A PersistentVolumeClaim, PersistentVolume or StorageClass was added or changed. */
  | 'PvcChange'
  | 'PvChange'
  | 'StorageClassChange'
  /** The periodic flush of pods unschedulable for too long: moves everything it picks. */
  | 'UnschedulableTimeout';

const ALL_NODE_PLUGINS = [NODE_RESOURCES_FIT, NODE_PORTS, NODE_NAME, NODE_AFFINITY, NODE_UNSCHEDULABLE, TAINT_TOLERATION, VOLUME_BINDING];

/** The plugins whose rejection an event may undo. undefined: every plugin. */
export const EVENT_PLUGINS: Readonly<Record<ClusterEvent, ReadonlySet<string> | undefined>> = {
  NodeAdd: new Set(ALL_NODE_PLUGINS),
  NodeAllocatableChange: new Set([NODE_RESOURCES_FIT]),
  NodeLabelChange: new Set([NODE_AFFINITY, VOLUME_BINDING]),
  NodeTaintChange: new Set([TAINT_TOLERATION, NODE_UNSCHEDULABLE]),
  NodeSpecUnschedulableChange: new Set([NODE_UNSCHEDULABLE]),
  AssignedPodDelete: new Set([NODE_RESOURCES_FIT, NODE_PORTS, VOLUME_RESTRICTIONS]),
  PvcChange: new Set([VOLUME_BINDING, VOLUME_RESTRICTIONS]),
  PvChange: new Set([VOLUME_BINDING]),
  StorageClassChange: new Set([VOLUME_BINDING]),
  UnschedulableTimeout: undefined,
};

/** Whether `event` may help a pod rejected by `unschedulablePlugins`. */
export function eventMayHelp(event: ClusterEvent, unschedulablePlugins: ReadonlySet<string>): boolean {
  const interested = EVENT_PLUGINS[event];
  if (!interested || unschedulablePlugins.size === 0) return true;
  for (const p of unschedulablePlugins) if (interested.has(p)) return true;
  return false;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The scheduling-relevant changes between two versions of a node (none for a heartbeat). */
export function nodeUpdateEvents(oldNode: NodeLike, newNode: NodeLike): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (!same(oldNode.status?.allocatable, newNode.status?.allocatable)) out.push('NodeAllocatableChange');
  if (!same(oldNode.metadata?.labels, newNode.metadata?.labels)) out.push('NodeLabelChange');
  if (!same(oldNode.spec?.taints, newNode.spec?.taints)) out.push('NodeTaintChange');
  if (Boolean(oldNode.spec?.unschedulable) !== Boolean(newNode.spec?.unschedulable)) out.push('NodeSpecUnschedulableChange');
  return out;
}

/**
 * Whether a pending pod changed in a way worth a new attempt (kube's isPodUpdated): any
 * change outside status, resourceVersion, generation and managedFields. The scheduler's
 * own status write (the PodScheduled condition) therefore never retriggers scheduling.
 */
export function podSchedulingPropertiesChanged(oldPod: PodLike, newPod: PodLike): boolean {
  const strip = (p: PodLike): unknown => {
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...meta } = (p.metadata ?? {}) as Record<string, unknown>;
    return { metadata: meta, spec: p.spec };
  };
  return !same(strip(oldPod), strip(newPod));
}

/** Whether an assigned pod stopped counting against its node (it finished). */
export function podFinished(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
