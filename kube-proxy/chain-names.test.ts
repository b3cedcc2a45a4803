import { describe, expect, it } from 'vitest';
import { base32, endpointChain, serviceChain, servicePortName } from './chain-names.js';

describe('base32', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('RFC 4648 vector %j', (input, want) => {
    expect(base32(new TextEncoder().encode(input))).toBe(want);
  });
});

describe('chain names', () => {
  // Names from kube-proxy's own golden tests (pkg/proxy/iptables/proxier_test.go) and a
  // real cluster's `default/kubernetes:https` chain, so the hash input matches kube-proxy's.
  it.each([
    ['default', 'kubernetes', 'https', 'TCP', 'KUBE-SVC-NPX46M4PTMTKRN6Y'],
    ['kube-system', 'kube-dns', 'dns', 'UDP', 'KUBE-SVC-TCOU7JCQXEZGVUNU'],
    ['kube-system', 'kube-dns', 'dns-tcp', 'TCP', 'KUBE-SVC-ERIFXISQEP7F7OF4'],
  ])('%s/%s:%s %s', (ns, name, port, proto, want) => {
    expect(serviceChain(servicePortName(ns, name, port), proto)).toBe(want);
  });

  it('endpoint chains hash the endpoint too', () => {
    const a = endpointChain('ns/svc:p', 'TCP', '100.96.1.2:80');
    const b = endpointChain('ns/svc:p', 'TCP', '100.96.1.3:80');
    expect(a).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
    expect(a).not.toBe(b);
  });
});
