import { nodeResource, type Node } from '../../api/core/node.js';
import { isInvalid, isNotFound, isRetriable } from '../../client/api-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { nodeRef } from '../object-ref.js';
import { startQueueController } from '../runner.js';
import { CidrSet } from './cidr-set.js';

/**
 * Node IPAM, kube's RangeAllocator: every Node gets spec.podCIDR/podCIDRs, a /maskSize
 * slice of the cluster CIDR (a /24 of 100.96.0.0/16 by default, flannel style), from
 * which kubelets give pods their IPs.
 *
 * - Existing CIDRs are claimed from the informer's handlers, synchronously and in event
 *   order (the initial list included), so a CIDR already on a node is never handed out
 *   again, not even to a node created in the same instant.
 * - Allocation happens in reconcile(nodeName), once the cache is complete.
 * - A deleted node's CIDR is freed; nodes still waiting for one are then retried.
 * - When the range is exhausted the node gets kube's event (type Normal, reason
 *   CIDRNotAvailable, "Node <name> status is now: CIDRNotAvailable") and waits; it is
 *   retried on its next update (kubelets post status regularly) or when a CIDR is freed.
 *   kube's range allocator sets no node condition here (only cloud allocators set
 *   NetworkUnavailable), and neither do we.
 */

/** kube's cidrUpdateWorkers. */
export const CIDR_UPDATE_WORKERS = 30;

const podCIDROf = (node: Node): string | undefined => node.spec?.podCIDRs?.[0] ?? node.spec?.podCIDR ?? undefined;

export function startNodeIpamController(ctx: ControllerContext): RunningController {
  const { client, recorder, config } = ctx;
  const log = ctx.logger;
  const set = new CidrSet(config.clusterCidr, config.nodeCidrMaskSize);
  if (config.serviceCidr) {
    // kube's filterOutServiceRange: keep service ClusterIPs out of pod ranges when they overlap.
    try {
      set.occupy(config.serviceCidr);
    } catch {
      // Outside the cluster CIDR (the usual case): nothing to reserve.
    }
  }
  const nodes = ctx.informers.informerFor<Node>(nodeResource);
  /** CIDR → node holding it, and node → CIDR (including ones reserved but not yet written). */
  const owner = new Map<string, string>();
  const byNode = new Map<string, string>();

  const forget = (name: string, cidr: string): void => {
    if (owner.get(cidr) === name) {
      owner.delete(cidr);
      set.release(cidr);
    }
    if (byNode.get(name) === cidr) byNode.delete(name);
  };

  /** Marks the CIDR a node already carries as used (AllocateOrOccupyCIDR's occupy half). */
  const claim = (node: Node, cidr: string): void => {
    const name = node.metadata.name!;
    const held = byNode.get(name);
    if (held === cidr) return;
    if (held) forget(name, held); // we had reserved another one: someone else's write won
    const other = owner.get(cidr);
    if (other && other !== name) log.warn({ node: name, cidr, other }, 'node carries a pod CIDR already used by another node');
    try {
      set.occupy(cidr);
    } catch (err) {
      log.error({ err, node: name, cidr }, 'node pod CIDR is outside the cluster CIDR; not tracked');
      return;
    }
    if (!other) owner.set(cidr, name);
    byNode.set(name, cidr);
  };

  const onNode = (node: Node): void => {
    const cidr = podCIDROf(node);
    if (cidr) claim(node, cidr);
    else queueCtl.queue.add(node.metadata.name!);
  };

  const reconcile = async (name: string): Promise<void> => {
    const node = nodes.store.get(name);
    if (!node) {
      const held = byNode.get(name);
      if (held) forget(name, held);
      return;
    }
    const existing = podCIDROf(node);
    if (existing) return claim(node, existing);

    let cidr = byNode.get(name);
    if (!cidr) {
      cidr = set.allocateNext();
      if (!cidr) {
        log.warn({ node: name, clusterCidr: config.clusterCidr }, 'no pod CIDR available for node');
        recorder.event(nodeRef(node), 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
        return;
      }
      owner.set(cidr, name);
      byNode.set(name, cidr);
    }
    try {
      await client.patch(nodeResource, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, { type: 'strategic' });
      log.info({ node: name, cidr }, 'set node pod CIDR');
    } catch (err) {
      if (isRetriable(err)) throw err; // keep the reservation; the queue retries with backoff
      forget(name, cidr);
      if (isNotFound(err)) return;
      if (isInvalid(err)) {
        // Someone else set podCIDRs first (they are immutable once set): theirs stands.
        log.info({ node: name, err }, 'node pod CIDR was set elsewhere; released ours');
        return;
      }
      log.error({ err, node: name, cidr }, 'failed to set node pod CIDR');
      recorder.event(nodeRef(node), 'Normal', 'CIDRAssignmentFailed', `Node ${name} status is now: CIDRAssignmentFailed`);
    }
  };

  // kube's range allocator updates nodes from 30 workers (cidrUpdateWorkers): `up --nodes
  // 1000` registers a thousand nodes at once, and one worker would leave most of them
  // without a CIDR (so NotReady) for minutes on a loaded machine. Reservations are made
  // synchronously above (allocateNext before the await), so workers never share a CIDR.
  const queueCtl = startQueueController(ctx, { name: 'node-ipam-controller', reconcile, waitFor: [nodes], workers: CIDR_UPDATE_WORKERS });

  nodes.addEventHandler({
    onAdd: onNode,
    onUpdate: (_old, node) => onNode(node),
    onDelete: (node) => {
      const name = node.metadata.name!;
      const cidr = podCIDROf(node) ?? byNode.get(name);
      if (!cidr) return;
      forget(name, cidr);
      // A node starved by exhaustion may fit now.
      for (const n of nodes.store.list()) if (!podCIDROf(n)) queueCtl.queue.add(n.metadata.name!);
    },
  });

  return queueCtl;
}

export const nodeIpamController: ControllerDescriptor = {
  name: 'node-ipam-controller',
  serviceAccounts: ['node-controller'],
  eventSource: 'cidrAllocator',
  start: startNodeIpamController,
};
