import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { defaultNetworkPolicy, networkPolicyRow, validateNetworkPolicy, type NetworkPolicySpec } from './network-policy.js';

const np = (spec: NetworkPolicySpec): KubeObject => ({ metadata: { name: 'p', namespace: 'default' }, spec });

describe('NetworkPolicy validation (kube-apiserver messages)', () => {
  it.each<[string, NetworkPolicySpec, string[]]>([
    ['a valid policy', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { a: 'b' } } }], ports: [{ protocol: 'TCP', port: 80, endPort: 90 }] }] }, []],
    ['a bad protocol', { ingress: [{ ports: [{ protocol: 'ICMP', port: 80 }] }] }, ['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']],
    ['a port out of range', { ingress: [{ ports: [{ port: 70000 }] }] }, ['spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['endPort below port', { egress: [{ ports: [{ port: 90, endPort: 80 }] }] }, ['spec.egress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`']],
    ['endPort with a named port', { ingress: [{ ports: [{ port: 'http', endPort: 80 }] }] }, ['spec.ingress[0].ports[0].endPort: Forbidden: may not be specified when `port` is non-numeric']],
    ['an empty peer', { ingress: [{ from: [{}] }] }, ['spec.ingress[0].from[0]: Required value: must specify a peer']],
    ['ipBlock with a selector', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }, ['spec.ingress[0].from[0]: Forbidden: may not specify more than 1 peer']],
    ['a bad CIDR', { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }, ['spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    ['an except outside the cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] }, ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`']],
    ['a bad policy type', { policyTypes: ['Both'] }, ['spec.policyTypes[0]: Unsupported value: "Both": supported values: "Ingress", "Egress"']],
  ])('%s', (_name, spec, want) => {
    expect(validateNetworkPolicy(np(spec)).map((e) => `${e.field}: ${e.message}`)).toEqual(want);
  });
});

describe('NetworkPolicy defaults and table', () => {
  it('defaults policyTypes from the rules and port protocols to TCP', () => {
    const a = np({ egress: [{ ports: [{ port: 53 }] }] });
    defaultNetworkPolicy(a);
    expect(a['spec']).toEqual({ podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'] });
    const b = np({});
    defaultNetworkPolicy(b);
    expect((b['spec'] as NetworkPolicySpec).policyTypes).toEqual(['Ingress']);
  });

  it('prints NAME, POD-SELECTOR, AGE', () => {
    const obj = { metadata: { name: 'p', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { podSelector: { matchLabels: { app: 'web' } } } };
    expect(networkPolicyRow(obj, Date.UTC(2026, 0, 1, 0, 0, 30))).toEqual(['p', 'app=web', '30s']);
    expect(networkPolicyRow({ metadata: { name: 'all', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { podSelector: {} } }, Date.UTC(2026, 0, 1, 0, 1))[1]).toBe('<none>');
  });
});
