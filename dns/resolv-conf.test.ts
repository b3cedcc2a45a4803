import { describe, expect, it } from 'vitest';
import { ndotsOf, parseResolvConf, renderResolvConf, resolvConfFor, type PodForDns } from './resolv-conf.js';

const host = { nameservers: ['192.168.0.2'], searches: ['corp.example'], options: ['timeout:2'] };
const pod = (spec: PodForDns['spec'], namespace = 'shop'): PodForDns => ({ metadata: { namespace }, spec });

describe('resolvConfFor: /etc/resolv.conf by dnsPolicy, as the kubelet writes it', () => {
  it.each<{ name: string; spec: PodForDns['spec']; want: string }>([
    {
      name: 'ClusterFirst (the default)',
      spec: {},
      want: 'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5\n',
    },
    { name: 'ClusterFirst on the host network falls back to Default', spec: { dnsPolicy: 'ClusterFirst', hostNetwork: true }, want: 'search corp.example\nnameserver 192.168.0.2\noptions timeout:2\n' },
    {
      name: 'ClusterFirstWithHostNet keeps the cluster DNS on the host network',
      spec: { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true },
      want: 'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5\n',
    },
    { name: 'Default: the node resolver', spec: { dnsPolicy: 'Default' }, want: 'search corp.example\nnameserver 192.168.0.2\noptions timeout:2\n' },
    {
      name: 'None: only dnsConfig',
      spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } },
      want: 'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 1.2.3.4\noptions ndots:2 edns0\n',
    },
    {
      name: 'dnsConfig appends to ClusterFirst, de-duplicated, and overrides options by name',
      spec: { dnsConfig: { nameservers: ['10.96.0.10', '8.8.8.8'], searches: ['svc.cluster.local', 'extra.local'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen' }] } },
      want: 'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example extra.local\nnameserver 10.96.0.10\nnameserver 8.8.8.8\noptions ndots:1 single-request-reopen\n',
    },
    { name: 'None without dnsConfig: an empty file', spec: { dnsPolicy: 'None' }, want: '' },
  ])('$name', ({ spec, want }) => {
    expect(renderResolvConf(resolvConfFor(pod(spec), { host }))).toBe(want);
  });

  it('uses the cluster domain and DNS address given, and no host config by default', () => {
    expect(renderResolvConf(resolvConfFor(pod({}, 'default'), { clusterDomain: 'corp.internal', nameserver: '10.0.0.10' }))).toBe(
      'search default.svc.corp.internal svc.corp.internal corp.internal\nnameserver 10.0.0.10\noptions ndots:5\n',
    );
  });

  it('keeps at most 3 nameservers and 32 search paths, as the kubelet does', () => {
    const many = resolvConfFor(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'], searches: Array.from({ length: 40 }, (_, i) => `s${i}.example`) } }));
    expect(many.nameservers).toEqual(['1.1.1.1', '2.2.2.2', '3.3.3.3']);
    expect(many.searches).toHaveLength(32);
  });

  it('parses back what it renders, and reads ndots', () => {
    const conf = resolvConfFor(pod({}), { host });
    expect(parseResolvConf(renderResolvConf(conf))).toEqual(conf);
    expect(ndotsOf(conf)).toBe(5);
    expect(ndotsOf(parseResolvConf('nameserver 1.1.1.1\n'))).toBe(1);
    expect(ndotsOf(parseResolvConf('options ndots:40\n'))).toBe(15);
    expect(parseResolvConf('# comment\ndomain a.example\nsearch b.example c.example\n').searches).toEqual(['b.example', 'c.example']);
  });
});
