import { describe, expect, it } from 'vitest';
import { lookup } from './lookup.js';
import { clusterView, SERIAL } from './testing.js';
import type { DnsRecord } from './types.js';

const view = clusterView();
const soa = { name: 'cluster.local', type: 'SOA', ttl: 5, class: 'IN', data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: SERIAL, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } };
const a = (name: string, ip: string): DnsRecord => ({ name, type: 'A', ttl: 5, class: 'IN', data: ip });
const srv = (name: string, port: number, target: string, weight = 100): DnsRecord => ({ name, type: 'SRV', ttl: 5, class: 'IN', data: { priority: 0, weight, port, target } });

describe('lookup: answers as CoreDNS kubernetes plugin gives them', () => {
  it.each<{ q: string; t: string; rcode: string; answers?: DnsRecord[]; additionals?: DnsRecord[]; soa?: boolean }>([
    { q: 'web.default.svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [a('web.default.svc.cluster.local', '10.96.12.34')] },
    { q: 'WEB.Default.svc.cluster.local.', t: 'A', rcode: 'NOERROR', answers: [a('WEB.Default.svc.cluster.local', '10.96.12.34')] },
    { q: 'kube-dns.kube-system.svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [a('kube-dns.kube-system.svc.cluster.local', '10.96.0.10')] },
    // An IPv4-only Service has no AAAA: NODATA with the SOA.
    { q: 'web.default.svc.cluster.local', t: 'AAAA', rcode: 'NOERROR', answers: [], soa: true },
    { q: 'web.default.svc.cluster.local', t: 'MX', rcode: 'NOERROR', answers: [], soa: true },
    { q: 'nope.default.svc.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    { q: 'web.nowhere.svc.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    // A namespace and the svc/pod subdomains exist without records; an unknown namespace does not.
    { q: 'default.svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [], soa: true },
    { q: 'nowhere.svc.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    { q: 'svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [], soa: true },
    { q: 'cluster.local', t: 'A', rcode: 'NOERROR', answers: [], soa: true },
    { q: 'web.default.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    { q: 'a.b.c.web.default.svc.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    {
      q: '_http._tcp.web.default.svc.cluster.local',
      t: 'SRV',
      rcode: 'NOERROR',
      answers: [srv('_http._tcp.web.default.svc.cluster.local', 80, 'web.default.svc.cluster.local')],
      additionals: [a('web.default.svc.cluster.local', '10.96.12.34')],
    },
    {
      q: 'web.default.svc.cluster.local',
      t: 'SRV',
      rcode: 'NOERROR',
      answers: [srv('web.default.svc.cluster.local', 80, 'web.default.svc.cluster.local', 50), srv('web.default.svc.cluster.local', 9090, 'web.default.svc.cluster.local', 50)],
      additionals: [a('web.default.svc.cluster.local', '10.96.12.34')],
    },
    { q: '_http._udp.web.default.svc.cluster.local', t: 'SRV', rcode: 'NXDOMAIN', soa: true },
    { q: '_dns._udp.kube-dns.kube-system.svc.cluster.local', t: 'SRV', rcode: 'NOERROR', answers: [srv('_dns._udp.kube-dns.kube-system.svc.cluster.local', 53, 'kube-dns.kube-system.svc.cluster.local')], additionals: [a('kube-dns.kube-system.svc.cluster.local', '10.96.0.10')] },
    // Headless: the ready endpoints only, none of the unready db-2.
    { q: 'db.default.svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [a('db.default.svc.cluster.local', '100.96.1.20'), a('db.default.svc.cluster.local', '100.96.2.21')] },
    {
      q: '_pg._tcp.db.default.svc.cluster.local',
      t: 'SRV',
      rcode: 'NOERROR',
      answers: [srv('_pg._tcp.db.default.svc.cluster.local', 5432, 'db-0.db.default.svc.cluster.local', 50), srv('_pg._tcp.db.default.svc.cluster.local', 5432, '100-96-2-21.db.default.svc.cluster.local', 50)],
      additionals: [a('db-0.db.default.svc.cluster.local', '100.96.1.20'), a('100-96-2-21.db.default.svc.cluster.local', '100.96.2.21')],
    },
    // hostname.subdomain, and the dashed-IP name of an endpoint without hostname.
    { q: 'db-0.db.default.svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [a('db-0.db.default.svc.cluster.local', '100.96.1.20')] },
    { q: '100-96-2-21.db.default.svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [a('100-96-2-21.db.default.svc.cluster.local', '100.96.2.21')] },
    { q: 'db-2.db.default.svc.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    // Endpoint names also exist below a ClusterIP Service.
    { q: '100-96-1-10.web.default.svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [a('100-96-1-10.web.default.svc.cluster.local', '100.96.1.10')] },
    // Headless without ports: A records, no SRV.
    { q: 'bare.default.svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [a('bare.default.svc.cluster.local', '100.96.1.30')] },
    { q: 'bare.default.svc.cluster.local', t: 'SRV', rcode: 'NOERROR', answers: [], soa: true },
    // Headless with no ready endpoint: NXDOMAIN; publishNotReadyAddresses publishes the unready.
    { q: 'empty.default.svc.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    { q: 'warm.default.svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [a('warm.default.svc.cluster.local', '100.96.1.50')] },
    // Pods insecure.
    { q: '100-96-1-7.default.pod.cluster.local', t: 'A', rcode: 'NOERROR', answers: [a('100-96-1-7.default.pod.cluster.local', '100.96.1.7')] },
    { q: '100-96-1-7.nowhere.pod.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    { q: 'not-an-ip.default.pod.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    { q: '300-1-1-1.default.pod.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    // ExternalName: a CNAME; chased when the target is inside the zone.
    { q: 'search.prod.svc.cluster.local', t: 'A', rcode: 'NOERROR', answers: [{ name: 'search.prod.svc.cluster.local', type: 'CNAME', ttl: 5, class: 'IN', data: 'search.example.com' }] },
    { q: 'search.prod.svc.cluster.local', t: 'CNAME', rcode: 'NOERROR', answers: [{ name: 'search.prod.svc.cluster.local', type: 'CNAME', ttl: 5, class: 'IN', data: 'search.example.com' }] },
    {
      q: 'alias.prod.svc.cluster.local',
      t: 'A',
      rcode: 'NOERROR',
      answers: [{ name: 'alias.prod.svc.cluster.local', type: 'CNAME', ttl: 5, class: 'IN', data: 'web.default.svc.cluster.local' }, a('web.default.svc.cluster.local', '10.96.12.34')],
    },
    { q: 'x.search.prod.svc.cluster.local', t: 'A', rcode: 'NXDOMAIN', soa: true },
    // Specials.
    { q: 'dns-version.cluster.local', t: 'TXT', rcode: 'NOERROR', answers: [{ name: 'dns-version.cluster.local', type: 'TXT', ttl: 5, class: 'IN', data: ['1.1.0'] }] },
    { q: 'ns.dns.cluster.local', t: 'A', rcode: 'NOERROR', answers: [a('ns.dns.cluster.local', '10.96.0.10')] },
    { q: 'cluster.local', t: 'NS', rcode: 'NOERROR', answers: [{ name: 'cluster.local', type: 'NS', ttl: 5, class: 'IN', data: 'ns.dns.cluster.local' }], additionals: [a('ns.dns.cluster.local', '10.96.0.10')] },
    { q: 'cluster.local', t: 'SOA', rcode: 'NOERROR', answers: [soa as DnsRecord] },
  ])('$t $q → $rcode', ({ q, t, rcode, answers, additionals, soa: withSoa }) => {
    const r = lookup(view, q, t);
    expect(r.rcode).toBe(rcode);
    expect(r.authoritative).toBe(true);
    if (answers) expect(r.answers).toEqual(answers);
    if (additionals) expect(r.additionals).toEqual(additionals);
    expect(r.authority).toEqual(withSoa ? [soa] : []);
  });

  it('PTR: a ClusterIP names its Service, an endpoint address its endpoint names', () => {
    expect(lookup(view, '10.0.96.10.in-addr.arpa', 'PTR').answers).toEqual([{ name: '10.0.96.10.in-addr.arpa', type: 'PTR', ttl: 5, class: 'IN', data: 'kube-dns.kube-system.svc.cluster.local' }]);
    expect(lookup(view, '20.1.96.100.in-addr.arpa', 'PTR').answers.map((r) => r.data)).toEqual(['db-0.db.default.svc.cluster.local']);
    expect(lookup(view, '21.2.96.100.in-addr.arpa', 'PTR').answers.map((r) => r.data)).toEqual(['100-96-2-21.db.default.svc.cluster.local']);
  });

  it.each([
    ['99.99.96.100.in-addr.arpa', 'PTR'], // an address nobody publishes
    ['96.100.in-addr.arpa', 'PTR'], // a partial reverse name
    ['10.0.96.10.in-addr.arpa', 'A'], // not a PTR question
    ['999.0.96.10.in-addr.arpa', 'PTR'],
  ])('reverse %s %s → NXDOMAIN with the reverse zone SOA', (q, t) => {
    const r = lookup(view, q, t);
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.authority[0]).toMatchObject({ name: 'in-addr.arpa', type: 'SOA' });
  });

  it.each(['example.com', 'localhost', 'com', 'cluster.local.example.com', 'a'.repeat(63) + '.org'])('%s outside the cluster zone → REFUSED, not authoritative', (q) => {
    const r = lookup(view, q, 'A');
    expect(r).toEqual({ rcode: 'REFUSED', authoritative: false, answers: [], authority: [], additionals: [] });
  });

  it('honours another cluster domain and TTL', () => {
    const r = lookup(view, 'web.default.svc.corp.internal', 'A', { clusterDomain: 'corp.internal', ttl: 30 });
    expect(r.answers).toEqual([{ name: 'web.default.svc.corp.internal', type: 'A', ttl: 30, class: 'IN', data: '10.96.12.34' }]);
    expect(lookup(view, 'web.default.svc.cluster.local', 'A', { clusterDomain: 'corp.internal' }).rcode).toBe('REFUSED');
  });

  it('odd names and types inside the zone never throw', () => {
    for (const q of ['_._.web.default.svc.cluster.local', '-.svc.cluster.local', 'web_x.default.svc.cluster.local', '..cluster.local', 'x'.repeat(300) + '.cluster.local']) {
      for (const t of ['A', 'SRV', 'PTR', 'TYPE65280', 'ANY']) expect(['NOERROR', 'NXDOMAIN']).toContain(lookup(view, q, t).rcode);
    }
  });
});
