import { z } from 'zod';
import type { KubeObject, ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { aggregationRuleSchema, createdAtColumns, createdAtRow, rulesSchema, validateAggregationRule, validateRules } from './common.js';

/** rbac.authorization.k8s.io/v1 ClusterRole: cluster-wide rules, optionally aggregated by label. */
export const clusterRoleSchema = objectSchema({
  rules: rulesSchema,
  aggregationRule: aggregationRuleSchema.optional(),
});
export type ClusterRole = z.infer<typeof clusterRoleSchema>;

export const clusterRoleResource: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  listKind: 'ClusterRoleList',
  plural: 'clusterroles',
  singular: 'clusterrole',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: clusterRoleSchema,
  subresources: {},
  hasGeneration: false,
  defaults() {
    // rbac/v1 has no ClusterRole defaults.
  },
  validate: (obj: KubeObject) => {
    const cr = obj as ClusterRole;
    return [...validateRules(cr.rules, false), ...validateAggregationRule(cr.aggregationRule)];
  },
  tableColumns: createdAtColumns,
  tableRow: createdAtRow,
};
