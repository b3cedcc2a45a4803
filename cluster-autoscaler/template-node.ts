import type { Node } from '../api/core/node.js';
import type { NodeGroupSpec } from '../cloud/node-groups.js';
import { kubeletTemplateOf } from '../cloud/node-groups.js';
import { allocatableOf, capacityOf, nodeLabels, resolveNodeTemplate } from '../kubelet-sim/node-template.js';
import { NodeInfo } from '../scheduler/node-info.js';

/**
 * CA's TemplateNodeInfo: what a node of a group will look like once it has registered,
 * built from the group's machine template the way its kubelet will report it (same
 * allocatable arithmetic, same labels), so a pod simulated on it lands as it will on the
 * real node. The cloud's `uninitialized` taint is left out: the cloud controller
 * manager removes it within seconds of registration, and CA's templates do not carry it.
 */
export function templateNode(group: NodeGroupSpec, name = `template-node-for-${group.name}`): Node {
  const t = resolveNodeTemplate(kubeletTemplateOf(group.machine));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: nodeLabels(t, name, 0) },
    spec: group.machine.taints.length > 0 ? { taints: group.machine.taints.map((x) => ({ ...x })) } : {},
    status: { capacity: capacityOf(t), allocatable: allocatableOf(t) },
  } as Node;
}

/** A fresh, empty NodeInfo of the group's template. */
export function templateNodeInfo(group: NodeGroupSpec, name?: string): NodeInfo {
  const n = templateNode(group, name);
  return new NodeInfo(n.metadata.name!, n);
}
