import { describe, expect, it } from 'vitest';
import type { KubeObject, ResourceType } from '../types.js';
import { clusterRoleBindingResource, clusterRoleResource, rbacResources, roleBindingResource, roleResource } from './index.js';

const now = Date.parse('2024-05-01T12:00:00Z');

function parse(rt: ResourceType, body: Record<string, unknown>): KubeObject {
  const obj = rt.schema.parse({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: rt.kind,
    metadata: { name: 'pod-reader', ...(rt.namespaced ? { namespace: 'default' } : {}), creationTimestamp: '2024-05-01T11:00:00Z' },
    ...body,
  }) as KubeObject;
  rt.defaults(obj);
  return obj;
}

const errors = (rt: ResourceType, obj: KubeObject, old?: KubeObject) => rt.validate(obj, old).map((e) => `${e.field}: ${e.message}`);

describe('Role and ClusterRole', () => {
  it('keep rules and strip unknown fields', () => {
    const role = parse(roleResource, { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'], color: 'x' }] }) as any;
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
    expect(errors(roleResource, role)).toEqual([]);
  });

  it.each([
    [roleResource, [{ apiGroups: [''], resources: ['pods'] }], 'rules[0].verbs: Required value: verbs must contain at least one value'],
    [roleResource, [{ verbs: ['get'], resources: ['pods'] }], 'rules[0].apiGroups: Required value: resource rules must supply at least one api group'],
    [
      roleResource,
      [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    ],
    [
      clusterRoleResource,
      [{ verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }],
      'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs',
    ],
  ])('%s rejects %j', (rt, rules, want) => {
    expect(errors(rt, parse(rt, { rules }))).toContain(want);
  });

  it('lets a ClusterRole use non-resource URLs and requires aggregation selectors', () => {
    expect(errors(clusterRoleResource, parse(clusterRoleResource, { rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }] }))).toEqual([]);
    expect(errors(clusterRoleResource, parse(clusterRoleResource, { aggregationRule: { clusterRoleSelectors: [] } }))).toEqual([
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ]);
  });

  it('print NAME and CREATED AT like the default Table convertor', () => {
    const role = parse(roleResource, { rules: null });
    expect(roleResource.tableColumns.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
    expect(roleResource.tableRow(role, now)).toEqual(['pod-reader', '2024-05-01T11:00:00Z']);
  });
});

describe('RoleBinding and ClusterRoleBinding', () => {
  const subjects = [
    { kind: 'User', name: 'jane' },
    { kind: 'Group', name: 'devs' },
    { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
  ];

  it('default roleRef.apiGroup and subject apiGroups', () => {
    const rb = parse(roleBindingResource, { subjects, roleRef: { kind: 'Role', name: 'pod-reader' } }) as any;
    expect(rb.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
    expect(rb.subjects.map((s: any) => s.apiGroup)).toEqual(['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io', '']);
    expect(errors(roleBindingResource, rb)).toEqual([]);
  });

  it.each([
    [clusterRoleBindingResource, { kind: 'Role', name: 'x' }, subjects, 'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"'],
    [roleBindingResource, { kind: 'Role' }, subjects, 'roleRef.name: Required value'],
    [roleBindingResource, { kind: 'Role', name: 'x' }, [{ kind: 'Robot', name: 'r2' }], 'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"'],
    [clusterRoleBindingResource, { kind: 'ClusterRole', name: 'x' }, [{ kind: 'ServiceAccount', name: 'sa' }], 'subjects[0].namespace: Required value'],
  ])('%s rejects roleRef %j', (rt, roleRef, subs, want) => {
    expect(errors(rt, parse(rt, { roleRef, subjects: subs }))).toContain(want);
  });

  it('allows system: names in roleRef and refuses to change roleRef', () => {
    const old = parse(clusterRoleBindingResource, { roleRef: { kind: 'ClusterRole', name: 'system:node' } });
    expect(errors(clusterRoleBindingResource, old)).toEqual([]);
    const obj = parse(clusterRoleBindingResource, { roleRef: { kind: 'ClusterRole', name: 'edit' } });
    expect(errors(clusterRoleBindingResource, obj, old)).toEqual([
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
    ]);
  });

  it('print NAME ROLE AGE and the wide subject columns', () => {
    const rb = parse(roleBindingResource, { subjects: [...subjects, { kind: 'User', name: 'bob' }], roleRef: { kind: 'ClusterRole', name: 'view' } });
    expect(roleBindingResource.tableColumns.map((c) => c.name)).toEqual(['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts']);
    expect(roleBindingResource.tableRow(rb, now)).toEqual(['pod-reader', 'ClusterRole/view', '60m', 'jane, bob', 'devs', 'ci/builder']);
  });

  it('registers the four kinds with the right scope', () => {
    expect(rbacResources.map((r) => `${r.kind}:${r.namespaced}`)).toEqual([
      'ClusterRoleBinding:false',
      'ClusterRole:false',
      'RoleBinding:true',
      'Role:true',
    ]);
  });
});
