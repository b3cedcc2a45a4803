/**
 * NodeName: a pod that names its node (spec.nodeName) fits only that node.
 * Kube's reason and code: UnschedulableAndUnresolvable, removing pods cannot help.
 */
import { constantStatus, SUCCESS, type FilterPlugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodLike } from '../types.js';

export const NODE_NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";
const rejected = constantStatus('UnschedulableAndUnresolvable', NODE_NAME, ERR_REASON_NODE_NAME);

export function fitsNodeName(pod: PodLike, nodeInfo: NodeInfo): boolean {
  const wanted = pod.spec?.nodeName;
  return !wanted || wanted === nodeInfo.name;
}

export const nodeNamePlugin: FilterPlugin = {
  name: NODE_NAME,
  filter(pod: PodLike, nodeInfo: NodeInfo): Status {
    return fitsNodeName(pod, nodeInfo) ? SUCCESS : rejected;
  },
};
