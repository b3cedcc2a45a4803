import { MAX_SUBNET_BITS } from './cidr-set.js';

/**
 * The pod network `kubeling up --nodes N` uses when the user names none. The seeds'
 * network is flannel's 100.96.0.0/16 cut into /24s: 256 nodes. A larger cluster keeps the
 * /24 per node (kubelet's 110 pods fit) and widens the cluster range inside the
 * shared-address space 100.64.0.0/10 (RFC 6598, never routed on the internet, so no
 * user's real network is shadowed), aligned so that 100.96.0.0 stays its first address
 * while it fits: /14 holds 1,024 nodes, /11 8,192. Past 8,192 nodes the range is all of
 * 100.64.0.0/10 and the per-node subnet shrinks instead (kube refuses more than 2^16
 * subnets), which still leaves at least 30 pod addresses a node up to 65,536 nodes.
 */
export interface PodNetwork {
  clusterCidr: string;
  nodeCidrMaskSize: number;
  /** How many nodes the range can give a subnet to. */
  capacity: number;
}

export const SEED_POD_NETWORK: PodNetwork = { clusterCidr: '100.96.0.0/16', nodeCidrMaskSize: 24, capacity: 256 };

export function podNetworkFor(nodes: number): PodNetwork {
  if (nodes <= SEED_POD_NETWORK.capacity) return SEED_POD_NETWORK;
  const bits = Math.ceil(Math.log2(nodes));
  if (bits <= 13) {
    const prefix = 24 - bits; // /15 … /11: 100.96.0.0 is aligned to each of them
    return { clusterCidr: `100.96.0.0/${prefix}`, nodeCidrMaskSize: 24, capacity: 2 ** bits };
  }
  const subnetBits = Math.min(bits, MAX_SUBNET_BITS);
  return { clusterCidr: '100.64.0.0/10', nodeCidrMaskSize: 10 + subnetBits, capacity: 2 ** subnetBits };
}
