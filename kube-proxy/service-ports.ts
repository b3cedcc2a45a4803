import type { Service, ServicePort } from '../api/core/service.js';
import type { EndpointSlice } from '../api/discovery/endpointslice.js';
import { endpointChain, externalChain, firewallChain, serviceChain, serviceLocalChain, servicePortName } from './chain-names.js';

/**
 * What kube-proxy knows about one service port on one node: its addresses, its policies and
 * the endpoints the EndpointSlices list, split as kube-proxy's CategorizeEndpoints splits
 * them. Pure: (Services, EndpointSlices, node name) → ServicePortInfo[]; the rule writers
 * (iptables, IPVS) and the data path read only this.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ProxyEndpoint {
  readonly ip: string;
  readonly port: number;
  /** `ip:port`, as kube-proxy names it in comments and chain hashes. */
  readonly address: string;
  readonly nodeName?: string;
  /** The pod the endpoint is (EndpointSlice targetRef), when it says. */
  readonly pod?: { namespace: string; name: string };
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  /** KUBE-SEP-… */
  readonly chain: string;
}

export interface ServicePortInfo {
  readonly namespace: string;
  readonly name: string;
  readonly portName: string;
  /** `ns/name[:port]`. */
  readonly svcPortName: string;
  readonly protocol: Protocol;
  readonly clusterIP: string;
  readonly port: number;
  readonly nodePort?: number;
  readonly externalIPs: readonly string[];
  /** status.loadBalancer.ingress[].ip. */
  readonly loadBalancerIPs: readonly string[];
  readonly loadBalancerSourceRanges: readonly string[];
  /** ClientIP affinity timeout in seconds, undefined for None. */
  readonly affinitySeconds?: number;
  readonly internalLocal: boolean;
  readonly externalLocal: boolean;
  /** Endpoints for traffic that may go anywhere: ready ones, else serving-terminating ones. */
  readonly clusterEndpoints: readonly ProxyEndpoint[];
  /** Endpoints on this node, same fallback. */
  readonly localEndpoints: readonly ProxyEndpoint[];
  readonly chains: { svc: string; svl: string; ext: string; fw: string };
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

function protocolOf(p: ServicePort): Protocol {
  const proto = p.protocol ?? 'TCP';
  return proto === 'UDP' || proto === 'SCTP' ? proto : 'TCP';
}

/** Ready endpoints; when none, the serving-and-terminating ones (graceful termination, KEP-1669). */
function usable(all: ProxyEndpoint[]): ProxyEndpoint[] {
  const ready = all.filter((e) => e.ready);
  return ready.length > 0 ? ready : all.filter((e) => e.serving && e.terminating);
}

/** Groups slices by `ns/service` (the kubernetes.io/service-name label). */
export function slicesByService(slices: Iterable<EndpointSlice>): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc || (s.addressType ?? 'IPv4') !== 'IPv4') continue;
    const key = `${s.metadata.namespace ?? ''}/${svc}`;
    const list = out.get(key);
    if (list) list.push(s);
    else out.set(key, [s]);
  }
  return out;
}

interface SliceEndpoint {
  ip: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  pod?: { namespace: string; name: string };
}

function endpointsFor(slices: readonly EndpointSlice[], p: ServicePort, proto: Protocol, svcPortName: string): ProxyEndpoint[] {
  const seen = new Set<string>();
  const out: ProxyEndpoint[] = [];
  for (const slice of slices) {
    // A slice port matches the service port by name (both '' for a single unnamed port).
    const sp = (slice.ports ?? []).find((x) => (x.name ?? '') === (p.name ?? '') && (x.protocol ?? 'TCP') === proto);
    if (!sp || sp.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!ip) continue;
      const c = ep.conditions ?? {};
      // EndpointConditions: a nil ready means ready; nil serving follows ready.
      const ready = c.ready !== false;
      const se: SliceEndpoint = {
        ip,
        ready,
        serving: c.serving ?? ready,
        terminating: c.terminating === true,
        ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
        ...(ep.targetRef?.kind === 'Pod' && ep.targetRef.name ? { pod: { namespace: ep.targetRef.namespace ?? slice.metadata.namespace ?? '', name: ep.targetRef.name } } : {}),
      };
      const address = `${ip}:${sp.port}`;
      if (seen.has(address)) continue;
      seen.add(address);
      out.push({ ...se, port: sp.port, address, chain: endpointChain(svcPortName, proto, address) });
    }
  }
  // kube-proxy sorts endpoints by address string so rules are stable across syncs.
  out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return out;
}

/**
 * The service ports kube-proxy programs on `nodeName`. ExternalName and headless Services
 * get no rules, as in kube-proxy.
 */
export function buildServicePorts(services: Iterable<Service>, slices: Map<string, EndpointSlice[]>, nodeName: string): ServicePortInfo[] {
  const out: ServicePortInfo[] = [];
  for (const svc of services) {
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName') continue;
    const clusterIP = spec.clusterIP;
    if (!clusterIP || clusterIP === 'None') continue;
    const ns = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    const svcSlices = slices.get(`${ns}/${name}`) ?? [];
    const lbIPs = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip);
    const affinitySeconds = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : undefined;
    const externallyAccessible = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    for (const p of spec.ports ?? []) {
      const protocol = protocolOf(p);
      const spn = servicePortName(ns, name, p.name);
      const all = endpointsFor(svcSlices, p, protocol, spn);
      out.push({
        namespace: ns,
        name,
        portName: p.name ?? '',
        svcPortName: spn,
        protocol,
        clusterIP,
        port: p.port,
        ...(externallyAccessible && p.nodePort ? { nodePort: p.nodePort } : {}),
        externalIPs: spec.externalIPs ?? [],
        loadBalancerIPs: spec.type === 'LoadBalancer' ? lbIPs : [],
        loadBalancerSourceRanges: spec.type === 'LoadBalancer' ? (spec.loadBalancerSourceRanges ?? []) : [],
        ...(affinitySeconds !== undefined ? { affinitySeconds } : {}),
        internalLocal: spec.internalTrafficPolicy === 'Local',
        // externalTrafficPolicy only applies to Services reachable from outside.
        externalLocal: spec.externalTrafficPolicy === 'Local' && (externallyAccessible || (spec.externalIPs ?? []).length > 0),
        clusterEndpoints: usable(all),
        localEndpoints: usable(all.filter((e) => e.nodeName === nodeName)),
        chains: {
          svc: serviceChain(spn, protocol),
          svl: serviceLocalChain(spn, protocol),
          ext: externalChain(spn, protocol),
          fw: firewallChain(spn, protocol),
        },
      });
    }
  }
  return out;
}
