import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { json, makeTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { discoveryGroups } from './aggregated-discovery.js';
import { aggregatedContentType, discoveryETag, negotiateAggregatedDiscovery } from './aggregated-discovery-response.js';

const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
/** What kubectl 1.30–1.33 sends to /api and /apis. */
const KUBECTL_133 = `${V2},${V2BETA1},application/json`;
/** What kubectl 1.27–1.29 sends. */
const KUBECTL_127 = `${V2BETA1},application/json`;

describe('negotiateAggregatedDiscovery', () => {
  it.each([
    ['kubectl 1.30+', KUBECTL_133, { version: 'v2', format: 'json' }],
    ['kubectl 1.27', KUBECTL_127, { version: 'v2beta1', format: 'json' }],
    ['v2 alone', V2, { version: 'v2', format: 'json' }],
    ['spaces and another parameter order', 'application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io', { version: 'v2', format: 'json' }],
    ['an aggregated clause after a plain one still wins', `application/json, ${V2}`, { version: 'v2', format: 'json' }],
    ['YAML', 'application/yaml;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList', { version: 'v2beta1', format: 'yaml' }],
    ['wildcard media type', '*/*;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', { version: 'v2', format: 'json' }],
    ['protobuf clause skipped for the JSON one', `application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,${V2BETA1}`, { version: 'v2beta1', format: 'json' }],
    ['no header', undefined, null],
    ['plain JSON', 'application/json', null],
    ['kubectl per-group-version Accept', 'application/json, */*', null],
    ['protobuf only', 'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', null],
    ['unknown version', 'application/json;g=apidiscovery.k8s.io;v=v1;as=APIGroupDiscoveryList', null],
    ['no as', 'application/json;g=apidiscovery.k8s.io;v=v2', null],
    ['Table', 'application/json;as=Table;v=v1;g=meta.k8s.io', null],
  ] as const)('%s', (_name, accept, expected) => {
    expect(negotiateAggregatedDiscovery(accept)).toEqual(expected);
  });
});

describe('aggregatedContentType', () => {
  it.each([
    [{ version: 'v2', format: 'json' }, V2],
    [{ version: 'v2beta1', format: 'json' }, V2BETA1],
    [{ version: 'v2', format: 'yaml' }, 'application/yaml;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'],
  ] as const)('%o', (repr, expected) => {
    expect(aggregatedContentType(repr)).toBe(expected);
  });
});

describe('discoveryETag', () => {
  it('is the upper-case hex SHA-512 of the list and changes with it', () => {
    const items = discoveryGroups('apis');
    expect(discoveryETag(items)).toMatch(/^[0-9A-F]{128}$/);
    expect(discoveryETag(items)).toBe(discoveryETag(discoveryGroups('apis')));
    expect(discoveryETag(items.slice(1))).not.toBe(discoveryETag(items));
  });
});

describe('/api and /apis over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(async () => t.close());

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

  it.each([
    ['/apis', KUBECTL_133, 'v2'],
    ['/apis', KUBECTL_127, 'v2beta1'],
    ['/api', KUBECTL_133, 'v2'],
    ['/api', KUBECTL_127, 'v2beta1'],
  ] as const)('%s with %s answers %s', async (url, accept, version) => {
    const res = await get(url, { accept });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(`application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`);
    expect(res.headers['etag']).toMatch(/^"[0-9A-F]{128}"$/);
    expect(res.headers['vary']).toBe('Accept');
    expect(res.headers['cache-control']).toBe('public');
    const doc = json(res);
    expect(doc).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {} });
    const names = doc.items.map((i: { metadata: { name?: string } }) => i.metadata.name ?? '');
    if (url === '/api') expect(names).toEqual(['']);
    else expect(names).toEqual(expect.arrayContaining(['apps', 'autoscaling', 'policy']));
  });

  it('keeps legacy discovery for plain JSON clients and for group-version documents', async () => {
    const apis = await get('/apis', { accept: 'application/json, */*' });
    expect(json(apis).kind).toBe('APIGroupList');
    expect(apis.headers['content-type']).toMatch(/^application\/json(; charset=utf-8)?$/);
    expect(apis.headers['etag']).toBeUndefined();
    expect(json(await get('/api')).kind).toBe('APIVersions');
    // Only the roots have an aggregated form.
    expect(json(await get('/apis/apps/v1', { accept: KUBECTL_133 })).kind).toBe('APIResourceList');
    expect(json(await get('/apis/apps', { accept: KUBECTL_133 })).kind).toBe('APIGroup');
  });

  it('serves YAML when asked', async () => {
    const res = await get('/apis', { accept: 'application/yaml;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
    expect(res.headers['content-type']).toBe('application/yaml;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(parseYaml(res.body)).toEqual(json(await get('/apis', { accept: V2 })));
  });

  it('one ETag per root whatever the version; If-None-Match with it answers 304 and no body', async () => {
    const v2 = await get('/apis', { accept: KUBECTL_133 });
    const beta = await get('/apis', { accept: KUBECTL_127 });
    const etag = v2.headers['etag'] as string;
    expect(beta.headers['etag']).toBe(etag);
    expect((await get('/api', { accept: KUBECTL_133 })).headers['etag']).not.toBe(etag);

    const cached = await get('/apis', { accept: KUBECTL_133, 'if-none-match': etag });
    expect(cached.statusCode).toBe(304);
    expect(cached.body).toBe('');
    expect(cached.headers['etag']).toBe(etag);

    // Not an exact match (unquoted, another root's tag): the full document again.
    const unquoted = await get('/apis', { accept: KUBECTL_133, 'if-none-match': etag.slice(1, -1) });
    expect(unquoted.statusCode).toBe(200);
    expect(json(unquoted).kind).toBe('APIGroupDiscoveryList');
    const otherRoot = await get('/api', { accept: KUBECTL_133, 'if-none-match': etag });
    expect(otherRoot.statusCode).toBe(200);
  });
});
