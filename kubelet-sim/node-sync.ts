import { nodeResource, type Node, type NodeCondition } from '../api/core/node.js';
import { leaseResource } from '../api/coordination/lease.js';
import { isAlreadyExists, isConflict, isNotFound, type RestClient } from '../client/rest-client.js';
import { LEASE_NAMESPACE, nodeLease, nodeStatus, nodeStatusDiffers, registrationNode } from './node-status.js';
import { nodeLabels, type ResolvedNodeTemplate } from './node-template.js';
import type { NodeRecord } from './simulator.js';

/**
 * The three writes a kubelet makes about its node, each called by the write pool for one
 * node: register, report status, renew the Lease. `throttle` is awaited before every
 * request (QPS); errors propagate for the pool to retry.
 */

/** A status the kubelet wrote: the conditions the apiserver held before, and the ones written. */
export interface StatusWritten {
  previous: NodeCondition[] | undefined;
  reported: NodeCondition[];
}

export interface NodeSyncContext {
  client: RestClient;
  template: ResolvedNodeTemplate;
  now: number;
  throttle: () => Promise<void>;
}

/**
 * kubelet's registerWithAPIServer: create the Node, or take over an existing one of that
 * name. `previous` is undefined for a new Node, the taken-over Node's conditions otherwise.
 */
export async function registerNode(ctx: NodeSyncContext, node: NodeRecord): Promise<StatusWritten> {
  const { client, template, now, throttle } = ctx;
  const name = node.id.name;
  const body = registrationNode(template, node.id, now, node.images.statusImages());
  let obj: Node;
  let previous: NodeCondition[] | undefined;
  try {
    await throttle();
    obj = await client.create<Node>(nodeResource, body);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    await throttle();
    obj = await client.patch<Node>(
      nodeResource,
      name,
      { metadata: { labels: nodeLabels(template, name, node.id.index), annotations: body.metadata.annotations } },
      { type: 'merge' },
    );
    previous = obj.status?.conditions;
  }
  node.uid = obj.metadata.uid;
  // An apiserver may drop status on create, and a taken-over Node has an old one: report now.
  const desired = nodeStatus(template, node.id, now, obj.status, node.images.statusImages());
  if (!obj.status?.conditions?.length || nodeStatusDiffers(obj.status, desired)) {
    await throttle();
    await client.patch(nodeResource, name, { status: desired }, { type: 'merge', subresource: 'status' });
  }
  node.registered = true;
  node.lastReportAt = now;
  return { previous, reported: desired.conditions ?? [] };
}

/** How long after registration a node may lack a podCIDR before it reports NetworkUnavailable=True. */
export const NO_ROUTE_GRACE_MS = 30_000;

/**
 * kubelet's tryUpdateNodeStatus with nodeStatusReportFrequency: write when the last report
 * is older than reportMs or the live status differs (heartbeat times aside).
 */
export async function reportNodeStatus(
  ctx: NodeSyncContext,
  node: NodeRecord,
  live: Node | undefined,
  reportMs: number,
): Promise<StatusWritten | undefined> {
  if (!live) return undefined;
  // Registration reports the route as created (the IPAM controller assigns podCIDRs at
  // once); a node still without a podCIDR at a later report has no pod network route.
  // The grace keeps a report racing the IPAM controller's first assignment from tainting
  // the node network-unavailable for a whole report period.
  const created = Date.parse(live.metadata.creationTimestamp ?? '');
  const hasRoute = !!(live.spec?.podCIDR || live.spec?.podCIDRs?.length) || !(ctx.now - created > NO_ROUTE_GRACE_MS);
  const desired = nodeStatus(ctx.template, node.id, ctx.now, live.status, node.images.statusImages(), hasRoute);
  if (ctx.now - node.lastReportAt < reportMs && !nodeStatusDiffers(live.status, desired)) return undefined;
  await ctx.throttle();
  await ctx.client.patch(nodeResource, node.id.name, { status: desired }, { type: 'merge', subresource: 'status' });
  node.lastReportAt = ctx.now;
  return { previous: live.status?.conditions, reported: desired.conditions ?? [] };
}

/** Renews (or creates) the node's Lease: an update with the resourceVersion last written. */
export async function renewLease(ctx: NodeSyncContext, node: NodeRecord): Promise<void> {
  const { client, now, throttle } = ctx;
  const name = node.id.name;
  for (let attempt = 0; attempt < 3; attempt++) {
    await throttle();
    try {
      const lease = node.leaseRV
        ? await client.update(leaseResource, nodeLease(name, node.uid, now, node.leaseRV))
        : await client.create(leaseResource, nodeLease(name, node.uid, now));
      node.leaseRV = lease.metadata.resourceVersion;
      return;
    } catch (err) {
      if (isNotFound(err)) node.leaseRV = undefined;
      else if (isAlreadyExists(err) || isConflict(err)) {
        await throttle();
        const current = await client.get(leaseResource, name, { namespace: LEASE_NAMESPACE });
        node.leaseRV = current.metadata.resourceVersion;
      } else throw err;
    }
  }
}
