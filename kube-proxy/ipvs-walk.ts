import { cidrContains, parseCidr, parseIPv4 } from '../api/networking/cidr.js';
import type { ProxyEndpoint, ServicePortInfo } from './service-ports.js';
import { ipvsVirtualServers, type VirtualServer } from './ipvs.js';

/**
 * The simulated kernel in kube-proxy's IPVS mode: a new connection to an address:port
 * that is an IPVS virtual server (the same ones `ipvsadm -Ln` prints) is forwarded by
 * masquerading to a real server the scheduler picks — `rr`, kube-proxy's default
 * --ipvs-scheduler, as a counter per virtual server — or, with `persistent N`
 * (sessionAffinity: ClientIP), to the real server this client used within N seconds.
 * A virtual server without real servers answers ICMP port unreachable (connection
 * refused), as IPVS does when it cannot schedule. The masquerade decision is the one
 * kube-proxy's iptables rules make in IPVS mode: traffic from outside the cluster CIDR
 * to a cluster IP, NodePort and load-balancer traffic (unless externalTrafficPolicy:
 * Local), and a pod reaching itself through its Service (hairpin, KUBE-LOOP-BACK).
 */

export interface IpvsPacket {
  readonly src: string;
  readonly dst: string;
  readonly dport: number;
  readonly proto: 'tcp' | 'udp' | 'sctp';
}

/** One node's IPVS state that outlives a connection: rr positions and persistence templates. */
export interface IpvsConnState {
  readonly rr: Map<string, number>;
  /** `vs key → client ip → { real server, last used ms }` */
  readonly persistence: Map<string, Map<string, { server: string; atMs: number }>>;
}

export function newIpvsConnState(): IpvsConnState {
  return { rr: new Map(), persistence: new Map() };
}

export interface IpvsResult {
  /** No virtual server matched: the packet goes on unchanged. */
  readonly verdict: 'accept' | 'reject';
  readonly virtualServer?: VirtualServer;
  /** `ip:port` of the chosen real server. */
  readonly dnat?: string;
  readonly masquerade: boolean;
  /** Why: the virtual server line and the scheduling decision, as a person reads ipvsadm. */
  readonly explanation?: string;
}

const vsKey = (proto: string, ip: string, port: number) => `${proto.toUpperCase()}/${ip}:${port}`;

/** The virtual servers of a node, by protocol/address/port (built once per rules state). */
export class IpvsTable {
  private readonly byKey = new Map<string, VirtualServer>();
  private readonly kinds = new Map<string, 'cluster' | 'external'>();
  private readonly externalLocal = new Set<string>();

  constructor(ports: readonly ServicePortInfo[], nodeAddresses: readonly string[]) {
    for (const vs of ipvsVirtualServers(ports, nodeAddresses)) this.byKey.set(vsKey(vs.protocol, vs.address, vs.port), vs);
    for (const sp of ports) {
      this.kinds.set(vsKey(sp.protocol, sp.clusterIP, sp.port), 'cluster');
      if (sp.externalLocal) {
        for (const ip of [...sp.externalIPs, ...sp.loadBalancerIPs]) this.externalLocal.add(vsKey(sp.protocol, ip, sp.port));
        if (sp.nodePort !== undefined) for (const ip of nodeAddresses) this.externalLocal.add(vsKey(sp.protocol, ip, sp.nodePort));
      }
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  walk(p: IpvsPacket, ctx: { clusterCIDR: string; nowMs: number; state: IpvsConnState }): IpvsResult {
    const key = vsKey(p.proto, p.dst, p.dport);
    const vs = this.byKey.get(key);
    if (!vs) return { verdict: 'accept', masquerade: false };
    const head = `IPVS ${vs.protocol} ${vs.address}:${vs.port} rr${vs.persistentSeconds !== undefined ? ` persistent ${vs.persistentSeconds}` : ''} (${vs.svcPortName})`;
    if (vs.realServers.length === 0) {
      return { verdict: 'reject', virtualServer: vs, masquerade: false, explanation: `${head}: no real servers, ICMP port unreachable` };
    }
    let chosen: ProxyEndpoint | undefined;
    let why = '';
    if (vs.persistentSeconds !== undefined) {
      const templates = ctx.state.persistence.get(key) ?? new Map<string, { server: string; atMs: number }>();
      ctx.state.persistence.set(key, templates);
      const t = templates.get(p.src);
      if (t && ctx.nowMs - t.atMs <= vs.persistentSeconds * 1000) {
        chosen = vs.realServers.find((r) => r.address === t.server);
        if (chosen) why = `persistence template for ${p.src} (${Math.round((ctx.nowMs - t.atMs) / 1000)}s old)`;
      }
      if (!chosen) chosen = this.roundRobin(key, vs, ctx.state);
      templates.set(p.src, { server: chosen.address, atMs: ctx.nowMs });
    } else chosen = this.roundRobin(key, vs, ctx.state);
    if (!why) why = `rr: real server ${vs.realServers.indexOf(chosen) + 1} of ${vs.realServers.length}`;
    const cluster = parseCidr(ctx.clusterCIDR);
    const srcNum = parseIPv4(p.src);
    const fromOutside = !cluster || srcNum === undefined || !cidrContains(cluster, srcNum);
    const isClusterIP = this.kinds.get(key) === 'cluster';
    const hairpin = p.src === chosen.ip;
    const masquerade = hairpin || (isClusterIP ? fromOutside : !this.externalLocal.has(key));
    return { verdict: 'accept', virtualServer: vs, dnat: chosen.address, masquerade, explanation: `${head} → ${chosen.address} Masq (${why})` };
  }

  private roundRobin(key: string, vs: VirtualServer, state: IpvsConnState): ProxyEndpoint {
    const i = state.rr.get(key) ?? 0;
    state.rr.set(key, (i + 1) % vs.realServers.length);
    return vs.realServers[i % vs.realServers.length]!;
  }
}
