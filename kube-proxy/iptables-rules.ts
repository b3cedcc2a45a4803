import { MASQ_MARK, TableBuilder, type Rule, type RuleMatch, type Table } from './iptables-model.js';
import type { ProxyEndpoint, ServicePortInfo } from './service-ports.js';

/**
 * The rules kube-proxy's iptables mode (v1.28+ layout) writes for one node, as data.
 * Pure: ServicePortInfo[] (already split into cluster/local endpoints for this node) →
 * nat and filter tables. The structure follows kube-proxy's syncProxyRules: per service
 * port a KUBE-SVC (cluster policy) and/or KUBE-SVL (local policy) chain choosing among
 * KUBE-SEP chains with `statistic` probabilities 1/n, 1/(n-1), …; a KUBE-EXT chain for
 * NodePort/LoadBalancer/external IP traffic; REJECT/DROP in the filter table when there
 * is nothing to send to.
 */

export interface ProxyRulesOptions {
  /** --cluster-cidr: traffic from outside it to a cluster IP is masqueraded (detect-local-mode ClusterCIDR). */
  readonly clusterCIDR?: string;
}

export interface IptablesRules {
  readonly nat: Table;
  readonly filter: Table;
}

const comment = (text: string): RuleMatch => ({ kind: 'comment', text });
const lower = (p: string): 'tcp' | 'udp' | 'sctp' => p.toLowerCase() as 'tcp' | 'udp' | 'sctp';

function endpointRules(nat: TableBuilder, chain: string, sp: ServicePortInfo, endpoints: readonly ProxyEndpoint[]): void {
  if (sp.affinitySeconds !== undefined) {
    for (const ep of endpoints) {
      nat.add({
        chain,
        matches: [comment(`${sp.svcPortName} -> ${ep.address}`), { kind: 'recent', op: 'rcheck', name: ep.chain, seconds: sp.affinitySeconds }],
        target: { kind: 'jump', chain: ep.chain },
      });
    }
  }
  const n = endpoints.length;
  endpoints.forEach((ep, i) => {
    const matches: RuleMatch[] = [comment(`${sp.svcPortName} -> ${ep.address}`)];
    // Each rule takes 1/(remaining) of what reaches it, so every endpoint gets 1/n overall.
    if (i < n - 1) matches.push({ kind: 'statistic', probability: 1 / (n - i) });
    nat.add({ chain, matches, target: { kind: 'jump', chain: ep.chain } });
  });
}

function sepChain(nat: TableBuilder, sp: ServicePortInfo, ep: ProxyEndpoint, written: Set<string>): void {
  if (written.has(ep.chain)) return;
  written.add(ep.chain);
  const proto = lower(sp.protocol);
  // Hairpin: a pod reaching itself through the Service must be masqueraded.
  nat.add({ chain: ep.chain, src: { cidr: `${ep.ip}/32` }, matches: [comment(sp.svcPortName)], target: { kind: 'jump', chain: 'KUBE-MARK-MASQ' } });
  const matches: RuleMatch[] = [comment(sp.svcPortName)];
  if (sp.affinitySeconds !== undefined) matches.push({ kind: 'recent', op: 'set', name: ep.chain });
  matches.push({ kind: 'port' });
  nat.add({ chain: ep.chain, proto, matches, target: { kind: 'dnat', to: ep.address } });
}

