import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../../api/rbac/index.js';
import type { UserInfo } from '../authenticator.js';
import { forbiddenMessage } from './authorizer.js';
import { clusterRoleRules, rbacAllows, ruleAllows, subjectMatches, type RbacObjects, type RequestAttributes } from './rule-match.js';

const res = (verb: string, resource: string, extra: Partial<Extract<RequestAttributes, { kind: 'resource' }>> = {}): RequestAttributes => ({ kind: 'resource', verb, group: '', resource, ...extra });

describe('ruleAllows', () => {
  const podsRead: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
  it.each<[string, PolicyRule, RequestAttributes, boolean]>([
    ['verb and resource', podsRead, res('list', 'pods'), true],
    ['other verb', podsRead, res('delete', 'pods'), false],
    ['other group', podsRead, res('list', 'pods', { group: 'apps' }), false],
    ['subresource needs its own entry', podsRead, res('get', 'pods', { subresource: 'log' }), false],
    ['resource/subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, res('get', 'pods', { subresource: 'log' }), true],
    ['star subresource', { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] }, res('update', 'deployments', { group: 'apps', subresource: 'scale' }), true],
    ['stars', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, res('deletecollection', 'secrets', { namespace: 'x' }), true],
    ['resourceNames match', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('get', 'configmaps', { name: 'a' }), true],
    ['resourceNames miss', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('get', 'configmaps', { name: 'b' }), false],
    ['resourceNames never match a list', { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('list', 'configmaps'), false],
    ['non-resource exact', { verbs: ['get'], nonResourceURLs: ['/version'] }, { kind: 'nonResource', verb: 'get', path: '/version' }, true],
    ['non-resource prefix', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, { kind: 'nonResource', verb: 'get', path: '/apis/apps/v1' }, true],
    ['non-resource miss', { verbs: ['get'], nonResourceURLs: ['/version'] }, { kind: 'nonResource', verb: 'get', path: '/metrics' }, false],
    ['resource rule never grants a path', podsRead, { kind: 'nonResource', verb: 'get', path: '/api' }, false],
  ])('%s', (_name, rule, attrs, want) => {
    expect(ruleAllows(rule, attrs)).toBe(want);
  });
});

describe('subjectMatches', () => {
  const dev: UserInfo = { username: 'system:serviceaccount:ns:dev', groups: ['system:serviceaccounts', 'system:authenticated'] };
  it.each<[string, { kind?: string; name?: string; namespace?: string }, string | undefined, boolean]>([
    ['user', { kind: 'User', name: 'system:serviceaccount:ns:dev' }, undefined, true],
    ['group', { kind: 'Group', name: 'system:authenticated' }, undefined, true],
    ['service account with namespace', { kind: 'ServiceAccount', name: 'dev', namespace: 'ns' }, 'other', true],
    ['service account in the binding namespace', { kind: 'ServiceAccount', name: 'dev' }, 'ns', true],
    ['service account elsewhere', { kind: 'ServiceAccount', name: 'dev', namespace: 'x' }, 'ns', false],
    ['unknown kind', { kind: 'Robot', name: 'dev' }, 'ns', false],
  ])('%s', (_name, subject, ns, want) => {
    expect(subjectMatches(subject, dev, ns)).toBe(want);
  });
});

describe('rbacAllows with bindings and aggregation', () => {
  const objects: RbacObjects = {
    clusterRoles: [
      { metadata: { name: 'view' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg/view': 'true' } }] }, rules: [] },
      { metadata: { name: 'pods-view', labels: { 'agg/view': 'true' } }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] },
      { metadata: { name: 'nodes-read' }, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['nodes'] }] },
    ],
    clusterRoleBindings: [{ metadata: { name: 'n' }, subjects: [{ kind: 'Group', name: 'ops' }], roleRef: { kind: 'ClusterRole', name: 'nodes-read' } }],
    roles: [{ metadata: { name: 'cm-edit', namespace: 'ns' }, rules: [{ verbs: ['create'], apiGroups: [''], resources: ['configmaps'] }] }],
    roleBindings: [
      { metadata: { name: 'a', namespace: 'ns' }, subjects: [{ kind: 'User', name: 'ann' }], roleRef: { kind: 'ClusterRole', name: 'view' } },
      { metadata: { name: 'b', namespace: 'ns' }, subjects: [{ kind: 'User', name: 'ann' }], roleRef: { kind: 'Role', name: 'cm-edit' } },
    ],
  };
  const ann: UserInfo = { username: 'ann', groups: ['system:authenticated'] };
  const bob: UserInfo = { username: 'bob', groups: ['ops', 'system:authenticated'] };
  it.each<[string, UserInfo, RequestAttributes, boolean]>([
    ['aggregated rule in the bound namespace', ann, res('list', 'pods', { namespace: 'ns' }), true],
    ['not in another namespace', ann, res('list', 'pods', { namespace: 'other' }), false],
    ['not cluster-wide', ann, res('list', 'pods'), false],
    ['Role in its namespace', ann, res('create', 'configmaps', { namespace: 'ns' }), true],
    ['ClusterRoleBinding by group', bob, res('list', 'nodes'), true],
    ['ClusterRoleBinding applies in namespaces too', bob, res('list', 'nodes', { namespace: 'ns' }), true],
    ['nothing bound', bob, res('list', 'pods', { namespace: 'ns' }), false],
  ])('%s', (_name, user, attrs, want) => {
    expect(rbacAllows(user, attrs, objects)).toBe(want);
  });

  it('aggregation follows labels and survives cycles', () => {
    expect(clusterRoleRules('view', objects)).toEqual([{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]);
    const cyclic: RbacObjects = { ...objects, clusterRoles: [{ metadata: { name: 'x', labels: { l: 'y' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { l: 'y' } }] }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['a'] }] }] };
    expect(clusterRoleRules('x', cyclic)).toHaveLength(1);
  });
});

