import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';
import { componentToken, createComponentTokenAuthenticator, nodeUser, unionAuthenticator } from '../../apiserver/auth/component-tokens.js';
import { createTokenAuthenticator, ADMIN_USER } from '../../apiserver/auth/tokens.js';

// The Node authorizer and NodeRestriction through the REST layer, with kubelets
// authenticated by component tokens: a node reads only what its pods refer to, writes
// only its own Node, Lease and pods' status; refusals carry kube's messages.

const KEY = '11'.repeat(32);
let store: Store;
let app: FastifyInstance;
const admin = { authorization: 'Bearer admin-token', 'content-type': 'application/json' };
const as = (node: string) => ({ authorization: `Bearer ${componentToken(KEY, nodeUser(node))}`, 'content-type': 'application/json' });

async function send(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, body?: unknown, contentType?: string) {
  const res = await app.inject({ method, url, headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
  return { status: res.statusCode, body: JSON.parse(res.body || '{}') as { message?: string; reason?: string; details?: Record<string, unknown>; metadata?: { name?: string } } };
}

function pod(name: string, nodeName: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeName,
      containers: [{ name: 'c', image: 'nginx', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: `${name}-cm`, key: 'k' } } }] }],
      volumes: [{ name: 's', secret: { secretName: `${name}-secret` } }],
      ...extra,
    },
  };
}