export function buildIptablesRules(ports: readonly ServicePortInfo[], options: ProxyRulesOptions = {}): IptablesRules {
  const nat = new TableBuilder('nat', ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']);
  const filter = new TableBuilder('filter', ['INPUT', 'FORWARD', 'OUTPUT']);
  for (const c of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']) nat.chain(c);
  for (const c of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-NODEPORTS', 'KUBE-FORWARD', 'KUBE-PROXY-FIREWALL']) filter.chain(c);

  nat.add({ chain: 'PREROUTING', matches: [comment('kubernetes service portals')], target: { kind: 'jump', chain: 'KUBE-SERVICES' } });
  nat.add({ chain: 'OUTPUT', matches: [comment('kubernetes service portals')], target: { kind: 'jump', chain: 'KUBE-SERVICES' } });
  nat.add({ chain: 'POSTROUTING', matches: [comment('kubernetes postrouting rules')], target: { kind: 'jump', chain: 'KUBE-POSTROUTING' } });
  nat.add({ chain: 'KUBE-MARK-MASQ', matches: [], target: { kind: 'mark-or' } });
  nat.add({ chain: 'KUBE-POSTROUTING', matches: [{ kind: 'mark', not: true, value: `${MASQ_MARK}/${MASQ_MARK}` }], target: { kind: 'return' } });
  nat.add({ chain: 'KUBE-POSTROUTING', matches: [], target: { kind: 'mark-xor' } });
  nat.add({ chain: 'KUBE-POSTROUTING', matches: [comment('kubernetes service traffic requiring SNAT')], target: { kind: 'masquerade' } });

  const newState: RuleMatch = { kind: 'conntrack', states: 'NEW' };
  filter.add({ chain: 'INPUT', matches: [newState, comment('kubernetes load balancer firewall')], target: { kind: 'jump', chain: 'KUBE-PROXY-FIREWALL' } });
  filter.add({ chain: 'INPUT', matches: [comment('kubernetes health check service ports')], target: { kind: 'jump', chain: 'KUBE-NODEPORTS' } });
  filter.add({ chain: 'INPUT', matches: [newState, comment('kubernetes externally-visible service portals')], target: { kind: 'jump', chain: 'KUBE-EXTERNAL-SERVICES' } });
  filter.add({ chain: 'FORWARD', matches: [newState, comment('kubernetes load balancer firewall')], target: { kind: 'jump', chain: 'KUBE-PROXY-FIREWALL' } });
  filter.add({ chain: 'FORWARD', matches: [comment('kubernetes forwarding rules')], target: { kind: 'jump', chain: 'KUBE-FORWARD' } });
  filter.add({ chain: 'FORWARD', matches: [newState, comment('kubernetes service portals')], target: { kind: 'jump', chain: 'KUBE-SERVICES' } });
  filter.add({ chain: 'FORWARD', matches: [newState, comment('kubernetes externally-visible service portals')], target: { kind: 'jump', chain: 'KUBE-EXTERNAL-SERVICES' } });
  filter.add({ chain: 'OUTPUT', matches: [newState, comment('kubernetes load balancer firewall')], target: { kind: 'jump', chain: 'KUBE-PROXY-FIREWALL' } });
  filter.add({ chain: 'OUTPUT', matches: [newState, comment('kubernetes service portals')], target: { kind: 'jump', chain: 'KUBE-SERVICES' } });
  filter.add({ chain: 'KUBE-FORWARD', matches: [{ kind: 'conntrack', states: 'INVALID' }], target: { kind: 'drop' } });
  filter.add({ chain: 'KUBE-FORWARD', matches: [comment('kubernetes forwarding rules'), { kind: 'mark', not: false, value: `${MASQ_MARK}/${MASQ_MARK}` }], target: { kind: 'accept' } });
  filter.add({ chain: 'KUBE-FORWARD', matches: [comment('kubernetes forwarding conntrack rule'), { kind: 'conntrack', states: 'RELATED,ESTABLISHED' }], target: { kind: 'accept' } });

  const writtenSeps = new Set<string>();
  for (const sp of ports) {
    const proto = lower(sp.protocol);
    const { svc, svl, ext, fw } = sp.chains;
    const hasEndpoints = sp.clusterEndpoints.length > 0;
    const hasLocal = sp.localEndpoints.length > 0;
    const internalChain = sp.internalLocal ? svl : svc;
    const hasInternal = sp.internalLocal ? hasLocal : hasEndpoints;
    const externallyReachable = sp.nodePort !== undefined || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
    const hasExternal = sp.externalLocal ? hasLocal : hasEndpoints;
    // The EXT chain exists when there are endpoints at all: with externalTrafficPolicy
    // Local it still routes pod and node-local traffic to the cluster chain.
    const usesExt = externallyReachable && hasEndpoints;
    const lbChain = sp.loadBalancerSourceRanges.length > 0 ? fw : ext;
    const noEndpointsText = `${sp.svcPortName} has no endpoints`;
    const noLocalText = `${sp.svcPortName} has no local endpoints`;

    // Cluster IP.
    if (hasInternal) {
      nat.add({ chain: 'KUBE-SERVICES', dst: `${sp.clusterIP}/32`, proto, matches: [comment(`${sp.svcPortName} cluster IP`), { kind: 'port', dport: sp.port }], target: { kind: 'jump', chain: internalChain } });
    } else {
      filter.add({
        chain: 'KUBE-SERVICES',
        dst: `${sp.clusterIP}/32`,
        proto,
        matches: [comment(hasEndpoints ? noLocalText : noEndpointsText), { kind: 'port', dport: sp.port }],
        target: hasEndpoints ? { kind: 'drop' } : { kind: 'reject' },
      });
    }
    const externalTarget = (matches: RuleMatch[], dst: string | undefined, natChain: string, natComment: string, jumpTo: string = ext): void => {
      if (usesExt && hasExternal) {
        nat.add({ chain: natChain, ...(dst ? { dst } : {}), proto, matches: [comment(natComment), ...matches], target: { kind: 'jump', chain: jumpTo } });
      } else if (usesExt) {
        // externalTrafficPolicy Local without a local endpoint: external clients are dropped
        // here, while pods and the node itself still go through the EXT chain.
        nat.add({ chain: natChain, ...(dst ? { dst } : {}), proto, matches: [comment(natComment), ...matches], target: { kind: 'jump', chain: ext } });
        filter.add({ chain: 'KUBE-EXTERNAL-SERVICES', ...(dst ? { dst } : {}), proto, matches: [comment(noLocalText), ...(dst ? [] : [{ kind: 'addrtype', dir: 'dst', type: 'LOCAL' } as RuleMatch]), ...matches], target: { kind: 'drop' } });
      } else {
        filter.add({ chain: 'KUBE-EXTERNAL-SERVICES', ...(dst ? { dst } : {}), proto, matches: [comment(noEndpointsText), ...(dst ? [] : [{ kind: 'addrtype', dir: 'dst', type: 'LOCAL' } as RuleMatch]), ...matches], target: { kind: 'reject' } });
      }
    };
    for (const ip of sp.externalIPs) externalTarget([{ kind: 'port', dport: sp.port }], `${ip}/32`, 'KUBE-SERVICES', `${sp.svcPortName} external IP`);
    for (const ip of sp.loadBalancerIPs) externalTarget([{ kind: 'port', dport: sp.port }], `${ip}/32`, 'KUBE-SERVICES', `${sp.svcPortName} loadbalancer IP`, lbChain);
    if (sp.nodePort !== undefined) externalTarget([{ kind: 'port', dport: sp.nodePort }], undefined, 'KUBE-NODEPORTS', sp.svcPortName);

    // The EXT chain.
    if (usesExt) {
      const clusterChain = svc;
      if (!sp.externalLocal) {
        nat.add({ chain: ext, matches: [comment(`masquerade traffic for ${sp.svcPortName} external destinations`)], target: { kind: 'jump', chain: 'KUBE-MARK-MASQ' } });
        nat.add({ chain: ext, matches: [], target: { kind: 'jump', chain: clusterChain } });
      } else {
        if (options.clusterCIDR) {
          nat.add({ chain: ext, src: { cidr: options.clusterCIDR }, matches: [comment(`pod traffic for ${sp.svcPortName} external destinations`)], target: { kind: 'jump', chain: clusterChain } });
        }
        nat.add({ chain: ext, matches: [comment(`masquerade LOCAL traffic for ${sp.svcPortName} external destinations`), { kind: 'addrtype', dir: 'src', type: 'LOCAL' }], target: { kind: 'jump', chain: 'KUBE-MARK-MASQ' } });
        nat.add({ chain: ext, matches: [comment(`route LOCAL traffic for ${sp.svcPortName} external destinations`), { kind: 'addrtype', dir: 'src', type: 'LOCAL' }], target: { kind: 'jump', chain: clusterChain } });
        if (hasLocal) nat.add({ chain: ext, matches: [], target: { kind: 'jump', chain: svl } });
      }
    }
    if (usesExt && sp.loadBalancerSourceRanges.length > 0 && sp.loadBalancerIPs.length > 0) {
      for (const range of sp.loadBalancerSourceRanges) {
        nat.add({ chain: fw, src: { cidr: range }, matches: [comment(`${sp.svcPortName} loadbalancer IP`)], target: { kind: 'jump', chain: ext } });
      }
      nat.add({ chain: fw, matches: [comment(`other traffic to ${sp.svcPortName} will be dropped by KUBE-PROXY-FIREWALL`)], target: { kind: 'return' } });
      for (const ip of sp.loadBalancerIPs) {
        filter.add({ chain: 'KUBE-PROXY-FIREWALL', dst: `${ip}/32`, proto, matches: [comment(`${sp.svcPortName} traffic not accepted by ${fw}`), { kind: 'port', dport: sp.port }], target: { kind: 'drop' } });
      }
    }

    // The policy chains.
    const clusterNeeded = hasEndpoints && (!sp.internalLocal || usesExt);
    if (clusterNeeded) {
      nat.chain(svc);
      if (options.clusterCIDR) {
        nat.add({
          chain: svc,
          src: { cidr: options.clusterCIDR, not: true },
          dst: `${sp.clusterIP}/32`,
          proto,
          matches: [comment(`${sp.svcPortName} cluster IP`), { kind: 'port', dport: sp.port }],
          target: { kind: 'jump', chain: 'KUBE-MARK-MASQ' },
        });
      }
      endpointRules(nat, svc, sp, sp.clusterEndpoints);
      for (const ep of sp.clusterEndpoints) sepChain(nat, sp, ep, writtenSeps);
    }
    if (hasLocal && (sp.internalLocal || sp.externalLocal)) {
      nat.chain(svl);
      endpointRules(nat, svl, sp, sp.localEndpoints);
      for (const ep of sp.localEndpoints) sepChain(nat, sp, ep, writtenSeps);
    }
  }
  // Last in KUBE-SERVICES: anything addressed to this node goes on to the NodePorts.
  nat.add({ chain: 'KUBE-SERVICES', matches: [comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain'), { kind: 'addrtype', dir: 'dst', type: 'LOCAL' }], target: { kind: 'jump', chain: 'KUBE-NODEPORTS' } });
  return { nat: nat.build(), filter: filter.build() };
}

export type { Rule };