describe('rbacAllows per snapshot of the RBAC objects', () => {
  const user: UserInfo = { username: 'system:serviceaccount:ns:sa', groups: ['system:serviceaccounts', 'system:authenticated'] };
  const attrs: RequestAttributes = { kind: 'resource', verb: 'create', group: '', resource: 'pods', namespace: 'ns' };
  const role = { metadata: { name: 'edit' }, rules: [{ verbs: ['create'], apiGroups: [''], resources: ['pods'] }] };

  it('answers the same for the same snapshot, and follows a new snapshot at once', () => {
    const before: RbacObjects = { clusterRoles: [role], clusterRoleBindings: [], roles: [], roleBindings: [] };
    expect(rbacAllows(user, attrs, before)).toBe(false);
    expect(rbacAllows(user, attrs, before)).toBe(false);
    const after: RbacObjects = { ...before, roleBindings: [{ metadata: { name: 'b', namespace: 'ns' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' } }] };
    expect(rbacAllows(user, attrs, after)).toBe(true);
    // Another namespace and another user are other entries of the same snapshot.
    expect(rbacAllows(user, { ...attrs, namespace: 'other' }, after)).toBe(false);
    expect(rbacAllows({ ...user, username: 'system:serviceaccount:ns:other' }, attrs, after)).toBe(false);
    expect(rbacAllows(user, attrs, before)).toBe(false);
  });
});

describe('forbiddenMessage (kube wording)', () => {
  const dev: UserInfo = { username: 'system:serviceaccount:ns:dev', groups: [] };
  it.each<[RequestAttributes, string]>([
    [res('list', 'pods', { namespace: 'ns' }), 'pods is forbidden: User "system:serviceaccount:ns:dev" cannot list resource "pods" in API group "" in the namespace "ns"'],
    [res('get', 'deployments', { group: 'apps', namespace: 'ns', name: 'web' }), 'deployments.apps "web" is forbidden: User "system:serviceaccount:ns:dev" cannot get resource "deployments" in API group "apps" in the namespace "ns"'],
    [res('list', 'nodes'), 'nodes is forbidden: User "system:serviceaccount:ns:dev" cannot list resource "nodes" in API group "" at the cluster scope'],
    [res('get', 'pods', { namespace: 'ns', name: 'p', subresource: 'log' }), 'pods "p" is forbidden: User "system:serviceaccount:ns:dev" cannot get resource "pods/log" in API group "" in the namespace "ns"'],
    [{ kind: 'nonResource', verb: 'get', path: '/metrics' }, 'forbidden: User "system:serviceaccount:ns:dev" cannot get path "/metrics"'],
  ])('%j', (attrs, want) => {
    expect(forbiddenMessage(dev, attrs)).toBe(want);
  });
});
