import { createHash } from 'node:crypto';
import type { Node } from '../api/core/node.js';
import { formatIPv4, parseCidr, type Cidr } from '../api/networking/cidr.js';

/**
 * A node's addresses on the simulated networks, as flannel lays them out: the node's own
 * InternalIP (eth0), its pod subnet (spec.podCIDR) with the cni0 bridge on .1 and the
 * flannel.1 VXLAN device on .0/32, and stable MAC addresses. Pure functions of the Node.
 */

export interface NodeNetwork {
  readonly name: string;
  readonly internalIP?: string;
  readonly externalIP?: string;
  /** Undefined until the IPAM controller gives the node a podCIDR. */
  readonly subnet?: Cidr;
  /** cni0's address (the pods' gateway). */
  readonly bridgeIP?: string;
  /** flannel.1's address: the subnet's network address, /32. */
  readonly vtepIP?: string;
  readonly vtepMac: string;
  readonly eth0Mac: string;
  readonly bridgeMac: string;
}

/** A stable, locally administered unicast MAC derived from a name. */
export function macOf(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  const bytes = [((h[0]! & 0xfc) | 0x02) >>> 0, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function nodeAddress(node: Node, type: 'InternalIP' | 'ExternalIP'): string | undefined {
  return node.status?.addresses?.find((a) => a.type === type)?.address;
}

export function nodeNetwork(node: Node): NodeNetwork {
  const name = node.metadata.name ?? '';
  const subnet = parseCidr(node.spec?.podCIDR ?? node.spec?.podCIDRs?.[0]);
  const internalIP = nodeAddress(node, 'InternalIP');
  const externalIP = nodeAddress(node, 'ExternalIP');
  return {
    name,
    ...(internalIP ? { internalIP } : {}),
    ...(externalIP ? { externalIP } : {}),
    ...(subnet ? { subnet, bridgeIP: formatIPv4(subnet.base + 1), vtepIP: formatIPv4(subnet.base) } : {}),
    vtepMac: macOf(`flannel.1:${name}`),
    eth0Mac: macOf(`eth0:${name}`),
    bridgeMac: macOf(`cni0:${name}`),
  };
}

/** The addresses `addrtype --dst-type LOCAL` matches on the node. */
export function localAddresses(net: NodeNetwork): Set<string> {
  const out = new Set<string>(['127.0.0.1']);
  for (const ip of [net.internalIP, net.externalIP, net.bridgeIP, net.vtepIP]) if (ip) out.add(ip);
  return out;
}
