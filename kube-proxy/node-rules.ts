import type { ClusterNetworkView } from '../network/cluster-view.js';
import { buildIptablesRules, type IptablesRules } from './iptables-rules.js';
import { CompiledRules } from './iptables-walk.js';
import { buildServicePorts, slicesByService, type ServicePortInfo } from './service-ports.js';

/**
 * kube-proxy's state for every simulated node, computed lazily per node from a
 * ClusterNetworkView and recomputed when the view's proxyRevision moves (a Service,
 * EndpointSlice or Node changed). What `iptables-save`, `ipvsadm -Ln` and the data path
 * of a node read.
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

export function computeNodeProxyState(view: ClusterNetworkView, node: string, clusterCIDR: string, revision = view.proxyRevision()): NodeProxyState {
  const ports = buildServicePorts(view.services(), slicesByService(view.endpointSlices()), node);
  const rules = buildIptablesRules(ports, { clusterCIDR });
  return { node, revision, ports, rules, compiled: new CompiledRules(rules) };
}

export function createProxyRulesSource(view: ClusterNetworkView, options: { clusterCIDR?: string; mode?: ProxyMode } = {}): ProxyRulesSource {
  const clusterCIDR = options.clusterCIDR ?? '100.96.0.0/16';
  const cache = new Map<string, NodeProxyState>();
  return {
    mode: options.mode ?? 'iptables',
    clusterCIDR,
    forNode(node) {
      if (!view.node(node)) return undefined;
      const revision = view.proxyRevision();
      const cached = cache.get(node);
      if (cached && cached.revision === revision) return cached;
      const state = computeNodeProxyState(view, node, clusterCIDR, revision);
      cache.set(node, state);
      return state;
    },
  };
}
