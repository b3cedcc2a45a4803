import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';
import type { CrdController } from '../../apiserver/crd/crd-controller.js';
import type { AddressInfo } from 'node:net';
import { ADMIN_USER, createTokenAuthenticator } from '../../apiserver/auth/tokens.js';
import { GraphqlSocket } from '../../apiserver/graphql/test-helpers.js';

// GraphQL serves an Established CRD's kind with generated types and root fields, drops
// them when the CRD is deleted, and never breaks over a CRD whose names collide.

let app: FastifyInstance;
let store: Store;
const crontabCrd = parseYaml(readFileSync(new URL('../fixtures/crd/crontab-crd.yaml', import.meta.url), 'utf8')) as Record<string, any>;
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const CT = '/apis/stable.example.com/v1/namespaces/default/crontabs';

const rest = (method: 'POST' | 'GET' | 'DELETE', url: string, body?: unknown, token = 'admin') =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });

interface Answer {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

async function gql(query: string, token = 'admin'): Promise<Answer> {
  const res = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ query }) });
  return { status: res.statusCode, ...JSON.parse(res.body) };
}

const idle = () => (app as unknown as { crdController: CrdController }).crdController.idle();

async function waitFor(fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached');
}

const established = (name: string) => async () => {
  const crd = (await rest('GET', `${CRDS}/${name}`)).json();
  return (crd.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True');
};

/** The root query fields whose name starts with the prefix. */
async function queryFields(prefix: string): Promise<string[]> {
  const res = await gql('{ __schema { queryType { fields { name } } } }');
  return (res.data!.__schema.queryType.fields as Array<{ name: string }>).map((f) => f.name).filter((n) => n.startsWith(prefix));
}

beforeAll(async () => {
  store = createSqliteStore({ path: ':memory:' });
  app = await buildApp({
    store,
    authenticator: createTokenAuthenticator([
      { token: 'admin', user: ADMIN_USER },
      { token: 'dev', user: { username: 'dev', groups: [] } },
    ]),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('GraphQL types for custom resources', () => {
  it('has no CronTab fields before the CRD exists', async () => {
    expect(await queryFields('stableExampleCom')).toEqual([]);
  });

  it('serves typed get and list fields once the CRD is Established, with nested spec fields and relations', async () => {
    expect((await rest('POST', CRDS, crontabCrd)).statusCode).toBe(201);
    await waitFor(established('crontabs.stable.example.com'));
    await idle();
    expect(await queryFields('stableExampleCom')).toEqual(['stableExampleComCronTab', 'stableExampleComCronTabs']);

    const owner = (await rest('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } })).json();
    const made = await rest('POST', CT, {
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', labels: { app: 'cron' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid, controller: true }] },
      spec: { cronSpec: '0 3 * * *', image: 'backup:1', replicas: 2 },
    });
    expect(made.statusCode).toBe(201);
    await rest('POST', CT, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'hourly' }, spec: { cronSpec: '0 * * * *', image: 'tick:1' } });

    const one = await gql(`{
      stableExampleComCronTab(namespace: "default", name: "nightly") {
        __typename apiVersion kind metadata { name labels }
        spec { cronSpec image replicas maxReplicas }
        owner { ... on ConfigMap { metadata { name } } }
        events { message }
        dependents { __typename }
      }
    }`);
    expect(one.errors).toBeUndefined();
    expect(one.data!.stableExampleComCronTab).toEqual({
      __typename: 'StableExampleComCronTab',
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', labels: { app: 'cron' } },
      spec: { cronSpec: '0 3 * * *', image: 'backup:1', replicas: 2, maxReplicas: 10 },
      owner: { metadata: { name: 'owner' } },
      events: [],
      dependents: [],
    });

    const list = await gql('{ stableExampleComCronTabs(namespace: "default", labelSelector: "app=cron") { kind metadata { resourceVersion } items { metadata { name } spec { cronSpec } } } }');
    expect(list.errors).toBeUndefined();
    expect(list.data!.stableExampleComCronTabs).toMatchObject({ kind: 'CronTabList', items: [{ metadata: { name: 'nightly' }, spec: { cronSpec: '0 3 * * *' } }] });
    const paged = await gql('{ stableExampleComCronTabs(limit: 1) { metadata { continue } items { metadata { name } } } }');
    expect(paged.data!.stableExampleComCronTabs.items).toHaveLength(1);
    expect(paged.data!.stableExampleComCronTabs.metadata.continue).toBeTruthy();

    // The owner's dependents walk reaches the custom object, through the AnyObject union.
    const deps = await gql('{ configMap(namespace: "default", name: "owner") { dependents { ... on StableExampleComCronTab { metadata { name } spec { image } } } } }');
    expect(deps.errors).toBeUndefined();
    expect(deps.data!.configMap.dependents).toEqual([{ metadata: { name: 'nightly' }, spec: { image: 'backup:1' } }]);

    // A missing object is kube's 404, as for built-in kinds.
    const missing = await gql('{ stableExampleComCronTab(namespace: "default", name: "nope") { metadata { name } } }');
    expect(missing.errors?.[0]?.message).toBe('crontabs.stable.example.com "nope" not found');
  });

  it('describes the generated types: objects are types, integers Long, the metadata ObjectMeta', async () => {
    const res = await gql('{ t: __type(name: "StableExampleComCronTabSpec") { fields { name type { name kind } } } k: __type(name: "StableExampleComCronTab") { fields { name type { name } } } }');
    const spec = Object.fromEntries((res.data!.t.fields as Array<{ name: string; type: { name: string } }>).map((f) => [f.name, f.type.name]));
    expect(spec).toEqual({ cronSpec: 'String', image: 'String', replicas: 'Long', maxReplicas: 'Long' });
    const kind = Object.fromEntries((res.data!.k.fields as Array<{ name: string; type: { name: string | null } }>).map((f) => [f.name, f.type.name]));
    expect(kind).toMatchObject({ apiVersion: 'String', kind: 'String', metadata: 'ObjectMeta', spec: 'StableExampleComCronTabSpec', status: 'StableExampleComCronTabStatus' });
  });

  it('creates through the typed mutation, with the same admission as REST', async () => {
    const ok = await gql('mutation { createStableExampleComCronTab(object: { metadata: { name: "weekly" }, spec: { cronSpec: "0 0 * * 0", image: "w:1" } }) { metadata { namespace } spec { replicas } } }');
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.createStableExampleComCronTab).toEqual({ metadata: { namespace: 'default' }, spec: { replicas: 1 } });
    const bad = await gql('mutation { createStableExampleComCronTab(object: { metadata: { name: "bad" }, spec: { cronSpec: "nope" } }) { metadata { name } } }');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'Invalid', status: 422 });
  });

  it('streams a custom kind over a watch subscription', async () => {
    const socket = await GraphqlSocket.open(`ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`);
    try {
      socket.send({ type: 'connection_init', payload: { Authorization: 'Bearer admin' } });
      expect((await socket.next()).type).toBe('connection_ack');
      const query = 'subscription { watchStableExampleComCronTabs(namespace: "default", resourceVersion: "0", fieldSelector: "metadata.name=nightly") { type object { metadata { name } spec { image } } } }';
      socket.send({ id: '1', type: 'subscribe', payload: { query } });
      expect(await socket.next((m) => m.id === '1')).toEqual({
        id: '1',
        type: 'next',
        payload: { data: { watchStableExampleComCronTabs: { type: 'ADDED', object: { metadata: { name: 'nightly' }, spec: { image: 'backup:1' } } } } },
      });
      socket.send({ id: '1', type: 'complete' });
    } finally {
      socket.close();
    }
  });

  it('enforces RBAC as for built-in kinds', async () => {
    const denied = await gql('{ stableExampleComCronTabs(namespace: "default") { items { metadata { name } } } }', 'dev');
    expect(denied.errors?.[0]?.message).toBe('crontabs.stable.example.com is forbidden: User "dev" cannot list resource "crontabs" in API group "stable.example.com" in the namespace "default"');
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'Forbidden', status: 403 });
    const get = await gql('{ stableExampleComCronTab(namespace: "default", name: "nightly") { metadata { name } } }', 'dev');
    expect(get.errors?.[0]?.message).toBe('crontabs.stable.example.com "nightly" is forbidden: User "dev" cannot get resource "crontabs" in API group "stable.example.com" in the namespace "default"');
    // The same as REST says.
    const viaRest = (await rest('GET', CT, undefined, 'dev')).json();
    expect(viaRest.message).toBe(denied.errors?.[0]?.message);
  });

  it('follows a CRD update: a new schema field becomes a GraphQL field', async () => {
    const patch = [{ op: 'add', path: '/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/timeZone', value: { type: 'string' } }];
    const res = await app.inject({
      method: 'PATCH',
      url: `${CRDS}/crontabs.stable.example.com`,
      headers: { authorization: 'Bearer admin', 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify(patch),
    });
    expect(res.statusCode).toBe(200);
    await idle();
    await waitFor(async () => {
      const t = await gql('{ __type(name: "StableExampleComCronTabSpec") { fields { name } } }');
      return (t.data!.__type.fields as Array<{ name: string }>).some((f) => f.name === 'timeZone');
    });
    const set = await gql('mutation { patchStableExampleComCronTab(namespace: "default", name: "hourly", patch: { spec: { timeZone: "UTC" } }) { spec { timeZone cronSpec } } }');
    expect(set.errors).toBeUndefined();
    expect(set.data!.patchStableExampleComCronTab.spec).toEqual({ timeZone: 'UTC', cronSpec: '0 * * * *' });
  });

  it('keeps /graphql working when a CRD names collide with existing GraphQL types', async () => {
    // pod.k8s.io + Spec → "PodSpec", the built-in nested type: the CRD's type is numbered.
    const clash = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'specs.pod.k8s.io', annotations: { 'api-approved.kubernetes.io': 'unapproved, test only' } },
      spec: {
        group: 'pod.k8s.io',
        scope: 'Cluster',
        names: { plural: 'specs', singular: 'spec', kind: 'Spec' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', properties: { 'not-a-graphql-name': { type: 'string' }, size: { 'x-kubernetes-int-or-string': true }, raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, tags: { type: 'array', items: { type: 'string' } } } },
                },
              },
            },
          },
        ],
      },
    };
    expect((await rest('POST', CRDS, clash)).statusCode).toBe(201);
    await waitFor(established('specs.pod.k8s.io'));
    await idle();
    expect((await rest('POST', '/apis/pod.k8s.io/v1/specs', { apiVersion: 'pod.k8s.io/v1', kind: 'Spec', metadata: { name: 's' }, spec: { size: '10%', raw: { a: [1] }, tags: ['x'] } })).statusCode).toBe(201);

    const res = await gql('{ podSpec2(name: "s") { __typename spec { size raw tags } } t: __type(name: "PodSpec") { fields { name } } pods(limit: 1) { kind } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.podSpec2).toEqual({ __typename: 'PodSpec2', spec: { size: '10%', raw: { a: [1] }, tags: ['x'] } });
    // The built-in PodSpec is untouched.
    expect((res.data!.t.fields as Array<{ name: string }>).map((f) => f.name)).toContain('containers');
    expect(res.data!.pods).toEqual({ kind: 'PodList' });
    // The CronTab fields are still there.
    expect(await queryFields('stableExampleCom')).toEqual(['stableExampleComCronTab', 'stableExampleComCronTabs']);
    expect([200, 202]).toContain((await rest('DELETE', `${CRDS}/specs.pod.k8s.io`)).statusCode);
  });

  it('drops the fields and types when the CRD is deleted', async () => {
    expect([200, 202]).toContain((await rest('DELETE', `${CRDS}/crontabs.stable.example.com`)).statusCode);
    await waitFor(async () => (await rest('GET', `${CRDS}/crontabs.stable.example.com`)).statusCode === 404);
    await idle();
    await waitFor(async () => (await queryFields('stableExampleCom')).length === 0);
    const gone = await gql('{ stableExampleComCronTabs { items { metadata { name } } } }');
    expect(gone.status).toBe(400);
    expect(gone.errors?.[0]?.message).toBe('Cannot query field "stableExampleComCronTabs" on type "Query".');
    expect((await gql('{ __type(name: "StableExampleComCronTab") { name } }')).data!.__type).toBeNull();
    // Built-in kinds are served as before.
    expect((await gql('{ pods(limit: 1) { kind } }')).data!.pods).toEqual({ kind: 'PodList' });
  });
});
