import { describe, expect, it } from 'vitest';
import type { APIService } from '../../api/apiregistration/apiservice.js';
import type { KubeObject } from '../../api/types.js';
import { availableCondition, nextStatus } from './availability.js';
import { loopbackOrigin, loopbackUrl, resolveBackend } from './backend.js';
import { proxyFailure } from './proxy-errors.js';

const apiService = (spec: Partial<APIService['spec']>, annotations?: Record<string, string>): APIService => ({
  metadata: { name: 'v1.x.io', ...(annotations ? { annotations } : {}) },
  spec: { group: 'x.io', version: 'v1', groupPriorityMinimum: 1, versionPriority: 1, ...spec },
});
const service = (endpoint?: string): KubeObject => ({ metadata: { name: 's', namespace: 'ns', ...(endpoint ? { annotations: { 'kubeling.io/loopback-endpoint': endpoint } } : {}) } });
const ref = { service: { namespace: 'ns', name: 's', port: 443 } };

describe('loopback addresses only', () => {
  it.each([
    ['127.0.0.1:8443', 'https://127.0.0.1:8443'],
    ['127.3.4.5:1', 'https://127.3.4.5:1'],
    ['[::1]:443', 'https://[::1]:443'],
    ['localhost:9', 'https://localhost:9'],
    ['10.96.0.10:443', undefined],
    ['100.96.1.5:443', undefined],
    ['127.0.0.1:0', undefined],
    ['127.0.0.1', undefined],
  ])('%s', (v, want) => expect(loopbackOrigin(v, 'https')).toBe(want));
  it.each([
    ['http://127.0.0.1:8080/some/path', 'http://127.0.0.1:8080'],
    ['https://localhost:8443', 'https://localhost:8443'],
    ['https://example.com:443', undefined],
    ['ftp://127.0.0.1:21', undefined],
    ['not a url', undefined],
  ])('url %s', (v, want) => expect(loopbackUrl(v)).toBe(want));
});

describe('resolveBackend', () => {
  it('local when no service', () => expect(resolveBackend(apiService({}), undefined)).toEqual({ ok: true, local: true }));
  it('ServiceNotFound', () => expect(resolveBackend(apiService(ref), undefined)).toEqual({ ok: false, reason: 'ServiceNotFound', message: 'service/s in "ns" is not present' }));
  it('MissingEndpoints without a loopback annotation', () => expect(resolveBackend(apiService(ref), service('10.96.0.5:443'))).toMatchObject({ ok: false, reason: 'MissingEndpoints' }));
  it('the Service annotation, with TLS settings and the service name to verify', () =>
    expect(resolveBackend(apiService({ ...ref, caBundle: Buffer.from('PEM').toString('base64') }), service('127.0.0.1:4443'))).toEqual({
      ok: true,
      local: false,
      origin: 'https://127.0.0.1:4443',
      tls: { insecure: false, ca: 'PEM', serverName: 's.ns.svc' },
    }));
  it('a URL backend on the APIService wins', () =>
    expect(resolveBackend(apiService({ ...ref, insecureSkipTLSVerify: true }, { 'kubeling.io/backend-url': 'http://127.0.0.1:8080' }), undefined)).toMatchObject({
      ok: true,
      origin: 'http://127.0.0.1:8080',
      tls: { insecure: true },
    }));
});

describe('availableCondition and nextStatus', () => {
  const now = '2026-01-01T00:00:00Z';
  it.each([
    [{ ok: true, local: true } as const, undefined, { status: 'True', reason: 'Local', message: 'Local APIServices are always available' }],
    [{ ok: true, local: false, origin: 'https://127.0.0.1:1', tls: { insecure: true } } as const, { ok: true } as const, { status: 'True', reason: 'Passed', message: 'all checks passed' }],
    [
      { ok: true, local: false, origin: 'https://127.0.0.1:1', tls: { insecure: true } } as const,
      { ok: false, message: 'connect ECONNREFUSED 127.0.0.1:1' } as const,
      { status: 'False', reason: 'FailedDiscoveryCheck', message: 'failing or missing response from https://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1' },
    ],
    [{ ok: false, reason: 'ServiceNotFound', message: 'gone' } as const, undefined, { status: 'False', reason: 'ServiceNotFound', message: 'gone' }],
  ])('%#', (backend, check, want) => {
    const origin = backend.ok && !backend.local ? backend.origin : undefined;
    expect(availableCondition(backend, check, origin, now)).toEqual({ type: 'Available', lastTransitionTime: now, ...want });
  });

  it('writes nothing when unchanged, keeps the transition time while the status holds', () => {
    const cond = availableCondition({ ok: true, local: true }, undefined, undefined, '2026-01-02T00:00:00Z');
    const live = apiService({});
    live.status = { conditions: [{ ...cond, lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    expect(nextStatus(live, cond)).toBeNull();
    const failed = availableCondition({ ok: false, reason: 'ServiceNotFound', message: 'x' }, undefined, undefined, '2026-01-03T00:00:00Z');
    expect(nextStatus(live, failed)?.conditions?.[0]).toMatchObject({ status: 'False', lastTransitionTime: '2026-01-03T00:00:00Z' });
  });
});

describe('proxyFailure', () => {
  it.each([
    [{ kind: 'unavailable' } as const, 503, 'service unavailable\n'],
    [{ kind: 'unresolved', message: 'x' } as const, 503, 'service unavailable\n'],
    [{ kind: 'dial', message: 'connect ECONNREFUSED 127.0.0.1:4443' } as const, 503, "Error trying to reach service: 'connect ECONNREFUSED 127.0.0.1:4443'\n"],
  ])('%#', (p, code, body) => expect(proxyFailure(p)).toEqual({ code, body }));
});