beforeAll(async () => {
  store = createSqliteStore({ path: ':memory:' });
  app = await buildApp({
    store,
    authenticator: unionAuthenticator(createTokenAuthenticator([{ token: 'admin-token', user: ADMIN_USER }]), createComponentTokenAuthenticator(KEY)),
  });
  await app.ready();
  for (const ns of ['apps', 'kube-node-lease']) await send('POST', '/api/v1/namespaces', admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const n of ['n1', 'n2']) await send('POST', '/api/v1/nodes', admin, { apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
  for (const [p, n] of [['a', 'n1'], ['b', 'n2']] as const) {
    await send('POST', '/api/v1/namespaces/apps/secrets', admin, { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${p}-secret` }, stringData: { k: 'v' } });
    await send('POST', '/api/v1/namespaces/apps/configmaps', admin, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${p}-cm` }, data: { k: 'v' } });
    expect((await send('POST', '/api/v1/namespaces/apps/pods', admin, pod(p, n))).status).toBe(201);
  }
  await send('POST', '/api/v1/namespaces/apps/secrets', admin, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unused' }, stringData: { k: 'v' } });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('Node authorizer', () => {
  it('lets a node read the secrets and configmaps its pods refer to', async () => {
    expect((await send('GET', '/api/v1/namespaces/apps/secrets/a-secret', as('n1'))).status).toBe(200);
    expect((await send('GET', '/api/v1/namespaces/apps/configmaps/a-cm', as('n1'))).status).toBe(200);
  });

  it("refuses another node's secret with kube's message", async () => {
    const res = await send('GET', '/api/v1/namespaces/apps/secrets/b-secret', as('n1'));
    expect(res.status).toBe(403);
    expect(res.body.reason).toBe('Forbidden');
    expect(res.body.message).toBe(`secrets "b-secret" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "apps": no relationship found between node 'n1' and this object`);
    expect(res.body.details).toMatchObject({ name: 'b-secret', kind: 'secrets' });
  });

  it.each([
    ['a secret no pod refers to', 'GET', '/api/v1/namespaces/apps/secrets/unused', "no relationship found between node 'n1' and this object"],
    ['a list of all secrets', 'GET', '/api/v1/namespaces/apps/secrets', 'No Object name found'],
    ['a secret write', 'DELETE', '/api/v1/namespaces/apps/secrets/a-secret', 'can only read resources of this type'],
    ['a lease of another node', 'GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2', 'can only access node lease with the same name as the requesting node'],
    ['a lease elsewhere', 'GET', '/apis/coordination.k8s.io/v1/namespaces/apps/leases/n1', 'can only access leases in the "kube-node-lease" system namespace'],
  ] as const)('refuses %s', async (_what, method, url, reason) => {
    const res = await send(method, url, as('n1'));
    expect(res.status).toBe(403);
    expect(res.body.message).toContain(`User "system:node:n1" cannot`);
    expect(res.body.message!.endsWith(`: ${reason}`)).toBe(true);
  });

  it('gives a node the kubelet rules (pods, services, its events) and nothing more', async () => {
    expect((await send('GET', '/api/v1/pods', as('n1'))).status).toBe(200);
    expect((await send('GET', '/api/v1/services', as('n1'))).status).toBe(200);
    const denied = await send('GET', '/apis/apps/v1/deployments', as('n1'));
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('deployments.apps is forbidden: User "system:node:n1" cannot list resource "deployments" in API group "apps" at the cluster scope');
  });

  it('does not treat a user named system:node:X outside system:nodes as a node', async () => {
    const headers = { authorization: `Bearer ${componentToken(KEY, { username: 'system:node:n1' })}` };
    expect((await send('GET', '/api/v1/namespaces/apps/secrets/a-secret', headers)).status).toBe(403);
  });
});

describe('NodeRestriction', () => {
  const merge = 'application/merge-patch+json';

  it("lets a node write its pods' status, its Node and its Lease", async () => {
    expect((await send('PATCH', '/api/v1/namespaces/apps/pods/a/status', as('n1'), { status: { phase: 'Running' } }, merge)).status).toBe(200);
    expect((await send('PATCH', '/api/v1/nodes/n1/status', as('n1'), { status: { phase: 'Running' } }, merge)).status).toBe(200);
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1' }, spec: { holderIdentity: 'n1' } };
    expect((await send('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', as('n1'), lease)).status).toBe(201);
  });

  it.each([
    ['status of a pod on another node', 'PATCH', '/api/v1/namespaces/apps/pods/b/status', { status: { phase: 'Failed' } }, 'pods "b" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself'],
    ['labels through pod status', 'PATCH', '/api/v1/namespaces/apps/pods/a/status', { metadata: { labels: { x: 'y' } } }, 'pods "a" is forbidden: node "n1" cannot update labels through pod status'],
    ['another Node', 'PATCH', '/api/v1/nodes/n2', { metadata: { labels: { x: 'y' } } }, 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"'],
    ['another Node status', 'PATCH', '/api/v1/nodes/n2/status', { status: { phase: 'Running' } }, 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"'],
    ['a restricted label on its Node', 'PATCH', '/api/v1/nodes/n1', { metadata: { labels: { 'node-restriction.kubernetes.io/x': 'y' } } }, 'nodes "n1" is forbidden: node "n1" is not allowed to modify labels: node-restriction.kubernetes.io/x'],
    ['a pod on another node deleted', 'DELETE', '/api/v1/namespaces/apps/pods/b', undefined, 'pods "b" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself'],
    ['a pod that is no mirror pod', 'POST', '/api/v1/namespaces/apps/pods', pod('c', 'n1'), 'pods "c" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods'],
    ['a lease of another name', 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'x' } }, 'leases.coordination.k8s.io "x" is forbidden: can only access node lease with the same name as the requesting node'],
  ] as const)('refuses %s', async (_what, method, url, body, message) => {
    const res = await send(method, url, as('n1'), body, method === 'PATCH' ? merge : undefined);
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.message).toBe(message);
  });

  it('changed nothing when it refused', async () => {
    const b = await send('GET', '/api/v1/namespaces/apps/pods/b', admin);
    expect(b.status).toBe(200);
    expect((b.body as { status?: { phase?: string } }).status?.phase).not.toBe('Failed');
    const n2 = await send('GET', '/api/v1/nodes/n2', admin);
    expect((n2.body as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.x).toBeUndefined();
  });

  it('lets a node create and delete a mirror pod bound to itself', async () => {
    const mirror = pod('m', 'n1');
    (mirror.metadata as Record<string, unknown>).annotations = { 'kubernetes.io/config.mirror': 'abc' };
    expect((await send('POST', '/api/v1/namespaces/apps/pods', as('n1'), mirror)).status).toBe(201);
    expect([200, 202]).toContain((await send('DELETE', '/api/v1/namespaces/apps/pods/m', as('n1'))).status);
  });
});

describe('component tokens', () => {
  it.each([
    ['a forged signature', `kcc.${Buffer.from(JSON.stringify({ u: 'system:node:n1', g: ['system:nodes'] })).toString('base64url')}.AAAA`],
    ['a token signed with another key', componentToken('22'.repeat(32), nodeUser('n1'))],
    ['a malformed payload', 'kcc.!!!.x'],
    ['too many parts', `${componentToken(KEY, nodeUser('n1'))}.x`],
  ])('answers 401 for %s', async (_what, token) => {
    const res = await send('GET', '/api/v1/pods', { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('Unauthorized');
  });
});
