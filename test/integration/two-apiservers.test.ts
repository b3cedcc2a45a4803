import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';
import { json, pod } from '../helpers/test-app.js';

/**
 * Two apiservers over one store, as in the distributed setup: each remembers the objects
 * it saw, and must never act on a stale memory — not lose the other's writes, not refuse
 * a client's correct resourceVersion.
 */
let store: Store;
let a: FastifyInstance;
let b: FastifyInstance;
beforeEach(async () => {
  store = createSqliteStore({ path: ':memory:' });
  a = await buildApp({ store });
  b = await buildApp({ store });
  await a.ready();
  await b.ready();
});
afterEach(async () => {
  await a.close();
  await b.close();
  await store.close();
});

const URL = '/api/v1/namespaces/default/pods/p';
const patch = (app: FastifyInstance, body: unknown) =>
  app.inject({ method: 'PATCH', url: URL, payload: JSON.stringify(body), headers: { 'content-type': 'application/merge-patch+json' } });

describe('two apiservers on one store', () => {
  it('a patch through one keeps the write made through the other', async () => {
    expect((await a.inject({ method: 'POST', url: '/api/v1/namespaces/default/pods', payload: pod('p') })).statusCode).toBe(201);
    await patch(a, { metadata: { labels: { a: '1' } } }); // a now remembers the pod
    await patch(b, { metadata: { labels: { b: '1' } } }); // written behind a's back
    const res = await patch(a, { metadata: { labels: { c: '1' } } });
    expect(res.statusCode).toBe(200);
    expect(json(res).metadata.labels).toEqual({ app: 'web', a: '1', b: '1', c: '1' });
  });

  it('an update with the current resourceVersion succeeds even when one apiserver remembers an older one', async () => {
    await a.inject({ method: 'POST', url: '/api/v1/namespaces/default/pods', payload: pod('p') });
    await patch(a, { metadata: { labels: { a: '1' } } });
    const fresh = json(await patch(b, { metadata: { labels: { b: '1' } } }));
    fresh.metadata.labels.d = '1';
    const res = await a.inject({ method: 'PUT', url: URL, payload: fresh });
    expect(res.statusCode).toBe(200);
    expect(json(res).metadata.labels.d).toBe('1');
    // And a truly stale resourceVersion is still refused.
    const stale = { ...fresh, metadata: { ...fresh.metadata, resourceVersion: '1' } };
    expect((await a.inject({ method: 'PUT', url: URL, payload: stale })).statusCode).toBe(409);
  });

  it('an object deleted through the other is not found, not resurrected', async () => {
    await a.inject({ method: 'POST', url: '/api/v1/namespaces/default/pods', payload: pod('p') });
    await patch(a, { metadata: { labels: { a: '1' } } });
    await b.inject({ method: 'DELETE', url: URL });
    const res = await patch(a, { metadata: { labels: { x: '1' } } });
    expect(res.statusCode).toBe(404);
  });
});
