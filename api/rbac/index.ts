import type { ResourceType } from '../types.js';
import { clusterRoleBindingResource } from './cluster-role-binding.js';
import { clusterRoleResource } from './cluster-role.js';
import { roleBindingResource } from './role-binding.js';
import { roleResource } from './role.js';

export {
  rbacGroup,
  rbacNameValidator,
  policyRuleSchema,
  subjectSchema,
  roleRefSchema,
  aggregationRuleSchema,
  subjectsStrings,
  type PolicyRule,
  type Subject,
  type RoleRef,
} from './common.js';
export { roleSchema, roleResource, type Role } from './role.js';
export { clusterRoleSchema, clusterRoleResource, type ClusterRole } from './cluster-role.js';
export { roleBindingSchema, roleBindingResource, type RoleBinding } from './role-binding.js';
export { clusterRoleBindingSchema, clusterRoleBindingResource, type ClusterRoleBinding } from './cluster-role-binding.js';

/** rbac.authorization.k8s.io kinds, in discovery order. */
export const rbacResources: ResourceType[] = [clusterRoleBindingResource, clusterRoleResource, roleBindingResource, roleResource];
