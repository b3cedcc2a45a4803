import { describe, expect, it } from 'vitest';
import { buildRoutingTable, isOurs, normalizeHost, tlsSecretFor, type Ingress } from './routing.js';

const ing = (name: string, spec: Ingress['spec'], extra: Partial<Ingress['metadata']> = {}): Ingress => ({
  metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z', ...extra },
  spec: { ingressClassName: 'nginx', ...spec },
});
const svc = (name: string, number = 80) => ({ service: { name, port: { number } } });

describe('isOurs', () => {
  it('follows ingressClassName, then the legacy annotation, then the default class', () => {
    expect(isOurs(ing('a', { ingressClassName: 'nginx' }), 'nginx', false)).toBe(true);
    expect(isOurs(ing('a', { ingressClassName: 'traefik' }), 'nginx', true)).toBe(false);
    const unnamed: Ingress = { metadata: { name: 'b' }, spec: {} };
    expect(isOurs(unnamed, 'nginx', true)).toBe(true);
    expect(isOurs(unnamed, 'nginx', false)).toBe(false);
    expect(isOurs({ metadata: { name: 'c', annotations: { 'kubernetes.io/ingress.class': 'nginx' } }, spec: {} }, 'nginx', false)).toBe(true);
    expect(isOurs({ metadata: { name: 'c', annotations: { 'kubernetes.io/ingress.class': 'other' } }, spec: {} }, 'nginx', true)).toBe(false);
  });
});

describe('routing', () => {
  const table = buildRoutingTable(
    [
      ing('shop', {
        rules: [
          {
            host: 'shop.example',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: svc('web') },
                { path: '/api', pathType: 'Prefix', backend: svc('api') },
                { path: '/api/v2', pathType: 'Exact', backend: svc('api-v2') },
                { path: '/static', pathType: 'ImplementationSpecific', backend: svc('static') },
              ],
            },
          },
          { host: '*.apps.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('apps') }] } },
          { host: 'only-exact.example', http: { paths: [{ path: '/x', pathType: 'Exact', backend: svc('x') }] } },
        ],
      }),
      ing('catchall', { defaultBackend: svc('fallback'), rules: [{ http: { paths: [{ path: '/anyhost', pathType: 'Prefix', backend: svc('any') }] } }] }, { creationTimestamp: '2026-01-02T00:00:00Z' }),
      ing('other-class', { ingressClassName: 'traefik', rules: [{ host: 'shop.example', http: { paths: [{ path: '/api/v9', pathType: 'Prefix', backend: svc('nope') }] } }] }),
    ],
    'nginx',
    false,
  );
  const to = (host: string | undefined, path: string) => table.route(host, path)?.backend.service?.name;

  it('matches Prefix by whole path elements and prefers the longest path, Exact on ties', () => {
    expect(to('shop.example', '/')).toBe('web');
    expect(to('shop.example', '/api')).toBe('api');
    expect(to('shop.example', '/api/')).toBe('api');
    expect(to('shop.example', '/api/users?x=1')).toBe('api');
    expect(to('shop.example', '/apis')).toBe('web');
    expect(to('shop.example', '/api/v2')).toBe('api-v2');
    expect(to('shop.example', '/api/v2/x')).toBe('api');
    expect(to('shop.example', '/staticfiles')).toBe('static');
    // Another class's rules are not ours.
    expect(to('shop.example', '/api/v9')).toBe('api');
  });

  it('matches hosts case-insensitively without port, wildcards by one label', () => {
    expect(to('SHOP.example:10080', '/api')).toBe('api');
    expect(to('a.apps.example', '/')).toBe('apps');
    expect(to('a.b.apps.example', '/')).toBe('fallback');
    expect(to('apps.example', '/')).toBe('fallback');
  });

  it('falls back to rules without host, then the default backend, and a host with rules keeps its own', () => {
    expect(to('unknown.example', '/anyhost/1')).toBe('any');
    expect(to(undefined, '/')).toBe('fallback');
    // The host has rules: no path matched, so the default backend (not another host's rule) answers.
    expect(to('only-exact.example', '/anyhost')).toBe('fallback');
    expect(table.route('only-exact.example', '/x')?.matched).toBe('/x (Exact)');
    expect(table.ingresses).toEqual(['default/shop', 'default/catchall']);
  });

  it('has no route at all without a default backend', () => {
    const t = buildRoutingTable([ing('a', { rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('a') }] } }] })], 'nginx', false);
    expect(t.route('b.example', '/')).toBeUndefined();
    expect(t.route('a.example', '/z')?.ingress).toBe('a');
  });

  it('merges Ingresses of one host, the older winning a conflict, and ignores ones being deleted', () => {
    const t = buildRoutingTable(
      [
        ing('new', { rules: [{ host: 'h', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('new') }] } }] }, { creationTimestamp: '2026-02-01T00:00:00Z' }),
        ing('old', { rules: [{ host: 'h', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('old') }, { path: '/o', pathType: 'Prefix', backend: svc('o') }] } }] }),
        ing('gone', { rules: [{ host: 'h', http: { paths: [{ path: '/g', pathType: 'Prefix', backend: svc('g') }] } }] }, { deletionTimestamp: '2026-03-01T00:00:00Z' }),
      ],
      'nginx',
      false,
    );
    expect(t.route('h', '/')?.backend.service?.name).toBe('old');
    expect(t.route('h', '/o')?.backend.service?.name).toBe('o');
    expect(t.route('h', '/g')?.backend.service?.name).toBe('old');
  });

  it('finds the TLS Secret for an SNI name, exact before wildcard', () => {
    const t = buildRoutingTable(
      [
        ing('tls', {
          tls: [
            { hosts: ['*.example.com'], secretName: 'wild' },
            { hosts: ['a.example.com'], secretName: 'a-cert' },
          ],
        }),
      ],
      'nginx',
      false,
    );
    expect(tlsSecretFor(t, 'a.example.com')?.secretName).toBe('a-cert');
    expect(tlsSecretFor(t, 'b.example.com')?.secretName).toBe('wild');
    expect(tlsSecretFor(t, 'example.com')).toBeUndefined();
    expect(tlsSecretFor(t, undefined)).toBeUndefined();
  });

  it('normalizes Host headers', () => {
    expect(normalizeHost('Example.COM:8080')).toBe('example.com');
    expect(normalizeHost('[::1]:80')).toBe('[::1]');
    expect(normalizeHost(undefined)).toBe('');
  });
});
