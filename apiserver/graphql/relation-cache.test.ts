import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resourceByKind } from '../../api/registry.js';
import type { KubeObject } from '../../api/types.js';
import { buildApp } from '../app.js';
import { ADMIN_USER, createTokenAuthenticator } from '../auth/tokens.js';
import type { Registries } from '../registry/registries.js';
import { createSqliteStore } from '../storage/sqlite-store.js';
import { StoreError, type Store, type StoreWatch, type WatchHandlers } from '../storage/store.js';
import { RelationCache, stripForCache } from './relation-cache.js';
import { gql, registriesOf, restCreate } from './test-helpers.js';

/**
 * The watch-fed relation cache: it follows creates, updates and deletes (indexes
 * included), survives its watch ending (resumes) and expiring (410: relists), answers
 * relations with what storage would answer, drops managedFields, never lets a relation
 * show what RBAC forbids, and turns bad relation arguments into GraphQL errors.
 */

const POD = resourceByKind('', 'Pod');
const SLICE = resourceByKind('discovery.k8s.io', 'EndpointSlice');
const quiet = { warn: () => undefined };

const podBody = (name: string, node: string, labels: Record<string, string> = { app: 'web' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }] },
});
const sliceBody = (name: string, service: string) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  endpoints: [],
});
const names = (items: KubeObject[]) => items.map((o) => o.metadata.name);

