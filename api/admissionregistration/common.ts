import { z } from 'zod';
import type { FieldError } from '../types.js';
import { labelSelectorSchema } from '../meta.js';
import { duplicate, invalid, isQualifiedName, notSupported, required, tooMany, validateLabelSelector } from '../validation.js';
import { celCompileError } from '../../apiserver/admission/cel-adapter.js';

/**
 * Pieces shared by the admissionregistration.k8s.io/v1 kinds: rules, match conditions,
 * selectors, and their validation with kube's field messages.
 */

export const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'] as const;
export const SCOPES = ['*', 'Cluster', 'Namespaced'] as const;
export const FAILURE_POLICIES = ['Fail', 'Ignore'] as const;
export const MATCH_POLICIES = ['Equivalent', 'Exact'] as const;

export const ruleWithOperationsSchema = z.object({
  operations: z.array(z.string()).optional(),
  apiGroups: z.array(z.string()).optional(),
  apiVersions: z.array(z.string()).optional(),
  resources: z.array(z.string()).optional(),
  scope: z.string().optional(),
});
export type RuleWithOperations = z.infer<typeof ruleWithOperationsSchema>;

export const namedRuleWithOperationsSchema = ruleWithOperationsSchema.extend({
  resourceNames: z.array(z.string()).optional(),
});
export type NamedRuleWithOperations = z.infer<typeof namedRuleWithOperationsSchema>;

export const matchConditionSchema = z.object({ name: z.string(), expression: z.string() });
export type MatchCondition = z.infer<typeof matchConditionSchema>;

export { labelSelectorSchema };

/** Variables a webhook's or a policy's matchConditions may use. */
export const MATCH_CONDITION_VARIABLES = ['object', 'oldObject', 'request', 'authorizer'] as const;
/** What a ValidatingAdmissionPolicy's expressions may use. */
export const POLICY_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'authorizer', 'variables'] as const;

function hasWildcardMix(values: string[], wildcard = '*'): boolean {
  return values.includes(wildcard) && values.length > 1;
}

const goSlice = (values: string[]): string => `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;

/** ValidateRuleWithOperations + validateRule (kube's admissionregistration validation). */
export function validateRule(rule: RuleWithOperations, path: string, allowSubResource = true): FieldError[] {
  const errs: FieldError[] = [];
  const ops = rule.operations ?? [];
  if (ops.length === 0) errs.push(required(`${path}.operations`));
  if (hasWildcardMix(ops)) errs.push({ type: 'FieldValueInvalid', field: `${path}.operations`, message: `Invalid value: ${goSlice(ops)}: if '*' is present, must not specify other operations` });
  ops.forEach((op, i) => {
    if (!(OPERATIONS as readonly string[]).includes(op)) errs.push(notSupported(`${path}.operations[${i}]`, op, OPERATIONS));
  });
  const groups = rule.apiGroups ?? [];
  if (groups.length === 0) errs.push(required(`${path}.apiGroups`));
  if (hasWildcardMix(groups)) errs.push({ type: 'FieldValueInvalid', field: `${path}.apiGroups`, message: `Invalid value: ${goSlice(groups)}: if '*' is present, must not specify other API groups` });
  const versions = rule.apiVersions ?? [];
  if (versions.length === 0) errs.push(required(`${path}.apiVersions`));
  if (hasWildcardMix(versions)) errs.push({ type: 'FieldValueInvalid', field: `${path}.apiVersions`, message: `Invalid value: ${goSlice(versions)}: if '*' is present, must not specify other API versions` });
  versions.forEach((v, i) => {
    if (v === '') errs.push(required(`${path}.apiVersions[${i}]`));
  });
  const resources = rule.resources ?? [];
  if (resources.length === 0) errs.push(required(`${path}.resources`));
  errs.push(...validateResources(resources, `${path}.resources`, allowSubResource));
  if (rule.scope !== undefined && !(SCOPES as readonly string[]).includes(rule.scope)) errs.push(notSupported(`${path}.scope`, rule.scope, SCOPES));
  return errs;
}

function validateResources(resources: string[], path: string, allowSubResource: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let wildcard = false;
  let subWildcard = false;
  resources.forEach((r, i) => {
    const p = `${path}[${i}]`;
    if (r === '') {
      errs.push(required(p));
      return;
    }
    const [res, sub, extra] = r.split('/');
    if (extra !== undefined || (sub !== undefined && sub === '')) {
      errs.push(invalid(p, r, 'must be a resource name or resource/subresource'));
      return;
    }
    if (!allowSubResource && sub !== undefined) {
      errs.push(invalid(p, r, 'must not specify subresources'));
      return;
    }
    if (seen.has(r)) errs.push(duplicate(p, r));
    seen.add(r);
    if (r === '*') wildcard = true;
    if (r === '*/*') subWildcard = true;
    void res;
  });
  if (wildcard && resources.length > 1) errs.push(invalid(path, resources, "if '*' is present, must not specify other resources without subresources"));
  if (subWildcard && resources.length > 1) errs.push(invalid(path, resources, "if '*/*' is present, must not specify other resources"));
  return errs;
}

/** matchConditions: unique qualified names, expressions that compile to bool, at most 64. */
export function validateMatchConditions(conditions: MatchCondition[] | undefined, path: string, variables: readonly string[] = MATCH_CONDITION_VARIABLES): FieldError[] {
  const errs: FieldError[] = [];
  if (!conditions) return errs;
  if (conditions.length > 64) errs.push(tooMany(path, conditions.length, 64));
  const names = new Set<string>();
  conditions.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!c.name) errs.push(required(`${p}.name`));
    else {
      for (const msg of isQualifiedName(c.name)) errs.push(invalid(`${p}.name`, c.name, msg));
      if (names.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    errs.push(...validateExpression(c.expression, `${p}.expression`, variables, 'bool'));
  });
  return errs;
}

/** A required CEL expression that must compile (and, given `expect`, have that type). */
export function validateExpression(expression: string | undefined, path: string, variables: readonly string[], expect?: 'bool' | 'string'): FieldError[] {
  if (!expression || expression.trim() === '') return [required(path)];
  const msg = celCompileError(expression, variables as never, expect);
  return msg ? [invalid(path, expression, msg)] : [];
}

export function validateSelector(sel: unknown, path: string): FieldError[] {
  return validateLabelSelector(sel as never, path);
}

export function validateEnum(value: string | undefined, path: string, allowed: readonly string[]): FieldError[] {
  return value !== undefined && !allowed.includes(value) ? [notSupported(path, value, allowed)] : [];
}
