import { describe, expect, it } from 'vitest';
import type { NetworkPolicy, NetworkPolicySpec } from '../api/networking/network-policy.js';
import { evaluateEgress, evaluateIngress, type PolicyContext } from './network-policy-eval.js';
import { makePod } from './testing.js';

const web = makePod('web', { node: 'n1', ip: '100.96.1.2', labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }] });
const client = makePod('client', { node: 'n1', ip: '100.96.1.3', labels: { role: 'client' } });
const monitor = makePod('mon', { namespace: 'monitoring', node: 'n2', ip: '100.96.2.3', labels: { role: 'client' } });

const policy = (name: string, spec: NetworkPolicySpec, namespace = 'default'): NetworkPolicy => ({ metadata: { name, namespace }, spec });
function ctx(policies: NetworkPolicy[]): PolicyContext {
  return {
    policies: (ns) => policies.filter((p) => p.metadata.namespace === ns),
    namespaceLabels: (ns) => ({ 'kubernetes.io/metadata.name': ns, ...(ns === 'monitoring' ? { team: 'ops' } : {}) }),
  };
}
const selectWeb = { podSelector: { matchLabels: { app: 'web' } } };

describe('NetworkPolicy evaluation', () => {
  it.each<[string, NetworkPolicy[], Parameters<typeof evaluateIngress>[1], number, boolean, string | undefined]>([
    ['no policy: open', [], { ip: client.status!.podIP!, pod: client }, 8080, true, undefined],
    ['default deny', [policy('deny', { ...selectWeb, policyTypes: ['Ingress'] })], { ip: '100.96.1.3', pod: client }, 8080, false, 'default/deny'],
    ['podSelector peer', [policy('p', { ...selectWeb, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }] })], { ip: '100.96.1.3', pod: client }, 8080, true, 'default/p'],
    ['podSelector peer is namespace-local', [policy('p', { ...selectWeb, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }] })], { ip: '100.96.2.3', pod: monitor }, 8080, false, 'default/p'],
    ['namespaceSelector peer', [policy('p', { ...selectWeb, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] }] })], { ip: '100.96.2.3', pod: monitor }, 8080, true, 'default/p'],
    ['namespace and pod selector together', [policy('p', { ...selectWeb, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { role: 'nope' } } }] }] })], { ip: '100.96.2.3', pod: monitor }, 8080, false, 'default/p'],
    ['ipBlock with except', [policy('p', { ...selectWeb, ingress: [{ from: [{ ipBlock: { cidr: '100.96.0.0/16', except: ['100.96.2.0/24'] } }] }] })], { ip: '100.96.2.3', pod: monitor }, 8080, false, 'default/p'],
    ['ipBlock matches an SNATed node address', [policy('p', { ...selectWeb, ingress: [{ from: [{ ipBlock: { cidr: '100.96.0.0/16' } }] }] })], { ip: '100.96.1.1' }, 8080, true, 'default/p'],
    ['named port', [policy('p', { ...selectWeb, ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }] })], { ip: '100.96.1.3', pod: client }, 8080, true, 'default/p'],
    ['port range (endPort)', [policy('p', { ...selectWeb, ingress: [{ ports: [{ protocol: 'TCP', port: 8000, endPort: 8079 }] }] })], { ip: '100.96.1.3', pod: client }, 8080, false, 'default/p'],
    ['an egress-only policy leaves ingress open', [policy('p', { ...selectWeb, policyTypes: ['Egress'] })], { ip: '100.96.1.3', pod: client }, 8080, true, undefined],
  ])('ingress: %s', (_name, policies, peer, port, allowed, decidedBy) => {
    const v = evaluateIngress(web, peer, port, 'TCP', ctx(policies));
    expect(v.allowed).toBe(allowed);
    expect(v.policy).toBe(decidedBy);
  });

  it('egress: a default-deny egress policy blocks, a rule to the app allows', () => {
    const deny = policy('deny-egress', { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'] });
    expect(evaluateEgress(client, { ip: '100.96.1.2', pod: web }, 8080, 'TCP', ctx([deny])).allowed).toBe(false);
    const allow = policy('to-web', { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }] });
    const v = evaluateEgress(client, { ip: '100.96.1.2', pod: web }, 8080, 'TCP', ctx([deny, allow]));
    expect(v).toMatchObject({ allowed: true, policy: 'default/to-web', rule: 'egress[0]' });
  });
});
