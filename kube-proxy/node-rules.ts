import type { ClusterNetworkView } from '../network/cluster-view.js';
import { buildIptablesRules, RuleFragmentCache, type IptablesRules } from './iptables-rules.js';
import { CompiledRules } from './iptables-walk.js';
import { buildClusterServicePorts, buildServicePorts, isNodeDependent, localizeServicePorts, slicesByService, type ServicePortInfo } from './service-ports.js';

/**
 * kube-proxy's state for every simulated node, computed lazily per node from a
 * ClusterNetworkView and recomputed when the view's proxyRevision moves (a Service,
 * EndpointSlice or Node changed). What `iptables-save`, `ipvsadm -Ln` and the data path
 * of a node read.
 *
 * Nodes share work: the cluster's service ports are built once per revision; nodes whose
 * Local-policy endpoints are the same (all of them, when no Service uses a Local traffic
 * policy) share one rule set; and a rebuild reuses the rules of unchanged service ports.
 */

export type ProxyMode = 'iptables' | 'ipvs';

export interface NodeProxyState {
  readonly node: string;
  readonly revision: number;
  readonly ports: readonly ServicePortInfo[];
  readonly rules: IptablesRules;
  readonly compiled: CompiledRules;
}

export interface ProxyRulesSource {
  /** The node's rules; undefined for a node the view does not know. */
  forNode(node: string): NodeProxyState | undefined;
  readonly mode: ProxyMode;
  readonly clusterCIDR: string;
}

/** One node's state, computed from scratch (no sharing): for one-shot callers and tests. */
export function computeNodeProxyState(view: ClusterNetworkView, node: string, clusterCIDR: string, revision = view.proxyRevision()): NodeProxyState {
  const ports = buildServicePorts(view.services(), slicesByService(view.endpointSlices()), node);
  const rules = buildIptablesRules(ports, { clusterCIDR });
  return { node, revision, ports, rules, compiled: new CompiledRules(rules) };
}

/** What makes one node's rules differ from another's: its endpoints of Local-policy ports. */
function localitySignature(ports: readonly ServicePortInfo[]): string {
  let sig = '';
  for (const sp of ports) if (isNodeDependent(sp)) sig += `${sp.svcPortName}/${sp.protocol}=${sp.localEndpoints.map((e) => e.address).join(',')};`;
  return sig;
}

export function createProxyRulesSource(view: ClusterNetworkView, options: { clusterCIDR?: string; mode?: ProxyMode } = {}): ProxyRulesSource {
  const clusterCIDR = options.clusterCIDR ?? '100.96.0.0/16';
  const fragments = new RuleFragmentCache();
  let revision = -1;
  let clusterPorts: ServicePortInfo[] = [];
  const byNode = new Map<string, NodeProxyState>();
  const bySignature = new Map<string, NodeProxyState>();
  return {
    mode: options.mode ?? 'iptables',
    clusterCIDR,
    forNode(node) {
      if (!view.node(node)) return undefined;
      const rev = view.proxyRevision();
      if (rev !== revision) {
        revision = rev;
        clusterPorts = buildClusterServicePorts(view.services(), slicesByService(view.endpointSlices()));
        byNode.clear();
        bySignature.clear();
      }
      const cached = byNode.get(node);
      if (cached) return cached;
      const ports = localizeServicePorts(clusterPorts, node);
      const sig = localitySignature(ports);
      let shared = bySignature.get(sig);
      if (!shared) {
        const rules = buildIptablesRules(ports, { clusterCIDR, fragments });
        shared = { node, revision: rev, ports, rules, compiled: new CompiledRules(rules) };
        bySignature.set(sig, shared);
      }
      const state = shared.node === node ? shared : { ...shared, node, ports };
      byNode.set(node, state);
      return state;
    },
  };
}
