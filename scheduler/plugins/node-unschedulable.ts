/**
 * NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate
 * the node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods do).
 */
import { constantStatus, SUCCESS, type FilterPlugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodLike, TaintLike } from '../types.js';
import { tolerationsTolerateTaint } from './tolerations.js';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

const rejected = constantStatus('UnschedulableAndUnresolvable', NODE_UNSCHEDULABLE, ERR_REASON_UNSCHEDULABLE);
const unschedulableTaint: TaintLike = { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' };

export const nodeUnschedulablePlugin: FilterPlugin = {
  name: NODE_UNSCHEDULABLE,
  filter(pod: PodLike, nodeInfo: NodeInfo): Status {
    if (!nodeInfo.node?.spec?.unschedulable) return SUCCESS;
    if (tolerationsTolerateTaint(pod.spec?.tolerations, unschedulableTaint)) return SUCCESS;
    return rejected;
  },
};
