import { z } from 'zod';
import type { KubeObject, ResourceType, TableColumnDefinition } from '../types.js';
import { objectSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { defaultBinding, roleRefSchema, subjectSchema, subjectsStrings, validateBinding, type RoleRef, type Subject } from './common.js';

/** rbac.authorization.k8s.io/v1 RoleBinding: grants a Role or ClusterRole within a namespace. */
export const roleBindingSchema = objectSchema({
  subjects: z.array(subjectSchema).optional(),
  roleRef: roleRefSchema.optional(),
});
export type RoleBinding = z.infer<typeof roleBindingSchema>;

/** Columns of printRoleBinding / printClusterRoleBinding; `what` is roleBinding or clusterRoleBinding. */
export function bindingColumns(what: 'roleBinding' | 'clusterRoleBinding', roleRefDescription: string): TableColumnDefinition[] {
  return [
    nameColumn,
    column('Role', roleRefDescription),
    ageColumn,
    column('Users', `Users in the ${what}`, { priority: 1 }),
    column('Groups', `Groups in the ${what}`, { priority: 1 }),
    column('ServiceAccounts', `ServiceAccounts in the ${what}`, { priority: 1 }),
  ];
}

/** NAME ROLE AGE [USERS GROUPS SERVICEACCOUNTS], lists joined with ", ". */
export function bindingRow(obj: KubeObject, now: number): unknown[] {
  const b = obj as { roleRef?: RoleRef; subjects?: Subject[] } & KubeObject;
  const { users, groups, serviceAccounts } = subjectsStrings(b.subjects);
  return [
    b.metadata.name ?? '',
    `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`,
    age(obj, now),
    users.join(', '),
    groups.join(', '),
    serviceAccounts.join(', '),
  ];
}

export const roleBindingResource: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'RoleBinding',
  listKind: 'RoleBindingList',
  plural: 'rolebindings',
  singular: 'rolebinding',
  shortNames: [],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: roleBindingSchema,
  subresources: {},
  hasGeneration: false,
  defaults: defaultBinding,
  validate: (obj, old) => validateBinding(obj, old, true),
  tableColumns: bindingColumns(
    'roleBinding',
    'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
  ),
  tableRow: bindingRow,
};
