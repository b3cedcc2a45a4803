import { describe, expect, it } from 'vitest';
import { formatDig, recordLine } from './format-dig.js';
import { busyboxNslookup, imageNslookup, nslookupFlavour, nslookupQueries } from './format-nslookup.js';
import { lookup } from './lookup.js';
import { resolvConfFor } from './resolv-conf.js';
import { clusterView } from './testing.js';

const view = clusterView();
const conf = resolvConfFor({ metadata: { namespace: 'default' }, spec: {} });

describe('busybox nslookup', () => {
  it('asks a dotless name under every search domain, A then AAAA', () => {
    expect(nslookupQueries('web', conf).map((q) => `${q.type} ${q.name}`)).toEqual([
      'A web.default.svc.cluster.local',
      'A web.svc.cluster.local',
      'A web.cluster.local',
      'AAAA web.default.svc.cluster.local',
      'AAAA web.svc.cluster.local',
      'AAAA web.cluster.local',
    ]);
    expect(nslookupQueries('web.default', conf).map((q) => q.name)).toEqual(['web.default', 'web.default']);
    expect(nslookupQueries('10.96.0.10', conf)).toEqual([{ name: '10.0.96.10.in-addr.arpa', type: 'PTR' }]);
  });

  it('prints each reply as busybox does', () => {
    expect(busyboxNslookup(view, 'web', conf)).toEqual({
      exitCode: 0,
      stdout:
        'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n' +
        'Name:\tweb.default.svc.cluster.local\nAddress: 10.96.12.34\n\n' +
        "** server can't find web.svc.cluster.local: NXDOMAIN\n\n" +
        "** server can't find web.cluster.local: NXDOMAIN\n\n" +
        "*** Can't find web.default.svc.cluster.local: No answer\n\n" +
        "** server can't find web.svc.cluster.local: NXDOMAIN\n\n" +
        "** server can't find web.cluster.local: NXDOMAIN\n\n",
    });
  });

  it('a dotted short name is not searched (busybox ignores ndots), a PTR names the Service', () => {
    const out = busyboxNslookup(view, 'web.default', conf);
    expect(out.exitCode).toBe(1);
    // Outside the cluster zone: REFUSED (nothing is forwarded; a real cluster's upstream would say NXDOMAIN).
    expect(out.stdout).toContain("** server can't find web.default: REFUSED\n");
    expect(busyboxNslookup(view, '10.96.0.10', conf).stdout).toContain('10.0.96.10.in-addr.arpa\tname = kube-dns.kube-system.svc.cluster.local\n');
    expect(busyboxNslookup(view, 'example.com', conf).stdout).toContain("** server can't find example.com: REFUSED\n");
  });

  it('a server other than the cluster DNS never answers', () => {
    expect(busyboxNslookup(view, 'web', conf, { server: '8.8.8.8' })).toEqual({ exitCode: 1, stdout: ';; connection timed out; no servers could be reached\n\n' });
  });
});

describe('dig', () => {
  it('lines up records on BIND tab stops', () => {
    expect(recordLine({ name: 'web.default.svc.cluster.local', type: 'A', ttl: 5, class: 'IN', data: '10.96.12.34' })).toBe('web.default.svc.cluster.local. 5 IN\tA\t10.96.12.34');
    // What dig 9.18 printed for this record from `kubeling dns`.
    expect(recordLine({ name: 'kubernetes.default.svc.cluster.local', type: 'A', ttl: 5, class: 'IN', data: '10.96.0.1' })).toBe('kubernetes.default.svc.cluster.local. 5\tIN A\t10.96.0.1');
    expect(recordLine({ name: 'a.local', type: 'A', ttl: 5, class: 'IN', data: '1.2.3.4' })).toBe('a.local.\t\t5\tIN\tA\t1.2.3.4');
  });

  it('prints an answer', () => {
    const out = formatDig('web.default.svc.cluster.local', 'A', lookup(view, 'web.default.svc.cluster.local', 'A'), { server: '10.96.0.10', nowMs: Date.UTC(2026, 11, 6, 21, 0, 0), id: 4242 });
    expect(out).toBe(
      '\n; <<>> DiG 9.18.33-1~deb12u2-Debian <<>> web.default.svc.cluster.local\n' +
        ';; global options: +cmd\n;; Got answer:\n' +
        ';; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n' +
        ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242\n' +
        ';; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n' +
        ';; WARNING: recursion requested but not available\n\n' +
        ';; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n' +
        // As BIND 9.18 lines them up (checked against dig talking to this server).
        ';; QUESTION SECTION:\n;web.default.svc.cluster.local.\tIN\tA\n\n' +
        ';; ANSWER SECTION:\nweb.default.svc.cluster.local. 5 IN\tA\t10.96.12.34\n\n' +
        ';; Query time: 0 msec\n;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n;; WHEN: Sun Dec 06 21:00:00 UTC 2026\n;; MSG SIZE  rcvd: 103\n\n',
    );
  });

  it('prints NXDOMAIN with the SOA in the authority section', () => {
    const out = formatDig('nope.default.svc.cluster.local', 'A', lookup(view, 'nope.default.svc.cluster.local', 'A'), { server: '10.96.0.10', nowMs: 0 });
    expect(out).toContain('status: NXDOMAIN');
    expect(out).toContain(';; AUTHORITY SECTION:\ncluster.local.\t\t5\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. 1767225600 7200 1800 86400 5\n');
  });
});

describe('nslookup by image: kubernetes.default resolves where the C library (or BIND) searches', () => {
  it.each([
    ['busybox', 'busybox'],
    ['busybox:1.36', 'busybox'],
    ['docker.io/library/busybox:1.28', 'busybox-libc'],
    ['busybox:1.28.4', 'busybox-libc'],
    ['registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3', 'bind'],
    ['nginx', 'busybox'],
  ])('%s → %s', (image, flavour) => expect(nslookupFlavour(image)).toBe(flavour));

  it('busybox ≥ 1.29 asks a dotted name only as it is: not found, exit 1', () => {
    const out = imageNslookup(view, 'busybox:1.36', 'web.default', conf);
    expect(out.exitCode).toBe(1);
    // Not under cluster.local: Kubeling's CoreDNS forwards nothing and answers REFUSED (a real one would forward, then NXDOMAIN).
    expect(out.stdout).toContain("** server can't find web.default: REFUSED");
  });

  it('busybox 1.28 searches (ndots:5) and prints its old format', () => {
    const out = imageNslookup(view, 'busybox:1.28', 'web.default', conf);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(/^Server: {4}10\.96\.0\.10\nAddress 1: 10\.96\.0\.10( kube-dns\.kube-system\.svc\.cluster\.local)?\n\nName: {6}web\.default\nAddress 1: 10\.96\.12\.34 web\.default\.svc\.cluster\.local\n$/);
    const missing = imageNslookup(view, 'busybox:1.28', 'nope.default', conf);
    expect(missing).toEqual({ exitCode: 1, stdout: expect.stringContaining("nslookup: can't resolve 'nope.default'") });
  });

  it('BIND nslookup (dnsutils) searches too, in its format', () => {
    expect(imageNslookup(view, 'registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3', 'web.default', conf)).toEqual({
      exitCode: 0,
      stdout: 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.96.12.34\n\n',
    });
  });
});
