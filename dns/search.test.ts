import { describe, expect, it } from 'vitest';
import { parseResolvConf, resolvConfFor } from './resolv-conf.js';
import { resolveAddresses, resolveNameFor, resolveWithSearch } from './search.js';
import { clusterView } from './testing.js';

const view = clusterView();
const conf = resolvConfFor({ metadata: { namespace: 'default' }, spec: {} });

describe('resolveWithSearch: search list and ndots:5', () => {
  it.each<{ name: string; resolver?: 'musl' | 'glibc'; tried: string[]; found: boolean }>([
    // Short names go through the search list; the first domain finds a Service in the pod's namespace.
    { name: 'web', tried: ['web.default.svc.cluster.local'], found: true },
    { name: 'web.default', tried: ['web.default.default.svc.cluster.local', 'web.default.svc.cluster.local'], found: true },
    { name: 'kube-dns.kube-system', tried: ['kube-dns.kube-system.default.svc.cluster.local', 'kube-dns.kube-system.svc.cluster.local'], found: true },
    { name: 'web.default.svc', tried: ['web.default.svc.default.svc.cluster.local', 'web.default.svc.svc.cluster.local', 'web.default.svc.cluster.local'], found: true },
    // 4 dots < 5: still searched first, the bare name last.
    {
      name: 'web.default.svc.cluster.local',
      tried: ['web.default.svc.cluster.local.default.svc.cluster.local', 'web.default.svc.cluster.local.svc.cluster.local', 'web.default.svc.cluster.local.cluster.local', 'web.default.svc.cluster.local'],
      found: true,
    },
    // A trailing dot: absolute, asked once.
    { name: 'web.default.svc.cluster.local.', tried: ['web.default.svc.cluster.local'], found: true },
    // Not found anywhere: every domain, then the bare name (REFUSED: outside the zone).
    { name: 'nope', tried: ['nope.default.svc.cluster.local', 'nope.svc.cluster.local', 'nope.cluster.local', 'nope'], found: false },
    { name: 'example.com', tried: ['example.com.default.svc.cluster.local', 'example.com.svc.cluster.local', 'example.com.cluster.local', 'example.com'], found: false },
    // glibc asks a name with ndots dots as it is first.
    { name: 'a.b.c.d.e.f', resolver: 'glibc', tried: ['a.b.c.d.e.f'], found: false },
    { name: 'a.b.c.d.e.f', tried: ['a.b.c.d.e.f'], found: false },
    { name: 'web', resolver: 'glibc', tried: ['web.default.svc.cluster.local'], found: true },
  ])('$name ($resolver)', ({ name, resolver, tried, found }) => {
    const r = resolveWithSearch(view, name, conf, 'A', { resolver });
    expect(r.attempts.map((a) => a.name)).toEqual(tried);
    expect(r.found).toBe(found);
  });

  it('musl stops at NODATA, glibc moves on', () => {
    // `default` exists as a namespace: default.svc.cluster.local is NODATA.
    const c = parseResolvConf('search svc.cluster.local cluster.local\noptions ndots:5\n');
    expect(resolveWithSearch(view, 'default', c, 'A').attempts.map((a) => a.name)).toEqual(['default.svc.cluster.local']);
    expect(resolveWithSearch(view, 'default', c, 'A', { resolver: 'glibc' }).attempts.map((a) => a.name)).toEqual(['default.svc.cluster.local', 'default.cluster.local', 'default']);
  });

  it('ndots:1 asks dotted names as they are', () => {
    const c = parseResolvConf('search default.svc.cluster.local\noptions ndots:1\n');
    expect(resolveWithSearch(view, 'web.default', c, 'A').attempts.map((a) => a.name)).toEqual(['web.default']);
  });

  it('resolveAddresses and resolveNameFor give the addresses to connect to', () => {
    expect(resolveAddresses(view, 'web', conf)).toEqual(['10.96.12.34']);
    expect(resolveAddresses(view, 'db', conf)).toEqual(['100.96.1.20', '100.96.2.21']);
    expect(resolveAddresses(view, '10.1.2.3', conf)).toEqual(['10.1.2.3']);
    expect(resolveAddresses(view, 'nope', conf)).toEqual([]);
    expect(resolveNameFor(view, 'kubernetes.default', { metadata: { namespace: 'prod' } })).toEqual(['10.96.0.1']);
    expect(resolveNameFor(view, 'alias', { metadata: { namespace: 'prod' } })).toEqual(['10.96.12.34']);
    // dnsPolicy Default: the node resolver, which knows no cluster names.
    expect(resolveNameFor(view, 'web.default', { metadata: { namespace: 'prod' }, spec: { dnsPolicy: 'Default' } })).toEqual([]);
  });
});
