import { z } from 'zod';
import type { KubeObject, ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { createdAtColumns, createdAtRow, rulesSchema, validateRules } from './common.js';

/** rbac.authorization.k8s.io/v1 Role: namespaced rules. */
export const roleSchema = objectSchema({ rules: rulesSchema });
export type Role = z.infer<typeof roleSchema>;

export const roleResource: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  listKind: 'RoleList',
  plural: 'roles',
  singular: 'role',
  shortNames: [],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: roleSchema,
  subresources: {},
  hasGeneration: false,
  defaults() {
    // rbac/v1 has no Role defaults.
  },
  validate: (obj: KubeObject) => validateRules((obj as Role).rules, true),
  // Role has no printer in kube-apiserver: the default convertor's NAME / CREATED AT.
  tableColumns: createdAtColumns,
  tableRow: createdAtRow,
};
