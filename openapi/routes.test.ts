import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentSet } from './document-set.js';
import { fixtureModel } from './fixture-model.js';
import { acceptsJson, registerOpenApiRoutes, v2Format } from './routes.js';
import { OPENAPI_V2_PROTOBUF } from './v2-protobuf.js';

const docs = createDocumentSet(fixtureModel);
const GV = 'apis/example.kubeling.dev/v1alpha1';
let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify({ routerOptions: { ignoreTrailingSlash: true } } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  registerOpenApiRoutes(app, docs);
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

const NOT_FOUND =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}';

describe('GET /openapi/v3', () => {
  it('lists every group-version with its hashed URL', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi/v3' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json() as { paths: Record<string, { serverRelativeURL: string }> };
    expect(body.paths[GV].serverRelativeURL).toBe(`/openapi/v3/${GV}?hash=${docs.v3(GV)!.hash}`);
    expect(res.headers['etag']).toMatch(/^"[0-9A-F]{128}"$/);
  });
});

describe('GET /openapi/v3/<group-version>', () => {
  it('serves the document, cacheable for good when the hash matches', async () => {
    const doc = docs.v3(GV)!;
    const res = await app.inject({ method: 'GET', url: `/openapi/v3/${GV}?hash=${doc.hash}`, headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(doc.json);
    expect(res.headers['cache-control']).toBe('public, immutable');
    expect(res.headers['etag']).toBe(`"${doc.hash}"`);
    expect(res.headers['expires']).toBeTruthy();
  });

  it('is not immutable without a hash', async () => {
    const res = await app.inject({ method: 'GET', url: `/openapi/v3/${GV}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache, private');
  });

  it('redirects an outdated hash to the current one', async () => {
    const res = await app.inject({ method: 'GET', url: `/openapi/v3/${GV}?hash=0123` });
    expect(res.statusCode).toBe(301);
    expect(res.headers['location']).toBe(`/openapi/v3/${GV}?hash=${docs.v3(GV)!.hash}`);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const etag = `"${docs.v3(GV)!.hash}"`;
    const res = await app.inject({ method: 'GET', url: `/openapi/v3/${GV}`, headers: { 'if-none-match': etag } });
    expect(res.statusCode).toBe(304);
    expect(res.body).toBe('');
  });

  it.each(['/openapi/v3/apis/nothing/v1', '/openapi/v3/api/v1', '/openapi/v3/apis/example.kubeling.dev'])('answers %s with a NotFound Status', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.body).toBe(NOT_FOUND);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('refuses a client that accepts only protobuf', async () => {
    const res = await app.inject({ method: 'GET', url: `/openapi/v3/${GV}`, headers: { accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' } });
    expect(res.statusCode).toBe(406);
    expect(res.json()).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406 });
  });
});

describe('GET /openapi/v2', () => {
  it('serves JSON by default', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi/v2' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ swagger: '2.0' });
    expect(res.headers['etag']).toBe(`"${docs.v2().hash}"`);
  });

  it('serves protobuf to kubectl', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi/v2', headers: { accept: OPENAPI_V2_PROTOBUF } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(new Uint8Array(res.rawPayload)).toEqual(docs.v2Protobuf().bytes);
  });

  it('answers 406 with a Status for other media types', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi/v2', headers: { accept: 'application/vnd.kubernetes.protobuf' } });
    expect(res.statusCode).toBe(406);
    expect(res.json()).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotAcceptable', code: 406 });
  });
});

describe('media type choice', () => {
  it.each<[string | undefined, boolean, 'json' | 'protobuf' | undefined]>([
    [undefined, true, 'json'],
    ['application/json', true, 'json'],
    ['*/*', true, 'json'],
    ['application/json;q=0.9, */*;q=0.8', true, 'json'],
    [OPENAPI_V2_PROTOBUF, false, 'protobuf'],
    [`${OPENAPI_V2_PROTOBUF}, application/json`, true, 'protobuf'],
    [`application/json, ${OPENAPI_V2_PROTOBUF}`, true, 'json'],
    ['application/yaml', false, undefined],
  ])('Accept %s', (accept, json, v2) => {
    expect(acceptsJson(accept)).toBe(json);
    expect(v2Format(accept)).toBe(v2);
  });
});
