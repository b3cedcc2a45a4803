import { z } from 'zod';
import type { FieldError, KubeObject, TableColumnDefinition } from '../types.js';
import { labelSelectorSchema } from '../meta.js';
import { nameColumn, creationTimestampDescription } from '../printers.js';
import { labelSelectorFromObject } from '../selector.js';
import { invalid, invalidEach, nameIsDNSSubdomain, notSupported, required, validateLabelSelector, validatePathSegmentName } from '../validation.js';
import { goString, goStringSlice, invalidRendered } from '../apps/go-format.js';

/**
 * rbac.authorization.k8s.io/v1 building blocks shared by Role, ClusterRole and the two
 * binding kinds: schemas, defaults, validation (pkg/apis/rbac/validation) and printers.
 * RBAC object names are only required to be URL path segments (`system:controller:x`
 * is legal), see rbacNameValidator.
 */

export const rbacGroup = 'rbac.authorization.k8s.io';

/** ValidateRBACName: names only need to be valid path segments. */
export const rbacNameValidator = validatePathSegmentName;

export const policyRuleSchema = z.object({
  verbs: z.array(z.string()).optional(),
  apiGroups: z.array(z.string()).optional(),
  resources: z.array(z.string()).optional(),
  resourceNames: z.array(z.string()).optional(),
  nonResourceURLs: z.array(z.string()).optional(),
});
export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const aggregationRuleSchema = z.object({
  clusterRoleSelectors: z.array(labelSelectorSchema).optional(),
});

export const subjectSchema = z.object({
  kind: z.string().optional(),
  apiGroup: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
});
export type Subject = z.infer<typeof subjectSchema>;

export const roleRefSchema = z.object({
  apiGroup: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
});
export type RoleRef = z.infer<typeof roleRefSchema>;

/** `rules` has no omitempty in v1: Kubernetes writes `rules: null` for a Role without rules. */
export const rulesSchema = z.array(policyRuleSchema).nullable().optional();

// ---------- validation ----------

/** ValidatePolicyRule. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if ((rule.verbs ?? []).length === 0) errs.push(required(`${field}.verbs`, 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(invalidRendered(`${field}.nonResourceURLs`, goStringSlice(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0) {
      errs.push(invalidRendered(`${field}.nonResourceURLs`, goStringSlice(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) errs.push(required(`${field}.apiGroups`, 'resource rules must supply at least one api group'));
  if ((rule.resources ?? []).length === 0) errs.push(required(`${field}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRules(rules: PolicyRule[] | null | undefined, namespaced: boolean): FieldError[] {
  return (rules ?? []).flatMap((r, i) => validatePolicyRule(r, namespaced, `rules[${i}]`));
}

/** The aggregationRule of a ClusterRole. */
export function validateAggregationRule(rule: z.infer<typeof aggregationRuleSchema> | undefined): FieldError[] {
  if (!rule) return [];
  const errs: FieldError[] = [];
  const selectors = rule.clusterRoleSelectors ?? [];
  if (selectors.length === 0) {
    errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  }
  selectors.forEach((sel, i) => {
    const p = `aggregationRule.clusterRoleSelectors[${i}]`;
    errs.push(...validateLabelSelector(sel, p));
    try {
      labelSelectorFromObject(sel);
    } catch {
      errs.push(invalid(p, null, 'invalid label selector.'));
    }
  });
  return errs;
}

/** SetDefaults_RoleBinding / _ClusterRoleBinding and SetDefaults_Subject. */
export function defaultBinding(obj: KubeObject): void {
  const b = obj as { roleRef?: RoleRef; subjects?: Subject[] };
  b.roleRef ??= {};
  if (!b.roleRef.apiGroup) b.roleRef.apiGroup = rbacGroup;
  for (const s of b.subjects ?? []) {
    if (s.apiGroup) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = rbacGroup;
  }
}

/** ValidateRoleBindingSubject. */
export function validateSubject(s: Subject, namespaced: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(`${field}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) errs.push(...invalidEach(`${field}.name`, s.name, nameIsDNSSubdomain(s.name, false)));
      if (s.apiGroup) errs.push(notSupported(`${field}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(`${field}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== rbacGroup) errs.push(notSupported(`${field}.apiGroup`, s.apiGroup ?? '', [rbacGroup]));
      break;
    default:
      errs.push(notSupported(`${field}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function goRoleRef(r: RoleRef | undefined): string {
  return `rbac.RoleRef{APIGroup:${goString(r?.apiGroup ?? '')}, Kind:${goString(r?.kind ?? '')}, Name:${goString(r?.name ?? '')}}`;
}

/**
 * ValidateRoleBinding / ValidateClusterRoleBinding (+Update): roleRef's group, kind and
 * name, every subject, and on update `cannot change roleRef`.
 */
export function validateBinding(obj: KubeObject, old: KubeObject | undefined, namespaced: boolean): FieldError[] {
  const b = obj as { roleRef?: RoleRef; subjects?: Subject[] };
  const ref = b.roleRef ?? {};
  const errs: FieldError[] = [];
  if (ref.apiGroup !== rbacGroup) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind ?? '')) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(required('roleRef.name'));
  else errs.push(...invalidEach('roleRef.name', ref.name, rbacNameValidator(ref.name, false)));
  (b.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  if (old) {
    const o = (old as { roleRef?: RoleRef }).roleRef ?? {};
    if ((o.apiGroup ?? '') !== (ref.apiGroup ?? '') || (o.kind ?? '') !== (ref.kind ?? '') || (o.name ?? '') !== (ref.name ?? '')) {
      errs.push(invalidRendered('roleRef', goRoleRef(ref), 'cannot change roleRef'));
    }
  }
  return errs;
}

// ---------- printers ----------

/** rbac.SubjectsStrings: users, groups, and service accounts as namespace/name. */
export function subjectsStrings(subjects: Subject[] | undefined): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'ServiceAccount') serviceAccounts.push(`${s.namespace ?? ''}/${s.name ?? ''}`);
    else if (s.kind === 'User') users.push(s.name ?? '');
    else if (s.kind === 'Group') groups.push(s.name ?? '');
  }
  return { users, groups, serviceAccounts };
}

/** The default Table convertor's columns (kinds without a printer): NAME, CREATED AT. */
export const createdAtColumns: TableColumnDefinition[] = [
  nameColumn,
  { name: 'Created At', type: 'date', format: '', description: creationTimestampDescription, priority: 0 },
];

/** The default Table convertor's row: the name and creationTimestamp as RFC 3339 in UTC. */
export function createdAtRow(obj: KubeObject): unknown[] {
  const ts = obj.metadata.creationTimestamp;
  const t = ts ? Date.parse(ts) : Number.NaN;
  const created = Number.isNaN(t) ? '0001-01-01T00:00:00Z' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [obj.metadata.name ?? '', created];
}
