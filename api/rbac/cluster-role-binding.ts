import { z } from 'zod';
import type { ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { defaultBinding, roleRefSchema, subjectSchema, validateBinding } from './common.js';
import { bindingColumns, bindingRow } from './role-binding.js';

/** rbac.authorization.k8s.io/v1 ClusterRoleBinding: grants a ClusterRole cluster-wide. */
export const clusterRoleBindingSchema = objectSchema({
  subjects: z.array(subjectSchema).optional(),
  roleRef: roleRefSchema.optional(),
});
export type ClusterRoleBinding = z.infer<typeof clusterRoleBindingSchema>;

export const clusterRoleBindingResource: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRoleBinding',
  listKind: 'ClusterRoleBindingList',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: clusterRoleBindingSchema,
  subresources: {},
  hasGeneration: false,
  defaults: defaultBinding,
  validate: (obj, old) => validateBinding(obj, old, false),
  tableColumns: bindingColumns(
    'clusterRoleBinding',
    'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
  ),
  tableRow: bindingRow,
};
