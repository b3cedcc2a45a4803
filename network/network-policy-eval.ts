import type { Pod } from '../api/core/pod.js';
import { cidrContains, parseCidr, parseIPv4 } from '../api/networking/cidr.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../api/networking/network-policy.js';
import { labelSelectorFromObject, matchesLabels } from '../api/selector.js';
import { namedPort } from './traffic-model.js';

/**
 * NetworkPolicy semantics (networking.k8s.io/v1), as a policy-enforcing CNI applies them:
 * a pod no policy selects for a direction is open in that direction; once any policy
 * selects it, only what some rule of those policies allows gets through (default deny).
 * Pure: policies, the peer and the port → a verdict naming the policy and rule that decided.
 */

export interface PolicyPeer {
  readonly ip: string;
  /** The pod behind `ip`, when the address is a pod's (not after SNAT to a node address). */
  readonly pod?: Pod;
}

export interface PolicyVerdict {
  readonly allowed: boolean;
  /** `ns/name` of the deciding policy (the first allowing one, or none for a default deny). */
  readonly policy?: string;
  /** `ingress[0]` / `egress[1]`. */
  readonly rule?: string;
  /** One line for traces: why. */
  readonly reason: string;
}

export interface PolicyContext {
  readonly policies: (namespace: string) => readonly NetworkPolicy[];
  readonly namespaceLabels: (namespace: string) => Readonly<Record<string, string>> | undefined;
}

const ns = (pod: Pod): string => pod.metadata.namespace ?? '';

function selects(np: NetworkPolicy, pod: Pod): boolean {
  return matchesLabels(labelSelectorFromObject(np.spec?.podSelector ?? {}), pod.metadata.labels ?? {});
}

function typesOf(np: NetworkPolicy): string[] {
  const t = np.spec?.policyTypes;
  if (t && t.length > 0) return t;
  return np.spec?.egress && np.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, other: PolicyPeer, ctx: PolicyContext): boolean {
  if (peer.ipBlock) {
    const ip = parseIPv4(other.ip);
    const block = parseCidr(peer.ipBlock.cidr);
    if (ip === undefined || !block || !cidrContains(block, ip)) return false;
    return !(peer.ipBlock.except ?? []).some((e) => {
      const c = parseCidr(e);
      return !!c && cidrContains(c, ip);
    });
  }
  const pod = other.pod;
  if (!pod) return false;
  if (peer.namespaceSelector) {
    const labels = ctx.namespaceLabels(ns(pod)) ?? { 'kubernetes.io/metadata.name': ns(pod) };
    if (!matchesLabels(labelSelectorFromObject(peer.namespaceSelector), labels)) return false;
  } else if (ns(pod) !== policyNamespace) {
    return false;
  }
  return !peer.podSelector || matchesLabels(labelSelectorFromObject(peer.podSelector), pod.metadata.labels ?? {});
}

/** `portOwner`: the pod whose named ports name the port (the destination pod). */
function portMatches(ports: readonly NetworkPolicyPort[] | undefined, port: number, protocol: string, portOwner: Pod | undefined): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
    const named = portOwner ? namedPort(portOwner, p.port) : undefined;
    return !!named && named.port === port && named.protocol === protocol;
  });
}

function evaluate(direction: 'Ingress' | 'Egress', subject: Pod, other: PolicyPeer, port: number, protocol: string, portOwner: Pod | undefined, ctx: PolicyContext): PolicyVerdict {
  const applying = ctx.policies(ns(subject)).filter((np) => typesOf(np).includes(direction) && selects(np, subject));
  const podName = `${ns(subject)}/${subject.metadata.name}`;
  if (applying.length === 0) return { allowed: true, reason: `no NetworkPolicy selects ${podName} for ${direction.toLowerCase()}` };
  const key = direction === 'Ingress' ? 'ingress' : 'egress';
  for (const np of applying) {
    const rules = (direction === 'Ingress' ? np.spec?.ingress : np.spec?.egress) ?? [];
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const peers = direction === 'Ingress' ? (rule as { from?: NetworkPolicyPeer[] }).from : (rule as { to?: NetworkPolicyPeer[] }).to;
      if (!portMatches(rule.ports, port, protocol, portOwner)) continue;
      if (peers && peers.length > 0 && !peers.some((p) => peerMatches(p, np.metadata.namespace ?? '', other, ctx))) continue;
      const policy = `${np.metadata.namespace}/${np.metadata.name}`;
      return { allowed: true, policy, rule: `${key}[${i}]`, reason: `allowed by NetworkPolicy ${policy} ${key}[${i}]` };
    }
  }
  const names = applying.map((np) => `${np.metadata.namespace}/${np.metadata.name}`).join(', ');
  return {
    allowed: false,
    ...(applying.length === 1 ? { policy: names } : {}),
    reason: `denied: ${podName} is selected for ${direction.toLowerCase()} by ${names} and no rule allows ${other.ip} port ${port}/${protocol}`,
  };
}

/** May `from` reach `to` (a pod) on port/protocol? */
export function evaluateIngress(to: Pod, from: PolicyPeer, port: number, protocol: string, ctx: PolicyContext): PolicyVerdict {
  return evaluate('Ingress', to, from, port, protocol, to, ctx);
}

/** May pod `from` send to `to` on port/protocol? Named ports resolve against the destination pod. */
export function evaluateEgress(from: Pod, to: PolicyPeer, port: number, protocol: string, ctx: PolicyContext): PolicyVerdict {
  return evaluate('Egress', from, to, port, protocol, to.pod, ctx);
}
