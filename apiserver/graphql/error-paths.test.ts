import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USER, createTokenAuthenticator } from '../auth/tokens.js';
import { makeTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { keepIntegerErrorPaths } from './errors.js';

/**
 * GraphQL's spec: an error's `path` names fields with strings and list items with
 * 0-indexed integers. A user who may list pods but not read nodes asks for each pod's
 * node: the error of the second pod's `node` is at ["pods", "items", 1, "node"].
 */

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({
    authenticator: createTokenAuthenticator([
      { token: 'admin', user: ADMIN_USER },
      { token: 'ann', user: { username: 'ann', groups: [] } },
    ]),
  });
  const rest = async (url: string, body: unknown): Promise<void> => {
    const res = await t.app.inject({ method: 'POST', url, headers: { authorization: 'Bearer admin', 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  };
  await rest('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  await rest('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } });
  await rest('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'pod-reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
  });
  await rest('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'ann-reads-pods' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'ann' }],
  });
});
afterAll(async () => t.close());

describe('GraphQL error paths', () => {
  it('give list indices as integers (a nested list item’s field fails)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: 'Bearer ann', 'content-type': 'application/json' },
      payload: JSON.stringify({ query: '{ pods(namespace: "default") { items { metadata { name } node { metadata { name } } } } }' }),
    });
    expect(res.statusCode).toBe(200);
    // The raw body, not a re-parse through a typed helper: `1` must be a JSON number.
    expect(res.body).toContain('"path":["pods","items",1,"node"]');
    const body = res.json() as { data: { pods: { items: Array<{ metadata: { name: string }; node: unknown }> } }; errors: Array<{ message: string; path: unknown[] }> };
    expect(body.data.pods.items).toEqual([
      { metadata: { name: 'a' }, node: null },
      { metadata: { name: 'b' }, node: null },
    ]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.message).toBe('nodes is forbidden: User "ann" cannot list resource "nodes" in API group "" at the cluster scope');
    expect(body.errors[0]!.path).toEqual(['pods', 'items', 1, 'node']);
    expect(typeof body.errors[0]!.path[2]).toBe('number');
  });

  it('leaves a route without mercurius’ error schema alone, and never edits the shared schema', () => {
    const none = { schema: { body: {} } };
    keepIntegerErrorPaths(none);
    expect(none).toEqual({ schema: { body: {} } });
    const shared = { '2xx': { type: 'object', properties: { errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'array', items: { type: 'string' } } } } } } } };
    const route = { schema: { response: shared } };
    keepIntegerErrorPaths(route);
    expect(shared['2xx'].properties.errors.items.properties.path.items).toEqual({ type: 'string' });
    expect((route.schema.response as typeof shared)['2xx'].properties.errors.items.properties.path.items).toEqual({ type: ['string', 'integer'] });
  });
});
