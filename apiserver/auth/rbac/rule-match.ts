import type { PolicyRule, RoleRef, Subject } from '../../../api/rbac/index.js';
import type { UserInfo } from '../authenticator.js';

/**
 * RBAC decisions as pure functions, as kube's plugin/pkg/auth/authorizer/rbac: which rule
 * allows which request, which binding names which user. The authorizer around them only
 * gathers the objects.
 */

/** What is asked (kube's authorizer.Attributes). */
export type RequestAttributes =
  | { kind: 'resource'; verb: string; group: string; resource: string; subresource?: string; namespace?: string; name?: string }
  | { kind: 'nonResource'; verb: string; path: string };

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

/** `pods`, `pods/log`, `*`, or star-slash-sub (any resource's subresource), as kube's ResourceMatches. */
export function resourceMatches(rule: PolicyRule, resource: string, subresource?: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => {
    if (r === '*' || r === combined) return true;
    return subresource !== undefined && r === `*/${subresource}`;
  });
}

export function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return name !== undefined && names.includes(name);
}

/** `/healthz`, `*`, or a prefix ending in `*` (`/apis/*`). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
}

export function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (attrs.kind === 'nonResource') return nonResourceURLMatches(rule, attrs.path);
  return apiGroupMatches(rule, attrs.group) && resourceMatches(rule, attrs.resource, attrs.subresource) && resourceNameMatches(rule, attrs.name);
}

/** Does a binding subject name this user? ServiceAccounts default to the binding's namespace. */
export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username;
    case 'Group':
      return subject.name !== undefined && user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      return user.username === `system:serviceaccount:${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

export interface RbacObjects {
  clusterRoles: Array<{ metadata: { name?: string; labels?: Record<string, string> }; rules?: PolicyRule[] | null; aggregationRule?: { clusterRoleSelectors?: Array<{ matchLabels?: Record<string, string>; matchExpressions?: unknown[] }> } }>;
  clusterRoleBindings: Array<{ metadata: { name?: string }; subjects?: Subject[] | null; roleRef: RoleRef }>;
  roles: Array<{ metadata: { name?: string; namespace?: string }; rules?: PolicyRule[] | null }>;
  roleBindings: Array<{ metadata: { name?: string; namespace?: string }; subjects?: Subject[] | null; roleRef: RoleRef }>;
}

/**
 * A ClusterRole's effective rules: its own, plus (with an aggregationRule) those of every
 * ClusterRole its selectors match, as kube's clusterrole-aggregation controller writes
 * them. Only matchLabels selectors are followed (kube's bootstrap roles use nothing else).
 */
export function clusterRoleRules(name: string, objects: RbacObjects, seen = new Set<string>()): PolicyRule[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const role = objects.clusterRoles.find((r) => r.metadata.name === name);
  if (!role) return [];
  const rules = [...(role.rules ?? [])];
  for (const sel of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const want = Object.entries(sel.matchLabels ?? {});
    if (want.length === 0) continue;
    for (const other of objects.clusterRoles) {
      const labels = other.metadata.labels ?? {};
      if (other.metadata.name !== name && want.every(([k, v]) => labels[k] === v)) rules.push(...clusterRoleRules(other.metadata.name!, objects, seen));
    }
  }
  return rules;
}

export function refRules(ref: RoleRef, namespace: string | undefined, objects: RbacObjects): PolicyRule[] {
  if (ref.kind === 'ClusterRole') return clusterRoleRules(ref.name ?? '', objects);
  if (ref.kind === 'Role') return objects.roles.find((r) => r.metadata.name === ref.name && r.metadata.namespace === namespace)?.rules ?? [];
  return [];
}

/**
 * Every rule that applies to the user in a namespace (cluster-wide bindings always; the
 * namespace's RoleBindings when one is given), as kube's VisitRulesFor.
 */
export function rulesFor(user: UserInfo, namespace: string | undefined, objects: RbacObjects): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const b of objects.clusterRoleBindings) {
    if ((b.subjects ?? []).some((s) => subjectMatches(s, user, undefined))) out.push(...refRules(b.roleRef, undefined, objects));
  }
  if (namespace) {
    for (const b of objects.roleBindings) {
      if (b.metadata.namespace !== namespace) continue;
      if ((b.subjects ?? []).some((s) => subjectMatches(s, user, namespace))) out.push(...refRules(b.roleRef, namespace, objects));
    }
  }
  return out;
}

export function rbacAllows(user: UserInfo, attrs: RequestAttributes, objects: RbacObjects): boolean {
  const ns = attrs.kind === 'resource' ? attrs.namespace : undefined;
  return memoizedRulesFor(user, ns, objects).some((r) => ruleAllows(r, attrs));
}

/**
 * The rules of a user in a namespace, computed once per snapshot of the RBAC objects (the
 * RbacCache hands out a new snapshot whenever a Role, ClusterRole or binding changes, so a
 * snapshot never changes under its memo). Walking every binding and expanding aggregated
 * roles per request cost a ServiceAccount's create about half again the admin's CPU.
 */
const rulesMemo = new WeakMap<RbacObjects, Map<string, readonly PolicyRule[]>>();
const MEMO_ENTRIES = 4096;

function memoizedRulesFor(user: UserInfo, namespace: string | undefined, objects: RbacObjects): readonly PolicyRule[] {
  let memo = rulesMemo.get(objects);
  if (!memo) rulesMemo.set(objects, (memo = new Map()));
  const key = `${user.username}\u0000${user.groups.join('\u0001')}\u0000${namespace ?? ''}`;
  let rules = memo.get(key);
  if (!rules) {
    rules = rulesFor(user, namespace, objects);
    if (memo.size >= MEMO_ENTRIES) memo.clear();
    memo.set(key, rules);
  }
  return rules;
}
