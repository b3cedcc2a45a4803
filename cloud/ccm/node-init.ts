import type { Node } from '../../api/core/node.js';
import type { Instance } from '../cloud-state.js';
import { providerIdOf, type NodeGroupView } from '../cloud-provider.js';
import { TAINT_UNINITIALIZED } from '../node-boot.js';

/**
 * The cloud node controller's decisions (kube's cloud-provider controllers/node and
 * nodelifecycle), pure:
 *
 * - which Nodes are the cloud's business: those with a `kubeling://` provider ID or the
 *   `uninitialized` taint. Nodes of the static `--nodes` fleet have neither: they are
 *   machines outside the cloud (as on-premises nodes in a hybrid cluster) and are never
 *   touched;
 * - the initialisation patch: provider ID, topology and instance-type labels, the taint
 *   removed;
 * - whether a Node's instance is gone (deleted, being deleted, or failed): then the Node
 *   is deleted, as the cloud node lifecycle controller does.
 */

export function isCloudNode(node: Node): boolean {
  return Boolean(node.spec?.providerID?.startsWith('kubeling://')) || (node.spec?.taints ?? []).some((t) => t.key === TAINT_UNINITIALIZED);
}

export function initializationPatch(node: Node, inst: Instance, group: NodeGroupView): Record<string, unknown> | undefined {
  const m = group.machine;
  const labels: Record<string, string> = {
    'node.kubernetes.io/instance-type': m.instanceType,
    'beta.kubernetes.io/instance-type': m.instanceType,
    'topology.kubernetes.io/zone': m.zone,
    'topology.kubernetes.io/region': m.region,
    'failure-domain.beta.kubernetes.io/zone': m.zone,
    'failure-domain.beta.kubernetes.io/region': m.region,
  };
  const providerID = providerIdOf(inst.group, inst.id);
  const have = node.metadata.labels ?? {};
  const tainted = (node.spec?.taints ?? []).some((t) => t.key === TAINT_UNINITIALIZED);
  const missing = Object.entries(labels).filter(([k, v]) => have[k] !== v);
  if (!tainted && node.spec?.providerID === providerID && missing.length === 0) return undefined;
  return {
    metadata: { labels: Object.fromEntries(missing), resourceVersion: node.metadata.resourceVersion },
    spec: {
      providerID,
      taints: (node.spec?.taints ?? []).filter((t) => t.key !== TAINT_UNINITIALIZED),
    },
  };
}

/** The instance a cloud Node runs on, or undefined when the cloud no longer has it. */
export function liveInstanceOf(node: Node, instances: readonly Instance[]): Instance | undefined {
  const pid = node.spec?.providerID;
  const inst = pid?.startsWith('kubeling://')
    ? instances.find((i) => providerIdOf(i.group, i.id) === pid)
    : instances.find((i) => i.nodeName === node.metadata.name);
  return inst && inst.state !== 'Deleting' && inst.state !== 'Failed' ? inst : undefined;
}
