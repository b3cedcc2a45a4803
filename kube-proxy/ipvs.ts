import type { ProxyEndpoint, ServicePortInfo } from './service-ports.js';

/**
 * kube-proxy's IPVS mode as `ipvsadm -Ln` prints it on a node: one virtual server per
 * cluster IP, external IP, load-balancer IP and node address × NodePort, scheduler `rr`
 * (kube-proxy's default --ipvs-scheduler), `persistent N` for ClientIP affinity, real
 * servers forwarded by masquerading (NAT) with weight 1. Pure.
 */

export interface VirtualServer {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly address: string;
  readonly port: number;
  readonly persistentSeconds?: number;
  readonly realServers: readonly ProxyEndpoint[];
  readonly svcPortName: string;
}

/** nodeAddresses: the node's own addresses NodePorts are bound on (kube-proxy's --nodeport-addresses; default all). */
export function ipvsVirtualServers(ports: readonly ServicePortInfo[], nodeAddresses: readonly string[]): VirtualServer[] {
  const out: VirtualServer[] = [];
  for (const sp of ports) {
    const internal = sp.internalLocal ? sp.localEndpoints : sp.clusterEndpoints;
    const external = sp.externalLocal ? sp.localEndpoints : sp.clusterEndpoints;
    const base = { protocol: sp.protocol, svcPortName: sp.svcPortName, ...(sp.affinitySeconds !== undefined ? { persistentSeconds: sp.affinitySeconds } : {}) };
    out.push({ ...base, address: sp.clusterIP, port: sp.port, realServers: internal });
    for (const ip of [...sp.externalIPs, ...sp.loadBalancerIPs]) out.push({ ...base, address: ip, port: sp.port, realServers: external });
    if (sp.nodePort !== undefined) for (const ip of nodeAddresses) out.push({ ...base, address: ip, port: sp.nodePort, realServers: external });
  }
  const ipKey = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  return out.sort((a, b) => a.protocol.localeCompare(b.protocol) || ipKey(a.address) - ipKey(b.address) || a.port - b.port);
}

export function ipvsadmList(ports: readonly ServicePortInfo[], nodeAddresses: readonly string[]): string {
  const lines = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'];
  for (const vs of ipvsVirtualServers(ports, nodeAddresses)) {
    lines.push(`${vs.protocol.padEnd(4)} ${vs.address}:${vs.port} rr${vs.persistentSeconds !== undefined ? ` persistent ${vs.persistentSeconds}` : ''}`);
    for (const rs of vs.realServers) lines.push(`  -> ${rs.address.padEnd(28)} Masq    1      0          0`);
  }
  return lines.join('\n') + '\n';
}
