import type { Node } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import { formatIPv4 } from '../api/networking/cidr.js';
import { macOf, nodeNetwork, type NodeNetwork } from './node-network.js';

/**
 * Flannel's model of the pod network, rendered as the commands on a node print it. Two
 * backends (flanneld's Backend.Type): `vxlan` (default: flannel.1, VNI 1, UDP 8472, one
 * onlink route, neighbour and FDB entry per remote node) and `host-gw` (a direct route to
 * each remote subnet via that node's InternalIP). Pure: (node, all nodes, pods) → text.
 */

export type FlannelBackend = 'vxlan' | 'host-gw';

export interface FlannelConfig {
  readonly backend: FlannelBackend;
  /** The flannel network (net-conf.json "Network"); the cluster CIDR. */
  readonly network: string;
}

export const defaultFlannelConfig: FlannelConfig = { backend: 'vxlan', network: '100.96.0.0/16' };
export const VXLAN_PORT = 8472;
export const VXLAN_VNI = 1;
const MTU_ETH = 1500;
/** VXLAN costs 50 bytes of headers (outer IP 20 + UDP 8 + VXLAN 8 + inner Ethernet 14). */
export const flannelMTU = (backend: FlannelBackend): number => (backend === 'vxlan' ? MTU_ETH - 50 : MTU_ETH);

export interface Route {
  readonly dst: string;
  readonly via?: string;
  readonly dev: string;
  readonly onlink?: boolean;
  readonly proto?: string;
  readonly scope?: string;
  readonly src?: string;
}

function remotes(node: Node, nodes: Iterable<Node>): NodeNetwork[] {
  const name = node.metadata.name;
  return [...nodes]
    .filter((n) => n.metadata.name !== name)
    .map(nodeNetwork)
    .filter((n) => n.subnet && n.internalIP)
    .sort((a, b) => a.subnet!.base - b.subnet!.base);
}

/** The node's routing table (main). A node without a podCIDR has only its uplink routes. */
export function nodeRoutes(node: Node, nodes: Iterable<Node>, cfg: FlannelConfig = defaultFlannelConfig): Route[] {
  const self = nodeNetwork(node);
  const routes: Route[] = [];
  if (self.internalIP) {
    const o = self.internalIP.split('.');
    routes.push({ dst: 'default', via: `${o[0]}.${o[1]}.0.1`, dev: 'eth0', proto: 'dhcp', src: self.internalIP });
    routes.push({ dst: `${o[0]}.${o[1]}.0.0/16`, dev: 'eth0', proto: 'kernel', scope: 'link', src: self.internalIP });
  }
  if (!self.subnet) return routes;
  for (const r of remotes(node, nodes)) {
    routes.push(
      cfg.backend === 'vxlan'
        ? { dst: r.subnet!.text, via: r.vtepIP!, dev: 'flannel.1', onlink: true }
        : { dst: r.subnet!.text, via: r.internalIP!, dev: 'eth0' },
    );
  }
  routes.push({ dst: self.subnet.text, dev: 'cni0', proto: 'kernel', scope: 'link', src: self.bridgeIP! });
  return routes;
}

export function formatRoute(r: Route): string {
  const parts = [r.dst];
  if (r.via) parts.push('via', r.via);
  parts.push('dev', r.dev);
  if (r.proto) parts.push('proto', r.proto);
  if (r.scope) parts.push('scope', r.scope);
  if (r.src) parts.push('src', r.src);
  if (r.onlink) parts.push('onlink');
  return parts.join(' ');
}

/** `ip route` on the node. */
export function renderNodeIpRoute(node: Node, nodes: Iterable<Node>, cfg: FlannelConfig = defaultFlannelConfig): string {
  return nodeRoutes(node, nodes, cfg).map(formatRoute).join('\n') + '\n';
}

/** The veth on the host side of a pod's eth0 (stable per pod, as the bridge plugin names them randomly). */
export function vethName(pod: Pod): string {
  return `veth${macOf(`veth:${pod.metadata.uid ?? pod.metadata.name}`).replace(/:/g, '').slice(4, 12)}`;
}

