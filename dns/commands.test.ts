import { describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/random.js';
import { clusterResolver, digCommand, nslookupCommand } from './commands.js';
import { resolvConfFor } from './resolv-conf.js';
import { clusterView } from './testing.js';

const view = clusterView();
const conf = resolvConfFor({ metadata: { namespace: 'default' }, spec: {} });

describe('nslookupCommand (busybox arguments)', () => {
  it.each<{ args: string[]; code: number; has: string }>([
    { args: ['web'], code: 0, has: 'Name:\tweb.default.svc.cluster.local\nAddress: 10.96.12.34\n' },
    { args: ['-type=srv', 'kube-dns.kube-system.svc.cluster.local'], code: 0, has: 'Server:\t\t10.96.0.10\n' },
    { args: ['web.default.svc.cluster.local', '10.96.0.10'], code: 0, has: 'Address: 10.96.12.34' },
    { args: ['-type=ns', 'cluster.local'], code: 0, has: 'cluster.local\tnameserver = ns.dns.cluster.local\n' },
    { args: ['web', '8.8.8.8'], code: 1, has: ';; connection timed out; no servers could be reached' },
    { args: [], code: 1, has: 'Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]' },
    { args: ['-x', 'web'], code: 1, has: 'Usage: nslookup' },
    { args: ['-type=bogus', 'web'], code: 1, has: 'nslookup: invalid query type "bogus"' },
    { args: ['a', 'b', 'c'], code: 1, has: 'Usage: nslookup' },
  ])('nslookup $args', ({ args, code, has }) => {
    const out = nslookupCommand(view, args, conf);
    expect(out.exitCode).toBe(code);
    expect(out.stdout).toContain(has);
  });
});

describe('digCommand (dig arguments)', () => {
  const opts = { nowMs: () => Date.UTC(2026, 11, 6, 22, 0, 0), random: seededRandom(1) };
  it.each<{ args: string[]; code: number; out?: string; has?: string[] }>([
    { args: ['+short', 'web.default.svc.cluster.local'], code: 0, out: '10.96.12.34\n' },
    { args: ['+short', '-x', '10.96.0.10'], code: 0, out: 'kube-dns.kube-system.svc.cluster.local.\n' },
    { args: ['+short', '_pg._tcp.db.default.svc.cluster.local', 'SRV'], code: 0, out: '0 50 5432 db-0.db.default.svc.cluster.local.\n0 50 5432 100-96-2-21.db.default.svc.cluster.local.\n' },
    { args: ['+short', '+search', 'web'], code: 0, out: '10.96.12.34\n' },
    { args: ['+short', 'web'], code: 0, out: '' }, // no +search: `web.` is outside the zone
    { args: ['nope.default.svc.cluster.local'], code: 0, has: ['status: NXDOMAIN', ';; AUTHORITY SECTION:', ';; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)', ';; WHEN: Sun Dec 06 22:00:00 UTC 2026'] },
    { args: ['@10.96.0.10', '+tcp', 'web.default.svc.cluster.local'], code: 0, has: ['; (1 server found)', '(TCP)', 'web.default.svc.cluster.local. 5 IN\tA\t10.96.12.34'] },
    { args: ['@1.1.1.1', 'example.com'], code: 9, has: [';; communications error to 1.1.1.1#53: timed out', ';; no servers could be reached'] },
    { args: ['-x', 'nonsense'], code: 1, out: "dig: 'nonsense' is not a legal IPv4 or IPv6 address\n" },
    { args: ['-z', 'web'], code: 1, has: ['Invalid option: -z'] },
    { args: [], code: 0, has: ['status: REFUSED'] },
  ])('dig $args', ({ args, code, out, has }) => {
    const r = digCommand(view, args, conf, opts);
    expect(r.exitCode).toBe(code);
    if (out !== undefined) expect(r.stdout).toBe(out);
    for (const h of has ?? []) expect(r.stdout).toContain(h);
  });
});

describe('clusterResolver: resolveName(name, fromPod) for the request path', () => {
  const resolveName = clusterResolver(view);
  it.each<{ name: string; pod: Parameters<typeof resolveName>[1]; want: string[] | undefined }>([
    { name: 'web', pod: { metadata: { namespace: 'default' } }, want: ['10.96.12.34'] },
    { name: 'web.default', pod: { metadata: { namespace: 'prod' } }, want: ['10.96.12.34'] },
    { name: 'db', pod: { metadata: { namespace: 'default' } }, want: ['100.96.1.20', '100.96.2.21'] },
    { name: 'web', pod: { metadata: { namespace: 'prod' } }, want: undefined },
    { name: 'web.default', pod: { metadata: { namespace: 'prod' }, spec: { dnsPolicy: 'Default' } }, want: undefined },
    { name: '10.1.2.3', pod: undefined, want: ['10.1.2.3'] },
    { name: 'web.default.svc.cluster.local', pod: undefined, want: undefined },
  ])('$name from $pod.metadata.namespace', ({ name, pod, want }) => {
    expect(resolveName(name, pod)).toEqual(want);
  });
});
