import type { PolicyRule, RoleRef } from '../../../api/rbac/index.js';
import type { Registries } from '../../registry/registries.js';
import type { UserInfo } from '../authenticator.js';
import { rbacAllows, refRules, rulesFor, type RbacObjects, type RequestAttributes } from './rule-match.js';
import { RbacCache } from './rbac-cache.js';

/**
 * kube-apiserver's authorizer chain as Kubeling runs it: the privileged group
 * system:masters is allowed everything (kube's first authorizer, so the admin and the
 * components on the admin credential never depend on RBAC objects), then RBAC over the
 * stored Roles, ClusterRoles and bindings, kept between decisions by the RbacCache.
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

export function createRbacAuthorizer(registries: Registries, cache: RbacCache = new RbacCache(registries)): Authorizer {
  const load = (): Promise<RbacObjects> => cache.load();
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