/** A store whose watches the test can end with any error, as a lost or compacted watch ends. */
function breakableStore(store: Store): { store: Store; breakWatches(err: StoreError): void; watches: number } {
  const open = new Set<{ handle: StoreWatch; handlers: WatchHandlers }>();
  const out = {
    watches: 0,
    breakWatches(err: StoreError) {
      for (const w of [...open]) {
        w.handle.close();
        open.delete(w);
        w.handlers.onError(err);
      }
    },
    store: new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'watch') {
          return async (prefix: string, opts: Parameters<Store['watch']>[1], handlers: WatchHandlers) => {
            out.watches++;
            const handle = await target.watch(prefix, opts, handlers);
            const entry = { handle, handlers };
            open.add(entry);
            return { close: () => (open.delete(entry), handle.close()) };
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store,
  };
  return out;
}

describe('RelationCache', () => {
  let app: FastifyInstance;
  let registries: Registries;
  let cache: RelationCache;
  let broken: ReturnType<typeof breakableStore>;

  beforeAll(async () => {
    app = await buildApp({ store: createSqliteStore({ path: ':memory:' }) });
    await app.ready();
    const real = registriesOf(app);
    broken = breakableStore(real.store);
    registries = { store: broken.store, for: (rt: Parameters<Registries['for']>[0]) => real.for(rt) } as unknown as Registries;
  });
  afterAll(async () => {
    await app?.close();
  });
  afterEach(() => cache?.stop());

  const fresh = async (rt = POD) => cache.ready(rt, await cache.currentRevision());
  const put = async (url: string, obj: Record<string, any>) => {
    const res = await app.inject({ method: 'PUT', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(obj) });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const del = async (url: string) => expect((await app.inject({ method: 'DELETE', url, payload: '{"gracePeriodSeconds":0}', headers: { 'content-type': 'application/json' } })).statusCode).toBe(200);

  it('follows creates, updates and deletes, indexes included, and sees every write made before the read', async () => {
    cache = new RelationCache(registries, { logger: quiet });
    await restCreate(app, '/api/v1/namespaces/default/pods', podBody('a', 'n1'));
    expect(names((await fresh()).lookup('nodeName', 'n1', undefined))).toEqual(['a']);

    await restCreate(app, '/api/v1/namespaces/default/pods', podBody('b', 'n1'));
    await restCreate(app, '/api/v1/namespaces/default/pods', podBody('c', 'n2'));
    // Read-your-writes: no wait for the watch beyond the store's revision.
    let pods = await fresh();
    expect(names(pods.lookup('nodeName', 'n1', undefined))).toEqual(['a', 'b']);
    expect(names(pods.list('default'))).toEqual(['a', 'b', 'c']);

    await restCreate(app, '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', sliceBody('s1', 'web'));
    let slices = await fresh(SLICE);
    expect(names(slices.lookup('service', 'web', 'default'))).toEqual(['s1']);
    // An update moves the object between index entries.
    const s1 = (await app.inject({ method: 'GET', url: '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/s1' })).json();
    s1.metadata.labels['kubernetes.io/service-name'] = 'api';
    await put('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/s1', s1);
    slices = await fresh(SLICE);
    expect(slices.lookup('service', 'web', 'default')).toEqual([]);
    expect(names(slices.lookup('service', 'api', 'default'))).toEqual(['s1']);

    await del('/api/v1/namespaces/default/pods/a');
    pods = await fresh();
    expect(names(pods.lookup('nodeName', 'n1', undefined))).toEqual(['b']);
    expect(pods.get('default', 'a')).toBeUndefined();
    expect(pods.get('default', 'b')?.metadata.managedFields).toBeUndefined();
    expect(cache.lists).toBe(2); // pods and slices, once each
  });

  it('resumes an ended watch without relisting, and relists after 410 Expired, missing nothing written meanwhile', async () => {
    cache = new RelationCache(registries, { logger: quiet, retryMs: 10 });
    await fresh();
    const lists = cache.lists;

    broken.breakWatches(new StoreError('Unavailable', 'watch cache: upstream watch ended; watch again'));
    await restCreate(app, '/api/v1/namespaces/default/pods', podBody('d', 'n3'));
    let pods = await fresh();
    expect(names(pods.lookup('nodeName', 'n3', undefined))).toEqual(['d']);
    expect(cache.lists).toBe(lists);

    broken.breakWatches(new StoreError('Expired', 'required revision has been compacted'));
    await restCreate(app, '/api/v1/namespaces/default/pods', podBody('e', 'n3'));
    await del('/api/v1/namespaces/default/pods/d');
    pods = await fresh();
    expect(names(pods.lookup('nodeName', 'n3', undefined))).toEqual(['e']);
    expect(cache.lists).toBe(lists + 1);
    // And it keeps following the new watch.
    await restCreate(app, '/api/v1/namespaces/default/pods', podBody('f', 'n3'));
    expect(names((await fresh()).lookup('nodeName', 'n3', undefined))).toEqual(['e', 'f']);
  });

  it('gives up waiting after waitMs, so the caller reads storage', async () => {
    cache = new RelationCache(registries, { logger: quiet, waitMs: 20 });
    await fresh();
    await expect(cache.ready(POD, (await cache.currentRevision()) + 1000)).rejects.toThrow(/did not reach revision/);
  });

  it('drops managedFields from cached copies only', () => {
    const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', managedFields: [{ manager: 'kubectl' }] } } as KubeObject;
    expect(stripForCache(obj).metadata).toEqual({ name: 'p' });
    expect(obj.metadata.managedFields).toHaveLength(1);
  });
});

describe('relations served from the cache', () => {
  let app: FastifyInstance;
  let listCalls = 0;

  const counting = (store: Store): Store =>
    new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === 'list' && typeof value === 'function') {
          return (...args: unknown[]) => {
            listCalls++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

  beforeAll(async () => {
    app = await buildApp({
      store: counting(createSqliteStore({ path: ':memory:' })),
      authenticator: createTokenAuthenticator([
        { token: 'admin', user: ADMIN_USER },
        { token: 'dev', user: { username: 'dev', groups: ['system:authenticated'] } },
      ]),
    });
    await app.ready();
    const admin = { authorization: 'Bearer admin' };
    const create = async (url: string, body: unknown) => {
      const res = await app.inject({ method: 'POST', url, headers: { ...admin, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    for (const n of ['n1', 'n2']) await create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
    for (let i = 0; i < 6; i++) {
      const p = await create('/api/v1/namespaces/default/pods', podBody(`web-${i}`, i % 2 ? 'n2' : 'n1'));
      await create('/api/v1/namespaces/default/events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `web-${i}.a` },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: p.metadata.name, namespace: 'default', uid: p.metadata.uid },
        reason: 'Scheduled',
        message: `assigned to ${i % 2 ? 'n2' : 'n1'}`,
        type: 'Normal',
      });
    }
    await create('/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    // dev may list pods and events in default, nothing else.
    await create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pods' },
      rules: [{ apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list'] }],
    });
    await create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'pods' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pods' },
      subjects: [{ kind: 'User', name: 'dev' }],
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const QUERY = `{ pods(namespace: "default") { items { metadata { name } node { metadata { name } pods { metadata { name } } } events { reason message involvedObject { kind name object { ... on Pod { metadata { name } } } } } services { metadata { name } } } } }`;

  it('answers as storage does, and a second query makes no storage list', async () => {
    const cached = await gql(app, QUERY, undefined, as('admin'));
    expect(cached.errors).toBeUndefined();
    // Mentioning managedFields (skipped here, so the answer is unchanged) makes the query read storage.
    const fromStorage = await gql(app, QUERY.replace('metadata { name } node', 'metadata { name managedFields @skip(if: true) } node'), undefined, as('admin'));
    expect(fromStorage.errors).toBeUndefined();
    expect(cached.data).toEqual(fromStorage.data);
    const first = cached.data!.pods.items[0];
    expect(first.node.metadata.name).toBe('n1');
    expect(first.node.pods.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['web-0', 'web-2', 'web-4']);
    expect(first.events[0]).toMatchObject({ reason: 'Scheduled', involvedObject: { kind: 'Pod', name: 'web-0', object: { metadata: { name: 'web-0' } } } });
    expect(first.services).toEqual([{ metadata: { name: 'web' } }]);

    listCalls = 0;
    expect((await gql(app, QUERY, undefined, as('admin'))).data).toEqual(cached.data);
    expect(listCalls).toBe(1); // the top-level `pods` list itself; every relation came from the cache
  });

  it('returns managedFields when a relation asks for them', async () => {
    const res = await gql(app, `{ node(name: "n1") { pods(limit: 1) { metadata { managedFields } } } }`, undefined, as('admin'));
    expect(res.errors).toBeUndefined();
    expect(res.data!.node.pods[0].metadata.managedFields.length).toBeGreaterThan(0);
  });

  it('keeps RBAC per caller although the cache is shared (warmed by an admin first)', async () => {
    await gql(app, QUERY, undefined, as('admin'));
    const res = await gql(app, `{ pods(namespace: "default") { items { metadata { name } node { metadata { name } } events { reason } } } }`, undefined, as('dev'));
    expect(res.data!.pods.items).toHaveLength(6);
    expect(res.data!.pods.items.every((p: { node: unknown; events: unknown[] }) => p.node === null && p.events.length === 1)).toBe(true);
    expect(res.errors?.[0]?.message).toBe('nodes is forbidden: User "dev" cannot list resource "nodes" in API group "" at the cluster scope');
    // Node.pods needs pods across all namespaces; dev may list them in default only.
    const services = await gql(app, `{ pod(namespace: "default", name: "web-0") { services { metadata { name } } } }`, undefined, as('dev'));
    expect(services.data!.pod.services).toBeNull();
    expect(services.errors?.[0]?.extensions).toMatchObject({ code: 'Forbidden' });
    // An event's object: only for kinds the caller may list.
    const involved = await gql(app, `{ events(namespace: "default", limit: 1) { items { involvedObject { name object { ... on Pod { metadata { name } } } } } } }`, undefined, as('dev'));
    expect(involved.errors).toBeUndefined();
    expect(involved.data!.events.items[0].involvedObject.object.metadata.name).toMatch(/^web-/);
  });

  it('answers bad relation arguments with GraphQL errors, not crashes', async () => {
    const cases: Array<[string, RegExp | string]> = [
      [`{ node(name: "n1") { pods(labelSelector: "a in (") { metadata { name } } } }`, 'BadRequest'],
      [`{ node(name: "n1") { pods(fieldSelector: "spec.nope=1") { metadata { name } } } }`, 'BadRequest'],
      [`{ node(name: "n1") { pods(limit: "ten") { metadata { name } } } }`, /Int cannot represent/],
      [`{ node(name: "n1") { pods(limit: 1e12) { metadata { name } } } }`, /Int cannot represent/],
      [`{ node(name: "n1") { pods(selector: "x") { metadata { name } } } }`, /Unknown argument "selector"/],
      [`{ event(namespace: "default", name: "web-0.a") { involvedObject { object { metadata { name } } } } }`, /Cannot query field "metadata" on type "AnyObject"/],
    ];
    for (const [query, expected] of cases) {
      const res = await gql(app, query, undefined, as('admin'));
      expect(res.status, query).toBeLessThan(500);
      const err = res.errors?.[0];
      expect(err, query).toBeDefined();
      if (typeof expected === 'string') expect(err!.extensions?.code, query).toBe(expected);
      else expect(err!.message, query).toMatch(expected);
    }
    // The server still answers.
    expect((await gql(app, `{ node(name: "n1") { metadata { name } } }`, undefined, as('admin'))).data).toEqual({ node: { metadata: { name: 'n1' } } });
  });

  it('keeps `involved` as a deprecated alias of involvedObject.object', async () => {
    const res = await gql(app, `{ event(namespace: "default", name: "web-1.a") { involved { ... on Pod { metadata { name } } } involvedObject { object { ... on Pod { metadata { name } } } } } }`, undefined, as('admin'));
    expect(res.errors).toBeUndefined();
    expect(res.data!.event.involved).toEqual(res.data!.event.involvedObject.object);
    expect(res.data!.event.involved).toEqual({ metadata: { name: 'web-1' } });
  });
});
