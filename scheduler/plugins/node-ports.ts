/**
 * NodePorts: a pod's host ports must be free on the node. Unschedulable (not
 * unresolvable): the port frees up when the pod holding it leaves.
 */
import { constantStatus, SKIP, SUCCESS, type CycleState, type FilterPlugin, type PreFilterPlugin, type Status } from '../framework.js';
import { podHostPorts, type HostPort, type NodeInfo } from '../node-info.js';
import type { PodLike } from '../types.js';

export const NODE_PORTS = 'NodePorts';
export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
const stateKey = 'PreFilter' + NODE_PORTS;
const rejected = constantStatus('Unschedulable', NODE_PORTS, ERR_REASON_NODE_PORTS);

export function fitsPorts(wanted: readonly HostPort[], nodeInfo: NodeInfo): boolean {
  for (const p of wanted) if (nodeInfo.usedPorts.conflicts(p)) return false;
  return true;
}

export const nodePortsPlugin: PreFilterPlugin & FilterPlugin = {
  name: NODE_PORTS,
  preFilter(pod: PodLike, state: CycleState) {
    const ports = podHostPorts(pod);
    if (ports.length === 0) return { status: SKIP };
    state.write(stateKey, ports);
    return { status: SUCCESS };
  },
  filter(pod: PodLike, nodeInfo: NodeInfo, state: CycleState): Status {
    const ports = state.read<HostPort[]>(stateKey) ?? podHostPorts(pod);
    return fitsPorts(ports, nodeInfo) ? SUCCESS : rejected;
  },
};
