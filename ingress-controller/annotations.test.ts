import { describe, expect, it } from 'vitest';
import { cookieValue, parseAnnotations, rewritePath, takesCanary, type CanaryRequest } from './annotations.js';
import { decideRedirect, type RedirectRequest } from './redirects.js';
import { buildRoutingTable, type Ingress } from './routing.js';

const N = 'nginx.ingress.kubernetes.io/';
const ann = (a: Record<string, string>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [N + k, v]));

describe('parseAnnotations', () => {
  it.each<[string, Record<string, string>, Partial<ReturnType<typeof parseAnnotations>>]>([
    ['defaults', {}, { useRegex: false, sslRedirect: true, forceSslRedirect: false, backendProtocol: 'HTTP', rewriteTarget: undefined, canary: undefined }],
    ['rewrite-target implies regex', { 'rewrite-target': '/$2' }, { rewriteTarget: '/$2', useRegex: true }],
    ['use-regex', { 'use-regex': 'true' }, { useRegex: true }],
    ['bad booleans keep the default', { 'ssl-redirect': 'maybe', 'force-ssl-redirect': 'yes' }, { sslRedirect: true, forceSslRedirect: false }],
    ['ssl-redirect off, force on', { 'ssl-redirect': 'false', 'force-ssl-redirect': 'true' }, { sslRedirect: false, forceSslRedirect: true }],
    ['backend-protocol, case-insensitive', { 'backend-protocol': 'grpcs' }, { backendProtocol: 'GRPCS' }],
    ['unknown backend-protocol is HTTP', { 'backend-protocol': 'SMTP' }, { backendProtocol: 'HTTP' }],
    ['app-root must be a path', { 'app-root': 'app' }, { appRoot: undefined }],
    ['app-root', { 'app-root': '/app1' }, { appRoot: '/app1' }],
    ['permanent-redirect with code', { 'permanent-redirect': 'https://www.google.com', 'permanent-redirect-code': '308' }, { permanentRedirect: { url: 'https://www.google.com', code: 308 } }],
    ['a redirect code out of range is the default', { 'temporal-redirect': 'https://x.example', 'temporal-redirect-code': '200' }, { temporalRedirect: { url: 'https://x.example', code: 302 } }],
    ['canary', { canary: 'true', 'canary-weight': '30', 'canary-by-header': 'X-Canary' }, { canary: { byHeader: 'X-Canary', byHeaderValue: undefined, byCookie: undefined, weight: 30, weightTotal: 100 } }],
    ['canary off', { canary: 'false', 'canary-weight': '30' }, { canary: undefined }],
  ])('%s', (_n, a, want) => {
    const got = parseAnnotations(ann(a)) as unknown as Record<string, unknown>;
    expect(Object.fromEntries(Object.keys(want).map((k) => [k, got[k]]))).toEqual(want);
  });
});

const req = (headers: Record<string, string>, cookie = '', random = 0.5): CanaryRequest => ({
  header: (n) => headers[n.toLowerCase()],
  cookie: (n) => cookieValue(cookie, n),
  random: () => random,
});

describe('takesCanary', () => {
  const c = { byHeader: 'X-Canary', byCookie: 'canary', weight: 20, weightTotal: 100 };
  it.each<[string, CanaryRequest, boolean]>([
    ['header always', req({ 'x-canary': 'always' }), true],
    ['header never beats the cookie', req({ 'x-canary': 'never' }, 'canary=always'), false],
    ['cookie always', req({}, 'a=b; canary=always'), true],
    ['cookie never beats the weight', req({}, 'canary=never', 0.01), false],
    ['weight: in', req({}, '', 0.1), true],
    ['weight: out', req({}, '', 0.5), false],
    ['other header values fall through to the weight', req({ 'x-canary': 'maybe' }, '', 0.5), false],
  ])('%s', (_n, r, want) => {
    expect(takesCanary(c, r)).toBe(want);
  });
  it('matches canary-by-header-value exactly', () => {
    const v = { byHeader: 'Region', byHeaderValue: 'eu', weightTotal: 100 };
    expect(takesCanary(v, req({ region: 'eu' }))).toBe(true);
    expect(takesCanary(v, req({ region: 'always' }))).toBe(false);
  });
});

describe('rewritePath', () => {
  it.each<[string, (string | undefined)[], string, string]>([
    ['/$2', ['/something/new', '/', 'new'], '', '/new'],
    ['/$2', ['/something', '', undefined], '', '/'],
    ['/$1', ['/api/users', 'users'], 'a=1', '/users?a=1'],
    ['$1', ['/x', 'x'], '', '/x'],
    ['/', ['/anything'], 'q', '/?q'],
  ])('%s with %j', (target, groups, query, want) => {
    expect(rewritePath(target, groups, query)).toBe(want);
  });
});

