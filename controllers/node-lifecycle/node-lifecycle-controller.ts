import { nodeResource, type Node } from '../../api/core/node.js';
import type { ObjectReference } from '../../api/meta.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { leaseResource, type Lease } from '../../api/coordination/lease.js';
import { isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import { clone } from '../../client/store.js';
import { nodeRef } from '../object-ref.js';
import { POD_NODE_NAME_INDEX, podNodeNameIndex, startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import {
  gracePeriodFor,
  isStale,
  NodeLeaseNamespace,
  observeNodeHealth,
  readyStatus,
  staleAt,
  staleNodeConditions,
  type NodeHealth,
} from './node-health.js';
import { applyTaintChange, isEmptyChange, noExecuteTaintChange, noScheduleTaintChange } from './node-taints.js';
import { podMarkedNotReady } from './pod-ready.js';
import { taintingRate, zoneKey, zoneSnapshot, type ZoneSnapshot } from './zones.js';

/**
 * kube's node lifecycle controller, one reconcile(nodeName) per node:
 * 1. judge health from the node's Lease and Ready heartbeat (node-health.ts); a node
 *    silent past its grace period gets Ready/MemoryPressure/DiskPressure/PIDPressure
 *    Unknown ("Kubelet stopped posting node status.") and a NodeNotReady event;
 * 2. keep the controller's taints in line (node-taints.ts): NoSchedule from conditions
 *    at once; NoExecute not-ready/unreachable through the zone's rate limiter, held back
 *    while zones are disrupted (zones.ts) — the taint eviction controller then evicts;
 *    removed when the node is Ready again;
 * 3. mark the node's pods Ready=False while the node is not Ready (Warning NodeNotReady).
 * Each node is looked at again every nodeMonitorPeriod, and exactly when it would turn
 * stale, so the injected clock alone drives the timing.
 */

interface Bucket {
  tokens: number;
  last: number;
}

export function startNodeLifecycleController(ctx: ControllerContext): RunningController {
  const { client, recorder, config, clock } = ctx;
  const log = ctx.logger;
  const nodes = ctx.informers.informerFor<Node>(nodeResource);
  const leases = ctx.informers.informerFor<Lease>(leaseResource, { namespace: NodeLeaseNamespace });
  const pods = ctx.informers.informerFor<Pod>(podResource);
  pods.addIndexer(POD_NODE_NAME_INDEX, podNodeNameIndex);

  const health = new Map<string, NodeHealth>();
  /** Nodes seen, for RegisteredNode/RemovingNode (kube's knownNodeSet). */
  const known = new Map<string, ObjectReference>();
  const buckets = new Map<string, Bucket>();
  let snapshot: { at: number; value: ZoneSnapshot } | undefined;
  let snapshotDirty = true;

  const leaseOf = (name: string) => leases.store.getByName(NodeLeaseNamespace, name);

  /** Ready as it is or is about to be: Unknown once stale, whatever the node says. */
  const effectiveReady = (node: Node, now: number): string | undefined => {
    const h = observeNodeHealth(health.get(node.metadata.name!), node, leaseOf(node.metadata.name!), now);
    return isStale(h, now, gracePeriodFor(node, config)) ? 'Unknown' : readyStatus(node);
  };

  /**
   * Zone states, recomputed every second, or after a node or lease change at most every
   * 200 ms (with thousands of nodes renewing leases, recomputing on every change would
   * cost O(nodes) per reconcile). Silence is judged from the clock, so a snapshot is
   * right about stale nodes even between recomputations.
   */
  const zones = (now: number): ZoneSnapshot => {
    const age = snapshot ? now - snapshot.at : Infinity;
    if (age >= 1000 || (snapshotDirty && age >= 200)) {
      snapshot = { at: now, value: zoneSnapshot(nodes.store.list(), (n) => effectiveReady(n, now), config.unhealthyZoneThreshold) };
      snapshotDirty = false;
    }
    return snapshot!.value;
  };

  /** The zone's token bucket (burst 1, kube's eviction limiter): ms to wait, 0 when taken. */
  const takeToken = (zone: string, rate: number, now: number): number => {
    if (rate <= 0) return config.nodeMonitorPeriodMs;
    const b = buckets.get(zone) ?? { tokens: 1, last: now };
    b.tokens = Math.min(1, b.tokens + ((now - b.last) / 1000) * rate);
    b.last = now;
    buckets.set(zone, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / rate) * 1000);
  };

  const markPodsNotReady = async (node: Node, now: number): Promise<void> => {
    const name = node.metadata.name!;
    let failed: unknown;
    for (const pod of pods.store.byIndex(POD_NODE_NAME_INDEX, name)) {
      const next = podMarkedNotReady(pod, name, now);
      if (!next) continue;
      try {
        await client.updateStatus(podResource, next);
        recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        if (!isNotFound(err)) failed = err;
      }
    }
    if (failed) throw failed;
  };

  const reconcile = async (name: string): Promise<ReconcileResult> => {
    const now = clock.now();
    const node = nodes.store.get(name);
    if (!node) {
      const last = known.get(name);
      if (last) recorder.event(last, 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
      known.delete(name);
      health.delete(name);
      return;
    }
    if (!known.has(name)) {
      recorder.event(nodeRef(node), 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
    }
    known.set(name, nodeRef(node));

    const h = observeNodeHealth(health.get(name), node, leaseOf(name), now);
    health.set(name, h);
    const grace = gracePeriodFor(node, config);
    const stale = isStale(h, now, grace);
    let current = node;
    if (stale) {
      const conditions = staleNodeConditions(node, now);
      if (conditions) {
        const next = clone(node);
        next.status = { ...next.status, conditions };
        current = await client.updateStatus(nodeResource, next);
        snapshotDirty = true;
        log.info({ node: name, silentForMs: now - h.probeTimestamp }, 'node stopped posting status; marked Unknown');
        if (readyStatus(node) === 'True') {
          recorder.event(nodeRef(node), 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        }
      }
    }

    let requeue = config.nodeMonitorPeriodMs;
    if (!stale) requeue = Math.min(requeue, staleAt(h, grace) - now);

    const snap = zones(now);
    const zone = zoneKey(current);
    const z = snap.states.get(zone);
    let noExecute = noExecuteTaintChange(current, { allowNew: false, removeAll: snap.allFullyDisrupted });
    if (noExecute.waiting) {
      const rate = taintingRate(z?.state ?? 'Normal', z?.size ?? 1, snap.allFullyDisrupted, config);
      const wait = takeToken(zone, rate, now);
      if (wait === 0) noExecute = noExecuteTaintChange(current, { allowNew: true });
      else requeue = Math.min(requeue, wait);
    }
    const noSchedule = noScheduleTaintChange(current);
    const change = { add: [...noSchedule.add, ...noExecute.add], remove: [...noSchedule.remove, ...noExecute.remove] };
    if (!isEmptyChange(change)) {
      const next = clone(current);
      next.spec = { ...next.spec, taints: applyTaintChange(current.spec?.taints, change, now) };
      if (next.spec.taints!.length === 0) delete next.spec.taints;
      current = await client.update(nodeResource, next);
      log.info({ node: name, added: change.add.map((t) => `${t.key}:${t.effect}`), removed: change.remove.map((t) => `${t.key}:${t.effect}`) }, 'updated node taints');
    }

    const ready = readyStatus(current);
    if (ready !== undefined && ready !== 'True') await markPodsNotReady(current, now);
    return { requeueAfterMs: Math.max(1, requeue) };
  };

  const queueCtl = startQueueController(ctx, { name: 'node-lifecycle-controller', reconcile, waitFor: [nodes, leases, pods] });
  const { queue } = queueCtl;

  nodes.addEventHandler({
    onAdd: (n) => {
      snapshotDirty = true;
      queue.add(n.metadata.name!);
    },
    onUpdate: (_o, n) => {
      snapshotDirty = true;
      queue.add(n.metadata.name!);
    },
    onDelete: (n) => {
      snapshotDirty = true;
      queue.add(n.metadata.name!);
    },
  });
  leases.addEventHandler({
    onAdd: (l) => {
      snapshotDirty = true;
      queue.add(l.metadata.name!);
    },
    onUpdate: (_o, l) => {
      snapshotDirty = true;
      queue.add(l.metadata.name!);
    },
  });
  // A pod newly bound to a node that is not Ready must be marked too (kube's processPod).
  pods.addEventHandler({
    onAdd: (p) => {
      if (p.spec?.nodeName) queue.add(p.spec.nodeName);
    },
    onUpdate: (o, p) => {
      if (p.spec?.nodeName && p.spec.nodeName !== o.spec?.nodeName) queue.add(p.spec.nodeName);
    },
  });

  return queueCtl;
}

export const nodeLifecycleController: ControllerDescriptor = {
  name: 'node-lifecycle-controller',
  serviceAccounts: ['node-controller'],
  eventSource: 'node-controller',
  start: startNodeLifecycleController,
};
