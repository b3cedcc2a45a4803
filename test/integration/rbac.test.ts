import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenAuthenticator, ADMIN_USER } from '../../apiserver/auth/tokens.js';
import { json, makeTestApp, type TestApp } from '../helpers/test-app.js';

// RBAC through the REST API with token users: denials with kube's 403, grants through
// Roles and bindings, the self reviews kubectl's `auth whoami` and `auth can-i` send.

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({
    authenticator: createTokenAuthenticator([
      { token: 'admin', user: ADMIN_USER },
      { token: 'dev', user: { username: 'system:serviceaccount:team:dev', uid: 'u-1', groups: ['system:serviceaccounts', 'system:serviceaccounts:team'] } },
      { token: 'ann', user: { username: 'ann', groups: [] } },
    ]),
  });
});
afterAll(async () => t.close());

const as = (token: string, method: string, url: string, payload?: unknown) =>
  t.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });

describe('RBAC', () => {
  it('the admin (system:masters) may do anything', async () => {
    expect((await as('admin', 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } })).statusCode).toBe(201);
    expect((await as('admin', 'GET', '/metrics')).statusCode).toBe(200);
  });

  it('a user without bindings is forbidden, with kube message and details, and nothing changes', async () => {
    const list = await as('dev', 'GET', '/api/v1/namespaces/team/pods');
    expect(list.statusCode).toBe(403);
    expect(json(list)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods is forbidden: User "system:serviceaccount:team:dev" cannot list resource "pods" in API group "" in the namespace "team"',
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
    const create = await as('dev', 'POST', '/api/v1/namespaces/team/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(create.statusCode).toBe(403);
    expect((await as('admin', 'GET', '/api/v1/namespaces/team/configmaps/x')).statusCode).toBe(404);
    const metrics = await as('dev', 'GET', '/metrics');
    expect(json(metrics).message).toBe('forbidden: User "system:serviceaccount:team:dev" cannot get path "/metrics"');
  });

  it('every authenticated user may discover the API and review itself', async () => {
    expect((await as('dev', 'GET', '/api')).statusCode).toBe(200);
    expect((await as('dev', 'GET', '/apis/apps/v1')).statusCode).toBe(200);
    const who = await as('dev', 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    expect(who.statusCode).toBe(201);
    expect(json(who).status.userInfo).toEqual({ username: 'system:serviceaccount:team:dev', uid: 'u-1', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'] });
  });

  it('a Role and RoleBinding grant what they say, in their namespace only', async () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] };
    expect((await as('admin', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles', role)).statusCode).toBe(201);
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'dev-reads' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'dev', namespace: 'team' }] };
    expect((await as('admin', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', binding)).statusCode).toBe(201);
    expect((await as('dev', 'GET', '/api/v1/namespaces/team/pods')).statusCode).toBe(200);
    expect((await as('dev', 'GET', '/api/v1/namespaces/default/pods')).statusCode).toBe(403);
    expect((await as('dev', 'DELETE', '/api/v1/namespaces/team/pods/x')).statusCode).toBe(403);
  });

  it('the aggregated edit role grants writes through a ClusterRole binding', async () => {
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'ann-edit' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'User', name: 'ann' }] };
    expect((await as('admin', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', binding)).statusCode).toBe(201);
    expect((await as('ann', 'POST', '/api/v1/namespaces/team/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok' } })).statusCode).toBe(201);
    // edit aggregates into admin, not the other way: no RBAC objects.
    expect((await as('ann', 'GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles')).statusCode).toBe(403);
  });

  it('SelfSubjectAccessReview answers can-i; SelfSubjectRulesReview lists the rules', async () => {
    const ask = (verb: string, resource: string, namespace: string) =>
      as('dev', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, resource, namespace } } });
    const yes = await ask('list', 'pods', 'team');
    expect(yes.statusCode).toBe(201);
    expect(json(yes).status.allowed).toBe(true);
    expect(json(await ask('create', 'pods', 'team')).status.allowed).toBe(false);
    const rules = json(await as('dev', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'team' } }));
    expect(rules.status.incomplete).toBe(false);
    expect(rules.status.resourceRules).toContainEqual({ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] });
    expect(rules.status.resourceRules).toContainEqual({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
    expect(rules.status.nonResourceRules.length).toBeGreaterThan(0);
  });

  it('SubjectAccessReview needs permission, and a review must ask exactly one thing', async () => {
    const sar = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'ann', resourceAttributes: { verb: 'create', resource: 'configmaps', namespace: 'team' } } };
    expect((await as('dev', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', sar)).statusCode).toBe(403);
    const answered = await as('admin', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', sar);
    expect(json(answered).status.allowed).toBe(true);
    const both = await as('admin', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: { resourceAttributes: { verb: 'get', resource: 'pods' }, nonResourceAttributes: { path: '/api', verb: 'get' } } });
    expect(both.statusCode).toBe(422);
    expect(json(both).message).toBe('SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
    const nobody = await as('admin', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } });
    expect(nobody.statusCode).toBe(422);
    const notJson = await t.app.inject({ method: 'POST', url: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', headers: { authorization: 'Bearer dev', 'content-type': 'application/json' }, payload: '[1,2]' });
    expect(notJson.statusCode).toBe(400);
    expect((await as('admin', 'GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).statusCode).toBe(405);
  });

  it('impersonation: allowed for the admin, 403 without the impersonate verb, 400 when malformed', async () => {
    const asDev = await t.app.inject({ url: '/api/v1/namespaces/default/pods', headers: { authorization: 'Bearer admin', 'impersonate-user': 'system:serviceaccount:team:dev' } });
    expect(asDev.statusCode).toBe(403);
    expect(json(asDev).message).toBe('pods is forbidden: User "system:serviceaccount:team:dev" cannot list resource "pods" in API group "" in the namespace "default"');
    const who = await t.app.inject({ method: 'POST', url: '/apis/authentication.k8s.io/v1/selfsubjectreviews', headers: { authorization: 'Bearer admin', 'impersonate-user': 'jane', 'impersonate-group': 'qa' }, payload: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    expect(json(who).status.userInfo).toEqual({ username: 'jane', groups: ['qa', 'system:authenticated'] });
    const escalate = await t.app.inject({ url: '/api/v1/namespaces/team/pods', headers: { authorization: 'Bearer dev', 'impersonate-user': 'kubernetes-admin', 'impersonate-group': 'system:masters' } });
    expect(escalate.statusCode).toBe(403);
    expect(json(escalate)).toMatchObject({
      message: 'users "kubernetes-admin" is forbidden: User "system:serviceaccount:team:dev" cannot impersonate resource "users" in API group "" at the cluster scope',
      details: { name: 'kubernetes-admin', kind: 'users' },
    });
    const groupOnly = await t.app.inject({ url: '/api/v1/namespaces/team/pods', headers: { authorization: 'Bearer admin', 'impersonate-group': 'qa' } });
    expect(groupOnly.statusCode).toBe(400);
  });
});