describe('decideRedirect', () => {
  const base: RedirectRequest = { scheme: 'http', host: 'app.example', hostHeader: 'app.example:8080', uri: '/', requestUri: '/?x=1', hostHasTls: false, httpsPort: 443 };
  it.each<[string, Record<string, string>, Partial<RedirectRequest>, { code: number; location: string } | undefined]>([
    ['nothing', {}, {}, undefined],
    ['TLS host over http', {}, { hostHasTls: true }, { code: 308, location: 'https://app.example/?x=1' }],
    ['TLS host, ssl-redirect off', { 'ssl-redirect': 'false' }, { hostHasTls: true }, undefined],
    ['TLS host over https', {}, { hostHasTls: true, scheme: 'https' }, undefined],
    ['force without TLS, non-standard port', { 'force-ssl-redirect': 'true' }, { httpsPort: 10443 }, { code: 308, location: 'https://app.example:10443/?x=1' }],
    ['app-root on /', { 'app-root': '/app1' }, {}, { code: 302, location: 'http://app.example:8080/app1' }],
    ['app-root elsewhere', { 'app-root': '/app1' }, { uri: '/x', requestUri: '/x' }, undefined],
    ['permanent-redirect', { 'permanent-redirect': 'https://www.example.org' }, { uri: '/a' }, { code: 301, location: 'https://www.example.org' }],
    ['temporal-redirect before ssl', { 'temporal-redirect': 'https://t.example', 'force-ssl-redirect': 'true' }, {}, { code: 302, location: 'https://t.example' }],
  ])('%s', (_n, a, r, want) => {
    expect(decideRedirect(parseAnnotations(ann(a)), { ...base, ...r })).toEqual(want);
  });
});

const ing = (name: string, annotations: Record<string, string>, paths: { path: string; pathType?: string; svc: string }[], host = 'app.example', created = '2026-01-01T00:00:00Z'): Ingress => ({
  metadata: { name, namespace: 'default', creationTimestamp: created, annotations: ann(annotations) },
  spec: { ingressClassName: 'nginx', rules: [{ host, http: { paths: paths.map((p) => ({ path: p.path, pathType: p.pathType ?? 'ImplementationSpecific', backend: { service: { name: p.svc, port: { number: 80 } } } })) } }] },
});

describe('routing with annotations', () => {
  it('regex paths with capture groups (rewrite-target example of ingress-nginx)', () => {
    const t = buildRoutingTable([ing('rewrite', { 'rewrite-target': '/$2' }, [{ path: '/something(/|$)(.*)', svc: 'http-svc' }])], 'nginx', false);
    const r = t.route('app.example', '/something/new?q=1')!;
    expect(r.backend.service?.name).toBe('http-svc');
    expect(rewritePath(r.annotations.rewriteTarget!, r.groups!, 'q=1')).toBe('/new?q=1');
    expect(t.route('app.example', '/SOMETHING')?.groups).toEqual(['/SOMETHING', '', '']);
    expect(t.route('app.example', '/other')).toBeUndefined();
  });

  it('use-regex on one Ingress makes the whole host regex', () => {
    const t = buildRoutingTable(
      [ing('a', { 'use-regex': 'true' }, [{ path: '/api/v[0-9]+', svc: 'api' }]), ing('b', {}, [{ path: '/st.tic', svc: 'static' }], 'app.example', '2026-01-02T00:00:00Z')],
      'nginx',
      false,
    );
    expect(t.route('app.example', '/api/v12/users')?.backend.service?.name).toBe('api');
    expect(t.route('app.example', '/static')?.backend.service?.name).toBe('static');
    expect(t.route('app.example', '/api/vx')).toBeUndefined();
  });

  it('a canary joins the main Ingress of the same host and path', () => {
    const t = buildRoutingTable(
      [
        ing('main', {}, [{ path: '/', pathType: 'Prefix', svc: 'prod' }]),
        ing('canary', { canary: 'true', 'canary-by-header': 'X-Canary' }, [{ path: '/', pathType: 'Prefix', svc: 'next' }], 'app.example', '2026-01-02T00:00:00Z'),
        ing('lonely', { canary: 'true', 'canary-weight': '100' }, [{ path: '/', pathType: 'Prefix', svc: 'nobody' }], 'other.example'),
      ],
      'nginx',
      false,
    );
    expect(t.route('app.example', '/x', req({ 'x-canary': 'always' }))).toMatchObject({ ingress: 'canary', canary: true, backend: { service: { name: 'next' } } });
    expect(t.route('app.example', '/x', req({}))).toMatchObject({ ingress: 'main', backend: { service: { name: 'prod' } } });
    expect(t.route('app.example', '/x')?.ingress).toBe('main');
    expect(t.route('other.example', '/', req({}, '', 0))).toBeUndefined();
  });
});