/** `ip addr` on the node: lo, eth0, flannel.1 (vxlan), cni0 and one veth per pod. */
export function renderNodeIpAddr(node: Node, podsOnNode: readonly Pod[], cfg: FlannelConfig = defaultFlannelConfig): string {
  const self = nodeNetwork(node);
  const mtu = flannelMTU(cfg.backend);
  const lines: string[] = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
    `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${MTU_ETH} qdisc mq state UP group default qlen 1000`,
    `    link/ether ${self.eth0Mac} brd ff:ff:ff:ff:ff:ff`,
  ];
  if (self.internalIP) lines.push(`    inet ${self.internalIP}/16 brd ${self.internalIP.split('.').slice(0, 2).join('.')}.255.255 scope global dynamic eth0`, '       valid_lft 3598sec preferred_lft 3598sec');
  let index = 3;
  if (self.subnet && cfg.backend === 'vxlan') {
    lines.push(
      `${index++}: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${mtu} qdisc noqueue state UNKNOWN group default`,
      `    link/ether ${self.vtepMac} brd ff:ff:ff:ff:ff:ff`,
      `    inet ${self.vtepIP}/32 scope global flannel.1`,
      '       valid_lft forever preferred_lft forever',
    );
  }
  if (self.subnet) {
    lines.push(
      `${index++}: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${mtu} qdisc noqueue state UP group default qlen 1000`,
      `    link/ether ${self.bridgeMac} brd ff:ff:ff:ff:ff:ff`,
      `    inet ${self.bridgeIP}/${self.subnet.bits} brd ${formatIPv4((self.subnet.base | ~self.subnet.mask) >>> 0)} scope global cni0`,
      '       valid_lft forever preferred_lft forever',
    );
    for (const pod of podsOnNode) {
      if (pod.spec?.hostNetwork || !pod.status?.podIP) continue;
      lines.push(
        `${index++}: ${vethName(pod)}@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${mtu} qdisc noqueue master cni0 state UP group default`,
        `    link/ether ${macOf(`veth-host:${pod.metadata.uid ?? pod.metadata.name}`)} brd ff:ff:ff:ff:ff:ff link-netns cni-${(pod.metadata.uid ?? '').slice(0, 8)}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** `bridge fdb show dev flannel.1`: one permanent entry per remote VTEP. */
export function renderBridgeFdb(node: Node, nodes: Iterable<Node>, cfg: FlannelConfig = defaultFlannelConfig): string {
  if (cfg.backend !== 'vxlan' || !nodeNetwork(node).subnet) return '';
  return remotes(node, nodes).map((r) => `${r.vtepMac} dev flannel.1 dst ${r.internalIP} self permanent`).join('\n') + '\n';
}

/** `ip neigh show dev flannel.1`: the remote VTEPs' addresses and MACs. */
export function renderFlannelNeighbors(node: Node, nodes: Iterable<Node>, cfg: FlannelConfig = defaultFlannelConfig): string {
  if (cfg.backend !== 'vxlan' || !nodeNetwork(node).subnet) return '';
  return remotes(node, nodes).map((r) => `${r.vtepIP} lladdr ${r.vtepMac} PERMANENT`).join('\n') + '\n';
}

/** `ip -d link show flannel.1`. */
export function renderFlannelLink(node: Node, cfg: FlannelConfig = defaultFlannelConfig): string {
  const self = nodeNetwork(node);
  if (cfg.backend !== 'vxlan' || !self.subnet) return 'Device "flannel.1" does not exist.\n';
  return [
    `3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${flannelMTU('vxlan')} qdisc noqueue state UNKNOWN mode DEFAULT group default`,
    `    link/ether ${self.vtepMac} brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 65535`,
    `    vxlan id ${VXLAN_VNI} local ${self.internalIP} dev eth0 srcport 0 0 dstport ${VXLAN_PORT} nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535`,
  ].join('\n') + '\n';
}

/** `/run/flannel/subnet.env`: the lease flanneld writes for the CNI plugin. */
export function renderSubnetEnv(node: Node, cfg: FlannelConfig = defaultFlannelConfig): string {
  const self = nodeNetwork(node);
  if (!self.subnet) return '';
  return [
    `FLANNEL_NETWORK=${cfg.network}`,
    `FLANNEL_SUBNET=${self.bridgeIP}/${self.subnet.bits}`,
    `FLANNEL_MTU=${flannelMTU(cfg.backend)}`,
    'FLANNEL_IPMASQ=true',
  ].join('\n') + '\n';
}

/** `ip addr` inside a pod: lo and eth0@ifN on the node's subnet. */
export function renderPodIpAddr(pod: Pod, node: Node | undefined, cfg: FlannelConfig = defaultFlannelConfig): string {
  const ip = pod.status?.podIP;
  const bits = (node && nodeNetwork(node).subnet?.bits) ?? 24;
  const lines = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
  ];
  if (ip) {
    lines.push(
      `2: eth0@if${5 + (Number(ip.split('.')[3]) || 0)}: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu ${flannelMTU(cfg.backend)} qdisc noqueue`,
      `    link/ether ${macOf(`eth0:${pod.metadata.uid ?? pod.metadata.name}`)} brd ff:ff:ff:ff:ff:ff`,
      `    inet ${ip}/${bits} brd ${ip.split('.').slice(0, 3).join('.')}.255 scope global eth0`,
      '       valid_lft forever preferred_lft forever',
    );
  }
  return lines.join('\n') + '\n';
}

/** `ip route` inside a pod: default via cni0, the cluster network via cni0, the node's subnet on-link. */
export function renderPodIpRoute(pod: Pod, node: Node | undefined, cfg: FlannelConfig = defaultFlannelConfig): string {
  const net = node ? nodeNetwork(node) : undefined;
  if (!net?.subnet || !pod.status?.podIP) return '';
  return [
    `default via ${net.bridgeIP} dev eth0`,
    `${cfg.network} via ${net.bridgeIP} dev eth0`,
    `${net.subnet.text} dev eth0 scope link  src ${pod.status.podIP}`,
  ].join('\n') + '\n';
}
