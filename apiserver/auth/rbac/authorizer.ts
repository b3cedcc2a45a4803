import type { PolicyRule, RoleRef } from '../../../api/rbac/index.js';
import type { Registries } from '../../registry/registries.js';
import type { UserInfo } from '../authenticator.js';
import { rbacAllows, refRules, rulesFor, type RbacObjects, type RequestAttributes } from './rule-match.js';

/**
 * kube-apiserver's authorizer chain as Kubeling runs it: the privileged group
 * system:masters is allowed everything (kube's first authorizer, so the admin and the
 * components on the admin credential never depend on RBAC objects), then RBAC over the
 * stored Roles, ClusterRoles and bindings. Objects are read per decision: RBAC objects are
 * few, and the masters fast path skips the reads for every component request.
 */

export const PRIVILEGED_GROUP = 'system:masters';

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface Authorizer {
  authorize(user: UserInfo, attrs: RequestAttributes): Promise<Decision>;
  /** Every rule that applies to the user in a namespace (SelfSubjectRulesReview). */
  rulesFor(user: UserInfo, namespace: string | undefined): Promise<PolicyRule[]>;
  /** The rules a roleRef grants in a namespace (aggregation included); [] when the role is missing. */
  roleRefRules(ref: RoleRef, namespace: string | undefined): Promise<PolicyRule[]>;
}

export function createRbacAuthorizer(registries: Registries): Authorizer {
  const load = async (): Promise<RbacObjects> => {
    const list = async (kind: string) => (await registries.forKind('rbac.authorization.k8s.io', kind).list(undefined)).items;
    const [clusterRoles, clusterRoleBindings, roles, roleBindings] = await Promise.all([list('ClusterRole'), list('ClusterRoleBinding'), list('Role'), list('RoleBinding')]);
    return { clusterRoles, clusterRoleBindings, roles, roleBindings } as unknown as RbacObjects;
  };
  return {
    async authorize(user, attrs) {
      if (user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
      const allowed = rbacAllows(user, attrs, await load());
      return { allowed, reason: allowed ? 'RBAC: allowed' : '' };
    },
    async rulesFor(user, namespace) {
      return rulesFor(user, namespace, await load());
    },
    async roleRefRules(ref, namespace) {
      return refRules(ref, namespace, await load());
    },
  };
}

/** kube's forbiddenMessage + NewForbidden: the 403 message for a denied request. */
export function forbiddenMessage(user: UserInfo, attrs: RequestAttributes): string {
  if (attrs.kind === 'nonResource') return `forbidden: User "${user.username}" cannot ${attrs.verb} path "${attrs.path}"`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const qualified = attrs.group ? `${attrs.resource}.${attrs.group}` : attrs.resource;
  const head = attrs.name ? `${qualified} "${attrs.name}" is forbidden` : `${qualified} is forbidden`;
  return `${head}: User "${user.username}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${where}`;
}
