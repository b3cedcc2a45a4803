import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { gql, graphqlApp, pod, restCreate } from './test-helpers.js';

// GraphQL against the real apiserver (buildApp over in-memory SQLite): what REST writes,
// GraphQL reads, and the other way round, with the same errors.

let app: FastifyInstance;

beforeEach(async () => {
  app = await graphqlApp();
});

afterEach(async () => {
  await app.close();
});

describe('queries', () => {
  it('reads a pod created through REST, field for field', async () => {
    const created = await restCreate(app, '/api/v1/namespaces/default/pods', pod('web', { app: 'web' }));
    const res = await gql(app, `{ pod(namespace: "default", name: "web") {
      apiVersion kind metadata { name namespace uid resourceVersion labels creationTimestamp }
      spec { containers { name image } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: created.metadata.uid,
        resourceVersion: created.metadata.resourceVersion,
        labels: { app: 'web' },
        creationTimestamp: created.metadata.creationTimestamp,
      },
      spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] },
    });
  });

  it('answers the generic object query exactly as REST GET does', async () => {
    await restCreate(app, '/api/v1/namespaces/default/pods', pod('web'));
    const rest = (await app.inject({ method: 'GET', url: '/api/v1/namespaces/default/pods/web' })).json();
    const res = await gql(app, '{ object(apiVersion: "v1", kind: "Pod", namespace: "default", name: "web") }');
    expect(res.data!.object).toEqual(rest);
  });

  it('lists with a label selector and returns list metadata', async () => {
    await restCreate(app, '/api/v1/namespaces/default/pods', pod('a', { app: 'web' }));
    await restCreate(app, '/api/v1/namespaces/default/pods', pod('b', { app: 'db' }));
    await restCreate(app, '/api/v1/namespaces/default/pods', pod('c', { app: 'web', tier: 'front' }));
    const res = await gql(app, '{ pods(namespace: "default", labelSelector: "app=web") { kind metadata { resourceVersion } items { metadata { name } } } }');
    expect(res.data!.pods.kind).toBe('PodList');
    expect(res.data!.pods.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['a', 'c']);
    expect(Number(res.data!.pods.metadata.resourceVersion)).toBeGreaterThan(0);
  });

  it('paginates with limit and continue', async () => {
    for (const name of ['p1', 'p2', 'p3']) await restCreate(app, '/api/v1/namespaces/default/pods', pod(name));
    const first = await gql(app, '{ pods(limit: 2) { metadata { continue remainingItemCount } items { metadata { name } } } }');
    expect(first.data!.pods.items).toHaveLength(2);
    expect(first.data!.pods.metadata.remainingItemCount).toBe(1);
    const next = await gql(app, 'query($c: String) { pods(limit: 2, continue: $c) { metadata { continue } items { metadata { name } } } }', {
      c: first.data!.pods.metadata.continue,
    });
    expect(next.data!.pods.items).toEqual([{ metadata: { name: 'p3' } }]);
    expect(next.data!.pods.metadata.continue).toBeNull();
  });

  it('serves cluster-scoped kinds without a namespace', async () => {
    const res = await gql(app, '{ namespace(name: "default") { metadata { name } status { phase } } }');
    expect(res.data!.namespace).toEqual({ metadata: { name: 'default' }, status: { phase: 'Active' } });
  });
});

describe('mutations', () => {
  it('creates through GraphQL what REST then reads back identically', async () => {
    const res = await gql(app, 'mutation($o: JSON!) { createPod(namespace: "default", object: $o) { metadata { name uid resourceVersion } } }', {
      o: pod('from-gql', { via: 'graphql' }),
    });
    expect(res.errors).toBeUndefined();
    const rest = (await app.inject({ method: 'GET', url: '/api/v1/namespaces/default/pods/from-gql' })).json();
    expect(rest.metadata).toMatchObject({ ...res.data!.createPod.metadata, labels: { via: 'graphql' } });
    const full = await gql(app, '{ object(apiVersion: "v1", kind: "Pod", namespace: "default", name: "from-gql") }');
    expect(full.data!.object).toEqual(rest);
  });

  it('accepts an inline object literal', async () => {
    const res = await gql(app, `mutation { createConfigMap(object: { metadata: { name: "cfg" }, data: { a: "1" } }) { metadata { namespace } data } }`);
    expect(res.data!.createConfigMap).toEqual({ metadata: { namespace: 'default' }, data: { a: '1' } });
  });

  it('does not store a dry-run create', async () => {
    const res = await gql(app, 'mutation($o: JSON!) { createPod(object: $o, dryRun: true) { metadata { name } } }', { o: pod('dry') });
    expect(res.data!.createPod.metadata.name).toBe('dry');
    expect((await app.inject({ method: 'GET', url: '/api/v1/namespaces/default/pods/dry' })).statusCode).toBe(404);
  });

  it('patches (merge by default, and JSON patch) and replaces', async () => {
    await restCreate(app, '/api/v1/namespaces/default/pods', pod('web'));
    const merged = await gql(app, 'mutation { patchPod(name: "web", patch: { metadata: { labels: { x: "1" } } }) { metadata { labels } } }');
    expect(merged.data!.patchPod.metadata.labels).toEqual({ x: '1' });
    const json = await gql(app, 'mutation($p: JSON!) { patchPod(name: "web", type: JSON, patch: $p) { metadata { labels } } }', {
      p: [{ op: 'add', path: '/metadata/labels/y', value: '2' }],
    });
    expect(json.data!.patchPod.metadata.labels).toEqual({ x: '1', y: '2' });

    const cm = await restCreate(app, '/api/v1/namespaces/default/configmaps', { metadata: { name: 'cfg' }, data: { a: '1' } });
    const replaced = await gql(app, 'mutation($o: JSON!) { replaceConfigMap(name: "cfg", object: $o) { data } }', {
      o: { metadata: { name: 'cfg', resourceVersion: cm.metadata.resourceVersion }, data: { b: '2' } },
    });
    expect(replaced.data!.replaceConfigMap.data).toEqual({ b: '2' });
    const rest = (await app.inject({ method: 'GET', url: '/api/v1/namespaces/default/configmaps/cfg' })).json();
    expect(rest.data).toEqual({ b: '2' });
  });

  it('applies server-side, creating a missing object', async () => {
    const res = await gql(app, 'mutation($p: JSON!) { patchConfigMap(name: "applied", type: APPLY, fieldManager: "me", patch: $p) { data } }', {
      p: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { k: 'v' } },
    });
    expect(res.data!.patchConfigMap.data).toEqual({ k: 'v' });
    const noManager = await gql(app, 'mutation { patchConfigMap(name: "applied", type: APPLY, patch: { data: { k: "w" } }) { data } }');
    expect(noManager.errors![0].extensions).toMatchObject({ code: 'Invalid', status: 422 });
  });

  it('deletes, and REST no longer finds the object', async () => {
    await restCreate(app, '/api/v1/namespaces/default/configmaps', { metadata: { name: 'gone' } });
    const res = await gql(app, 'mutation { deleteConfigMap(name: "gone") { deleted object { metadata { name } } } }');
    expect(res.data!.deleteConfigMap).toEqual({ deleted: true, object: { metadata: { name: 'gone' } } });
    expect((await app.inject({ method: 'GET', url: '/api/v1/namespaces/default/configmaps/gone' })).statusCode).toBe(404);
  });
});

describe('errors', () => {
  it('reports a missing object with the Kubernetes message and code', async () => {
    const res = await gql(app, '{ pod(namespace: "default", name: "nope") { metadata { name } } }');
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ pod: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({
      message: 'pods "nope" not found',
      path: ['pod'],
      extensions: { code: 'NotFound', status: 404 },
    });
  });

  it('reports validation failures as Invalid with the field causes', async () => {
    const res = await gql(app, 'mutation($o: JSON!) { createPod(object: $o) { metadata { name } } }', { o: pod('Bad_Name') });
    const err = res.errors![0];
    expect(err.message).toMatch(/^Pod "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/);
    expect(err.extensions).toMatchObject({ code: 'Invalid', status: 422, details: { kind: 'Pod', name: 'Bad_Name' } });
    expect(err.extensions!.details.causes[0].field).toBe('metadata.name');
  });

  it.each([
    ['an unknown field (strict decoding)', { ...pod('x'), spek: {} }, /strict decoding error: unknown field "spek"/],
    ['a wrong kind', { ...pod('x'), kind: 'Service' }, /does not match the expected kind \(Pod\)/],
    ['a field of the wrong type', { ...pod('x'), spec: { containers: 'nginx' } }, /cannot be handled as a Pod: spec\.containers/],
    ['a non-object', 'just a string', /the object provided is not a JSON object/],
  ])('refuses %s with BadRequest', async (_what, object, message) => {
    const res = await gql(app, 'mutation($o: JSON!) { createPod(object: $o) { metadata { name } } }', { o: object });
    expect(res.errors![0].message).toMatch(message);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BadRequest', status: 400 });
  });

  it.each([
    ['a malformed label selector', '{ pods(labelSelector: "a in (") { items { metadata { name } } } }', 'BadRequest'],
    ['an unsupported field selector', '{ pods(fieldSelector: "spec.bogus=1") { items { metadata { name } } } }', 'BadRequest'],
    ['an unknown propagation policy', 'mutation { deleteConfigMap(name: "x", propagationPolicy: "Sideways") { deleted } }', 'Invalid'],
    ['an unknown kind', '{ object(apiVersion: "v9", kind: "Nope", name: "x") }', 'NotFound'],
  ])('answers %s with a coded error, never a 500', async (_what, query, code) => {
    const res = await gql(app, query);
    expect(res.status).toBeLessThan(500);
    expect(res.errors![0].extensions!.code).toBe(code);
  });

  it('answers a malformed query or body with 400', async () => {
    expect((await gql(app, '{ pods( }')).status).toBe(400);
    const bad = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: '{"query":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].extensions).toMatchObject({ code: 'BadRequest', status: 400 });
  });

  it('keeps REST errors as Kubernetes Status bodies', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/namespaces/default/pods/nope' });
    expect(res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });
});

describe('playground', () => {
  it('serves GraphiQL and its scripts', async () => {
    const page = await app.inject({ method: 'GET', url: '/graphiql' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('src="graphiql/main.js"');
    // Offline: nothing in the page points anywhere but this server (relative URLs only).
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const script = await app.inject({ method: 'GET', url: '/graphiql/main.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/text\/javascript/);
    expect(script.body).not.toMatch(/https:\/\/(unpkg\.com|cdn\.jsdelivr\.net|esm\.sh)/);
    const worker = await app.inject({ method: 'GET', url: '/graphiql/graphql.worker.js' });
    expect(worker.statusCode).toBe(200);
    const missing = await app.inject({ method: 'GET', url: '/graphiql/..%2Fpackage.json' });
    expect(missing.statusCode).toBe(404);
  });

  it('redirects /graphiql/ to /graphiql, so the relative asset URLs resolve', async () => {
    const res = await app.inject({ method: 'GET', url: '/graphiql/' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('../graphiql');
  });

  it('answers GET queries too', async () => {
    const res = await app.inject({ method: 'GET', url: `/graphql?query=${encodeURIComponent('{ namespaces { items { metadata { name } } } }')}` });
    expect(res.statusCode).toBe(200);
    const names = res.json().data.namespaces.items.map((n: { metadata: { name: string } }) => n.metadata.name);
    expect(names).toContain('default');
  });
});
