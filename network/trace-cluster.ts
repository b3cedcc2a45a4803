import type { Namespace } from '../api/core/namespace.js';
import type { Node } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import type { Service } from '../api/core/service.js';
import type { EndpointSlice } from '../api/discovery/endpointslice.js';
import type { NetworkPolicy } from '../api/networking/network-policy.js';
import { memoryDnsView, resolveNameFor } from '../dns/index.js';
import { createProxyRulesSource, type ProxyMode } from '../kube-proxy/node-rules.js';
import { createStaticNetworkView } from './cluster-view.js';
import { createDataPath } from './data-path.js';
import type { RequestSource, SimRequest, SimResponse } from './data-path-types.js';
import type { FlannelBackend } from './flannel.js';
import { parseCidr } from '../api/networking/cidr.js';
import type { NetworkConfig } from '../kube-proxy/network-config.js';

/**
 * One traced request through a snapshot of the cluster's objects: what `kubeling trace`
 * prints and GraphQL's `trace` query answers. The snapshot gets its own kube-proxy rules,
 * flannel routes and cluster DNS (pods resolve through kube-dns; the host and nodes do not
 * know cluster names), so the trace is what the running components would do with the same
 * objects. Nothing is dialled.
 */

export interface ClusterSnapshot {
  pods: readonly Pod[];
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
  nodes: readonly Node[];
  networkPolicies: readonly NetworkPolicy[];
  namespaces: readonly Namespace[];
}

export interface TraceOptions {
  from: RequestSource;
  target: string;
  method?: string;
  clusterCIDR?: string;
  flannelBackend?: FlannelBackend;
  /** kube-proxy's mode: which of its data paths (iptables rules or IPVS virtual servers) the packet meets. Default iptables. */
  proxyMode?: ProxyMode;
}

/** What a caller may set instead of the published network configuration (`--flannel-backend`, `proxyMode`…). */
export interface NetworkOverrides {
  flannelBackend?: string;
  proxyMode?: string;
  clusterCIDR?: string;
}

/**
 * The first invalid override, worded with the caller's own name for the setting (a CLI
 * flag or a GraphQL argument); undefined when all are valid.
 */
export function invalidOverride(o: NetworkOverrides, nameOf: (setting: keyof NetworkOverrides) => string): string | undefined {
  if (o.flannelBackend !== undefined && o.flannelBackend !== 'vxlan' && o.flannelBackend !== 'host-gw') {
    return `invalid ${nameOf('flannelBackend')} "${o.flannelBackend}": must be vxlan or host-gw`;
  }
  if (o.proxyMode !== undefined && o.proxyMode !== 'iptables' && o.proxyMode !== 'ipvs') return `invalid ${nameOf('proxyMode')} "${o.proxyMode}": must be iptables or ipvs`;
  if (o.clusterCIDR !== undefined && !parseCidr(o.clusterCIDR)) return `invalid ${nameOf('clusterCIDR')} "${o.clusterCIDR}": must be an IPv4 CIDR such as 100.96.0.0/16`;
  return undefined;
}

/** The network a trace walks: the (valid, see invalidOverride) overrides, else what kube-proxy and flannel publish. */
export function networkSettings(o: NetworkOverrides, published: NetworkConfig): Pick<TraceOptions, 'clusterCIDR' | 'flannelBackend' | 'proxyMode'> {
  return {
    clusterCIDR: o.clusterCIDR ?? published.clusterCIDR,
    flannelBackend: (o.flannelBackend as FlannelBackend | undefined) ?? published.flannelBackend,
    proxyMode: (o.proxyMode as ProxyMode | undefined) ?? published.proxyMode,
  };
}

/** `pod/NS/NAME`, `host` (outside the cluster) or `host:NODE`; undefined when malformed. */
export function parseSource(text: string): RequestSource | undefined {
  if (text === 'host') return { host: true };
  if (text.startsWith('host:') && text.length > 5) return { host: true, node: text.slice(5) };
  const m = /^(?:pod|pods|po)\/([^/]+)\/([^/]+)$/.exec(text);
  if (m) return { pod: { namespace: m[1]!, name: m[2]! } };
  return undefined;
}

/** kubectl's NotFound wording when the source does not exist; undefined when it does. */
export function missingSource(snapshot: ClusterSnapshot, from: RequestSource): string | undefined {
  if ('pod' in from && !snapshot.pods.some((p) => p.metadata.namespace === from.pod.namespace && p.metadata.name === from.pod.name)) {
    return `pods "${from.pod.name}" not found`;
  }
  if ('host' in from && from.node && !snapshot.nodes.some((n) => n.metadata.name === from.node)) return `nodes "${from.node}" not found`;
  return undefined;
}

export function traceInCluster(snapshot: ClusterSnapshot, o: TraceOptions): { request: SimRequest; response: SimResponse } {
  const view = createStaticNetworkView({
    pods: snapshot.pods,
    services: snapshot.services,
    endpointSlices: snapshot.endpointSlices,
    nodes: snapshot.nodes,
    networkPolicies: snapshot.networkPolicies,
    namespaces: snapshot.namespaces,
  });
  const dnsView = memoryDnsView({
    services: snapshot.services as never,
    endpointSlices: snapshot.endpointSlices as never,
    pods: snapshot.pods as never,
    namespaces: snapshot.namespaces.map((n) => n.metadata.name ?? ''),
  });
  const kubeDNS = snapshot.services.find((s) => s.metadata.namespace === 'kube-system' && s.metadata.name === 'kube-dns')?.spec?.clusterIP;
  const clusterCIDR = o.clusterCIDR ?? '100.96.0.0/16';
  const dataPath = createDataPath({
    view,
    proxy: createProxyRulesSource(view, { clusterCIDR, mode: o.proxyMode ?? 'iptables' }),
    flannel: { backend: o.flannelBackend ?? 'vxlan', network: clusterCIDR },
    resolveName: (name, pod) => (pod ? resolveNameFor(dnsView, name, pod as never, kubeDNS ? { nameserver: kubeDNS } : {}) : undefined),
  });
  const request: SimRequest = { from: o.from, target: o.target, method: o.method ?? 'GET', trace: true };
  return { request, response: dataPath.send(request) };
}
