import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/core/pod.js';
import { DEFAULT_CLUSTER_DNS, etcHosts, resolvConf } from './etc-files.js';

const pod = (spec: Record<string, unknown>): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop' }, spec: { containers: [{ name: 'c' }], ...spec } }) as Pod;

describe('resolvConf', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['ClusterFirst (default)', {}, 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n'],
    ['Default: the node file', { dnsPolicy: 'Default' }, 'nameserver 127.0.0.53\noptions edns0 trust-ad\n'],
    ['hostNetwork with ClusterFirst falls back to Default', { hostNetwork: true }, 'nameserver 127.0.0.53\noptions edns0 trust-ad\n'],
    ['ClusterFirstWithHostNet', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }, 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n'],
    ['None with dnsConfig', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }, 'search ns1.svc.cluster-domain.example\nnameserver 1.2.3.4\noptions ndots:2 edns0\n'],
    ['ClusterFirst plus dnsConfig', { dnsConfig: { searches: ['corp.example'], options: [{ name: 'ndots', value: '1' }] } }, 'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:1\n'],
  ];
  it.each(cases)('%s', (_n, spec, want) => expect(resolvConf(pod(spec))).toBe(want));
});

describe("resolvConf with kubelet's --cluster-dns and --cluster-domain", () => {
  it.each([
    ['one address and a domain', { nameservers: ['10.100.0.10'], domain: 'corp.internal' }, 'search shop.svc.corp.internal svc.corp.internal corp.internal\nnameserver 10.100.0.10\noptions ndots:5\n'],
    ['several addresses, in order', { nameservers: ['10.100.0.10', '10.100.0.11'], domain: 'cluster.local' }, 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.100.0.10\nnameserver 10.100.0.11\noptions ndots:5\n'],
    // kubelet without a cluster DNS: ClusterFirst falls back to the node's resolver.
    ['none: the node resolver', { nameservers: [], domain: 'cluster.local' }, 'nameserver 127.0.0.53\noptions edns0 trust-ad\n'],
  ])('%s', (_n, dns, want) => expect(resolvConf(pod({}), { ...DEFAULT_CLUSTER_DNS, ...dns })).toBe(want));
});

describe('etcHosts', () => {
  it('has the pod entry, its subdomain FQDN and the host aliases', () => {
    const text = etcHosts(pod({ hostname: 'h', subdomain: 'sub', hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }] }), '100.96.1.5');
    expect(text).toContain('100.96.1.5\th.sub.shop.svc.cluster.local\th\n');
    expect(text).toContain('# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n');
  });
});
