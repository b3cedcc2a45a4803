import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { createSqliteStore } from '../storage/sqlite-store.js';
import type { Store } from '../storage/store.js';
import { ADMIN_USER, createTokenAuthenticator } from '../auth/tokens.js';

// GraphQL is authorized as REST is: the same RBAC decision, the same 403 message.

let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  store = createSqliteStore({ path: ':memory:' });
  app = await buildApp({
    store,
    authenticator: createTokenAuthenticator([
      { token: 'admin', user: ADMIN_USER },
      { token: 'dev', user: { username: 'dev', groups: [] } },
    ]),
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

async function gql(token: string, query: string): Promise<{ data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const res = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ query }) });
  return JSON.parse(res.body);
}

const rest = (token: string, method: 'POST', url: string, body: unknown) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describe('GraphQL authorization', () => {
  it('forbids what RBAC does not grant, with kube message, and allows it once granted', async () => {
    const denied = await gql('dev', '{ pods(namespace: "default") { items { metadata { name } } } }');
    expect(denied.errors?.[0]?.message).toBe('pods is forbidden: User "dev" cannot list resource "pods" in API group "" in the namespace "default"');
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'Forbidden', status: 403 });
    expect((await gql('admin', '{ pods(namespace: "default") { items { metadata { name } } } }')).errors).toBeUndefined();

    await rest('admin', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] });
    await rest('admin', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'dev' }] });
    expect((await gql('dev', '{ pods(namespace: "default") { items { metadata { name } } } }')).errors).toBeUndefined();
    // Another namespace, another verb: still forbidden.
    expect((await gql('dev', '{ pods(namespace: "kube-system") { items { metadata { name } } } }')).errors?.[0]?.message).toContain('in the namespace "kube-system"');
    const del = await gql('dev', 'mutation { deleteNamespace(name: "default") { __typename } }');
    expect(del.errors?.[0]?.message).toBe('namespaces "default" is forbidden: User "dev" cannot delete resource "namespaces" in API group "" at the cluster scope');
  });
});
