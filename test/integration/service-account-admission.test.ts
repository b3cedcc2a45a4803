import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';

// The ServiceAccount admission plugin through the REST write path: pods of an existing
// ServiceAccount get the kube-api-access volume; opting out and missing accounts do not.

let store: Store;
let app: FastifyInstance;
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  store = createSqliteStore({ path: ':memory:' });
  app = await buildApp({ store });
  await app.ready();
  for (const ns of ['with-sa', 'without-sa']) {
    await app.inject({ method: 'POST', url: '/api/v1/namespaces', headers: json, payload: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }) });
  }
  await app.inject({ method: 'POST', url: '/api/v1/namespaces/with-sa/serviceaccounts', headers: json, payload: JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }) });
  await app.inject({ method: 'POST', url: '/api/v1/namespaces/with-sa/serviceaccounts', headers: json, payload: JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quiet' }, automountServiceAccountToken: false }) });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

async function createPod(ns: string, name: string, spec: Record<string, unknown> = {}) {
  const res = await app.inject({ method: 'POST', url: `/api/v1/namespaces/${ns}/pods`, headers: json, payload: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } }) });
  expect(res.statusCode, res.body).toBe(201);
  return JSON.parse(res.body) as { spec: { volumes?: Array<{ name: string; projected?: unknown }>; containers: Array<{ volumeMounts?: unknown[] }> } };
}

describe('ServiceAccount admission', () => {
  it('mounts kube-api-access-* into pods of an existing ServiceAccount', async () => {
    const pod = await createPod('with-sa', 'p1');
    expect(pod.spec.volumes).toHaveLength(1);
    expect(pod.spec.volumes![0]!.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.spec.containers[0]!.volumeMounts).toEqual([{ name: pod.spec.volumes![0]!.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
  });

  it.each([
    ['the pod opts out', 'with-sa', { automountServiceAccountToken: false }],
    ['its ServiceAccount opts out', 'with-sa', { serviceAccountName: 'quiet' }],
    ['the ServiceAccount does not exist', 'without-sa', {}],
  ])('mounts nothing when %s', async (name, ns, spec) => {
    const pod = await createPod(ns, `p-${name.replace(/[^a-z]+/g, '-')}`, spec);
    expect(pod.spec.volumes ?? []).toEqual([]);
  });
});

describe('ServiceAccount admission on a full apiserver (refuseMissingServiceAccount)', () => {
  let strictStore: Store;
  let strict: FastifyInstance;
  beforeAll(async () => {
    strictStore = createSqliteStore({ path: ':memory:' });
    strict = await buildApp({ store: strictStore, refuseMissingServiceAccount: true });
    await strict.ready();
    await strict.inject({ method: 'POST', url: '/api/v1/namespaces', headers: json, payload: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bare' } }) });
    await strict.inject({ method: 'POST', url: '/api/v1/namespaces/bare/serviceaccounts', headers: json, payload: JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } }) });
  });
  afterAll(async () => {
    await strict?.close();
    await strictStore?.close();
  });
  const post = (metadata: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
    strict.inject({ method: 'POST', url: '/api/v1/namespaces/bare/pods', headers: json, payload: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } }) });

  it.each([
    ['a named account that does not exist', { name: 'p1' }, { serviceAccountName: 'ghost' }, 'pods "p1" is forbidden: error looking up service account bare/ghost: serviceaccount "ghost" not found'],
    ['the default account, not made yet', { name: 'p2' }, {}, 'pods "p2" is forbidden: error looking up service account bare/default: serviceaccount "default" not found'],
    ['a generated name (kube names it by its prefix)', { generateName: 'web-' }, { serviceAccountName: 'ghost' }, 'pods "web-" is forbidden: error looking up service account bare/ghost: serviceaccount "ghost" not found'],
  ])("refuses a pod of %s with kube's 403", async (_what, metadata, spec, message) => {
    const res = await post(metadata, spec);
    expect(res.statusCode).toBe(403);
    const status = JSON.parse(res.body) as { reason: string; message: string; details: { kind: string } };
    expect(status.reason).toBe('Forbidden');
    expect(status.message).toBe(message);
    expect(status.details.kind).toBe('pods');
    const list = JSON.parse((await strict.inject({ method: 'GET', url: '/api/v1/namespaces/bare/pods' })).body) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it('admits a pod of an existing account, with its token volume', async () => {
    const res = await post({ name: 'ok' }, { serviceAccountName: 'builder' });
    expect(res.statusCode, res.body).toBe(201);
    expect((JSON.parse(res.body) as { spec: { volumes: Array<{ name: string }> } }).spec.volumes[0]!.name).toMatch(/^kube-api-access-/);
  });

  it('admits a mirror pod without any account', async () => {
    const res = await post({ name: 'mirror', annotations: { 'kubernetes.io/config.mirror': 'x' } }, { serviceAccountName: 'ghost', nodeName: 'n1' });
    expect(res.statusCode, res.body).toBe(201);
  });
});
