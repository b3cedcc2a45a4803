import { nodeResource, type Node } from '../api/core/node.js';
import { isAlreadyExists, type RestClient } from '../client/rest-client.js';
import { NODE_INDEX_ANNOTATION, NODE_TEMPLATE_ANNOTATION } from '../kubelet-sim/node-adoption.js';
import type { Instance } from './cloud-state.js';
import { kubeletTemplateOf, type NodeGroupSpec } from './node-groups.js';

/**
 * What a machine of the simulated cloud does when it boots: its kubelet registers a Node
 * with `--cloud-provider=external`, so the Node carries the `uninitialized` taint until
 * the cloud controller manager's node controller has set its provider ID and topology
 * labels (kube's cloud-node controller). The machine's template rides along as an
 * annotation, which is what makes a kubelet-sim adopt and run it (node-adoption.ts).
 */

export const TAINT_UNINITIALIZED = 'node.cloudprovider.kubernetes.io/uninitialized';
/** Machines' indexes start here, above any static `--nodes` fleet. */
export const CLOUD_INDEX_BASE = 100_000;

export function bootNode(inst: Instance, g: NodeGroupSpec): Node {
  const template = kubeletTemplateOf(g.machine);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: inst.nodeName,
      labels: { 'kubernetes.io/hostname': inst.nodeName, ...g.machine.labels },
      annotations: {
        [NODE_TEMPLATE_ANNOTATION]: JSON.stringify(template),
        [NODE_INDEX_ANNOTATION]: String(CLOUD_INDEX_BASE + inst.seq),
      },
    },
    spec: {
      taints: [{ key: TAINT_UNINITIALIZED, value: 'true', effect: 'NoSchedule' }, ...g.machine.taints.map((t) => ({ ...t }))],
    },
  } as Node;
}

/**
 * The cloud's `boot` hook: create the Node; one that already exists (a retried boot) is
 * fine. `nodeClient`, when given, is the machine's kubelet credential (system:node:NAME),
 * so the Node is registered as its kubelet registers it.
 */
export function nodeBooter(client: RestClient, nodeClient?: (nodeName: string) => RestClient): (inst: Instance, g: NodeGroupSpec) => Promise<void> {
  return async (inst, g) => {
    try {
      await (nodeClient?.(inst.nodeName) ?? client).create(nodeResource, bootNode(inst, g));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  };
}
