import type { Node } from '../api/core/node.js';
import type { Instance } from '../cloud/cloud-state.js';
import { parseProviderId, type NodeGroupView } from '../cloud/cloud-provider.js';
import { TAINT_UNINITIALIZED } from '../cloud/node-boot.js';

/**
 * CA's ClusterStateRegistry, reduced: which Node belongs to which group, and per group
 * how many instances are registered, ready, still on their way (upcoming), failed, or
 * overdue (not ready --max-node-provision-time after they were asked for). Pure.
 *
 * A Node belongs to a group by its provider ID (`kubeling://GROUP/INSTANCE`); before the
 * cloud controller manager has written that, by its instance's node name, so a freshly
 * registered node is not mistaken for a stranger.
 */

export interface GroupCounts {
  registered: number;
  ready: number;
  notStarted: number;
  upcoming: number;
  failed: Instance[];
  overdue: Instance[];
}

export interface ClusterState {
  groupOfNode: Map<string, NodeGroupView>;
  counts: Map<string, GroupCounts>;
  readyNodes: number;
  unreadyNodes: number;
  totalNodes: number;
}

export function isNodeReady(node: Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const uninitialized = (node.spec?.taints ?? []).some((t) => t.key === TAINT_UNINITIALIZED);
  return ready && !uninitialized;
}

export function clusterState(nodes: readonly Node[], groups: readonly NodeGroupView[], instances: readonly Instance[], now: number, maxProvisionMs: number): ClusterState {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const instanceByNode = new Map(instances.map((i) => [i.nodeName, i]));
  const instanceById = new Map(instances.map((i) => [i.id, i]));
  const groupOfNode = new Map<string, NodeGroupView>();
  const nodeByInstance = new Map<string, Node>();
  let readyNodes = 0;
  for (const n of nodes) {
    const name = n.metadata.name ?? '';
    if (isNodeReady(n)) readyNodes++;
    const pid = parseProviderId(n.spec?.providerID);
    const inst = pid ? instanceById.get(pid.instance) : instanceByNode.get(name);
    const g = byName.get(pid?.group ?? inst?.group ?? '');
    if (g) groupOfNode.set(name, g);
    if (inst) nodeByInstance.set(inst.id, n);
  }
  const counts = new Map<string, GroupCounts>();
  for (const g of groups) counts.set(g.name, { registered: 0, ready: 0, notStarted: 0, upcoming: 0, failed: [], overdue: [] });
  for (const i of instances) {
    const c = counts.get(i.group);
    if (!c || i.state === 'Deleting') continue;
    if (i.state === 'Failed') {
      c.failed.push(i);
      continue;
    }
    const n = nodeByInstance.get(i.id);
    if (n) c.registered++;
    if (n && isNodeReady(n)) {
      c.ready++;
      continue;
    }
    if (n) c.notStarted++;
    if (now - i.createdAt > maxProvisionMs) c.overdue.push(i);
    else c.upcoming++;
  }
  return { groupOfNode, counts, readyNodes, unreadyNodes: nodes.length - readyNodes, totalNodes: nodes.length };
}

/** The instance behind a node: by provider ID, else by node name (before the CCM wrote the ID). */
export function instanceOfNode(node: Node, instances: readonly Instance[]): Instance | undefined {
  const pid = parseProviderId(node.spec?.providerID);
  if (pid) return instances.find((i) => i.id === pid.instance && i.group === pid.group);
  return instances.find((i) => i.nodeName === node.metadata.name);
}
