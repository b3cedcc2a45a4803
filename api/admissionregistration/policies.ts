import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema, conditionSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { duplicate, forbidden, invalid, notSupported, required } from '../validation.js';
import { formatLabelSelector } from '../selector.js';
import {
  FAILURE_POLICIES,
  MATCH_POLICIES,
  MATCH_CONDITION_VARIABLES,
  POLICY_VARIABLES,
  labelSelectorSchema,
  matchConditionSchema,
  namedRuleWithOperationsSchema,
  validateEnum,
  validateExpression,
  validateMatchConditions,
  validateRule,
  validateSelector,
  type NamedRuleWithOperations,
} from './common.js';

/**
 * admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and its Binding: CEL rules
 * the apiserver evaluates itself (apiserver/admission/policies.ts).
 */

export const matchResourcesSchema = z.object({
  namespaceSelector: labelSelectorSchema.optional(),
  objectSelector: labelSelectorSchema.optional(),
  resourceRules: z.array(namedRuleWithOperationsSchema).optional(),
  excludeResourceRules: z.array(namedRuleWithOperationsSchema).optional(),
  matchPolicy: z.string().optional(),
});
export type MatchResources = z.infer<typeof matchResourcesSchema>;

const validationSchema = z.object({
  expression: z.string(),
  message: z.string().optional(),
  reason: z.string().optional(),
  messageExpression: z.string().optional(),
});
const auditAnnotationSchema = z.object({ key: z.string(), valueExpression: z.string() });
const variableSchema = z.object({ name: z.string(), expression: z.string() });

export const validatingAdmissionPolicySchema = objectSchema({
  spec: z
    .object({
      paramKind: z.object({ apiVersion: z.string().optional(), kind: z.string().optional() }).optional(),
      matchConstraints: matchResourcesSchema.optional(),
      validations: z.array(validationSchema).optional(),
      failurePolicy: z.string().optional(),
      auditAnnotations: z.array(auditAnnotationSchema).optional(),
      matchConditions: z.array(matchConditionSchema).optional(),
      variables: z.array(variableSchema).optional(),
    })
    .optional(),
  status: z
    .object({
      observedGeneration: z.number().int().optional(),
      typeChecking: z.object({ expressionWarnings: z.array(z.object({ fieldRef: z.string(), warning: z.string() })).optional() }).optional(),
      conditions: z.array(conditionSchema).optional(),
    })
    .optional(),
});
export type ValidatingAdmissionPolicy = z.infer<typeof validatingAdmissionPolicySchema>;
export type PolicySpec = NonNullable<ValidatingAdmissionPolicy['spec']>;

export const paramRefSchema = z.object({
  name: z.string().optional(),
  namespace: z.string().optional(),
  selector: labelSelectorSchema.optional(),
  parameterNotFoundAction: z.string().optional(),
});
export type ParamRef = z.infer<typeof paramRefSchema>;

export const validatingAdmissionPolicyBindingSchema = objectSchema({
  spec: z
    .object({
      policyName: z.string().optional(),
      paramRef: paramRefSchema.optional(),
      matchResources: matchResourcesSchema.optional(),
      validationActions: z.array(z.string()).optional(),
    })
    .optional(),
});
export type ValidatingAdmissionPolicyBinding = z.infer<typeof validatingAdmissionPolicyBindingSchema>;

const REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'] as const;
const ACTIONS = ['Audit', 'Deny', 'Warn'] as const;
const NOT_FOUND_ACTIONS = ['Allow', 'Deny'] as const;
const CEL_IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

function defaultMatchResources(m: MatchResources | undefined): void {
  if (!m) return;
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  for (const r of [...(m.resourceRules ?? []), ...(m.excludeResourceRules ?? [])]) r.scope ??= '*';
}

function validateMatchResources(m: MatchResources | undefined, path: string, requireRules: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!m) return requireRules ? [required(path)] : [];
  errs.push(...validateEnum(m.matchPolicy, `${path}.matchPolicy`, MATCH_POLICIES));
  errs.push(...validateSelector(m.namespaceSelector, `${path}.namespaceSelector`));
  errs.push(...validateSelector(m.objectSelector, `${path}.objectSelector`));
  if (requireRules && (m.resourceRules ?? []).length === 0) errs.push(required(`${path}.resourceRules`));
  const eachRule = (rules: NamedRuleWithOperations[] | undefined, p: string) =>
    (rules ?? []).forEach((r, i) => errs.push(...validateRule(r, `${p}[${i}]`)));
  eachRule(m.resourceRules, `${path}.resourceRules`);
  eachRule(m.excludeResourceRules, `${path}.excludeResourceRules`);
  return errs;
}

function validatePolicy(obj: KubeObject): FieldError[] {
  const spec = (obj as ValidatingAdmissionPolicy).spec ?? {};
  const errs: FieldError[] = [];
  const vars = spec.paramKind ? POLICY_VARIABLES : POLICY_VARIABLES.filter((v) => v !== 'params');
  if (spec.paramKind) {
    if (!spec.paramKind.apiVersion) errs.push(required('spec.paramKind.apiVersion'));
    else if (spec.paramKind.apiVersion.split('/').length > 2) errs.push(invalid('spec.paramKind.apiVersion', spec.paramKind.apiVersion, 'apiVersion must be a valid group/version'));
    if (!spec.paramKind.kind) errs.push(required('spec.paramKind.kind'));
  }
  errs.push(...validateMatchResources(spec.matchConstraints, 'spec.matchConstraints', true));
  errs.push(...validateEnum(spec.failurePolicy, 'spec.failurePolicy', FAILURE_POLICIES));
  const validations = spec.validations ?? [];
  const audits = spec.auditAnnotations ?? [];
  if (validations.length === 0 && audits.length === 0) errs.push(required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  const varNames = new Set<string>();
  (spec.variables ?? []).forEach((v, i) => {
    const p = `spec.variables[${i}]`;
    if (!v.name) errs.push(required(`${p}.name`));
    else if (!CEL_IDENTIFIER.test(v.name)) errs.push(invalid(`${p}.name`, v.name, 'name is not a valid CEL identifier'));
    else if (varNames.has(v.name)) errs.push(duplicate(`${p}.name`, v.name));
    varNames.add(v.name);
    errs.push(...validateExpression(v.expression, `${p}.expression`, vars));
  });
  validations.forEach((v, i) => {
    const p = `spec.validations[${i}]`;
    errs.push(...validateExpression(v.expression, `${p}.expression`, vars, 'bool'));
    if (v.message !== undefined) {
      if (v.message.trim() === '') errs.push(invalid(`${p}.message`, v.message, 'message must be non-empty if specified'));
      else if (v.message.includes('\n')) errs.push(invalid(`${p}.message`, v.message, 'message must not contain line breaks'));
    }
    if (v.messageExpression !== undefined) {
      if (v.messageExpression.trim() === '') errs.push(required(`${p}.messageExpression`, 'messageExpression must be non-empty if specified'));
      else errs.push(...validateExpression(v.messageExpression, `${p}.messageExpression`, vars, 'string'));
    }
    if (v.reason !== undefined && !(REASONS as readonly string[]).includes(v.reason)) errs.push(notSupported(`${p}.reason`, v.reason, REASONS));
  });
  const keys = new Set<string>();
  audits.forEach((a, i) => {
    const p = `spec.auditAnnotations[${i}]`;
    if (!a.key) errs.push(required(`${p}.key`));
    else if (keys.has(a.key)) errs.push(duplicate(`${p}.key`, a.key));
    keys.add(a.key);
    errs.push(...validateExpression(a.valueExpression, `${p}.valueExpression`, vars));
  });
  errs.push(...validateMatchConditions(spec.matchConditions, 'spec.matchConditions', spec.paramKind ? [...MATCH_CONDITION_VARIABLES, 'params', 'namespaceObject', 'variables'] : [...MATCH_CONDITION_VARIABLES, 'namespaceObject', 'variables']));
  return errs;
}

function validateBinding(obj: KubeObject): FieldError[] {
  const spec = (obj as ValidatingAdmissionPolicyBinding).spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.policyName) errs.push(required('spec.policyName'));
  const pr = spec.paramRef;
  if (pr) {
    if (pr.name && pr.selector) errs.push(forbidden('spec.paramRef.name', 'name and selector are mutually exclusive'));
    if (!pr.name && !pr.selector) errs.push(required('spec.paramRef', 'one of name or selector must be specified'));
    if (pr.selector) errs.push(...validateSelector(pr.selector, 'spec.paramRef.selector'));
    if (pr.parameterNotFoundAction === undefined) errs.push(required('spec.paramRef.parameterNotFoundAction'));
    else errs.push(...validateEnum(pr.parameterNotFoundAction, 'spec.paramRef.parameterNotFoundAction', NOT_FOUND_ACTIONS));
  }
  errs.push(...validateMatchResources(spec.matchResources, 'spec.matchResources', false));
  const actions = spec.validationActions ?? [];
  if (actions.length === 0) errs.push(required('spec.validationActions', 'at least one validation action is required'));
  const seen = new Set<string>();
  actions.forEach((a, i) => {
    if (seen.has(a)) errs.push(duplicate(`spec.validationActions[${i}]`, a));
    seen.add(a);
    if (!(ACTIONS as readonly string[]).includes(a)) errs.push(notSupported(`spec.validationActions[${i}]`, a, ACTIONS));
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec.validationActions', message: `Invalid value: []string{${actions.map((a) => JSON.stringify(a)).join(', ')}}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)` });
  }
  return errs;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const validatingAdmissionPolicyResource: ResourceType = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicy',
  listKind: 'ValidatingAdmissionPolicyList',
  plural: 'validatingadmissionpolicies',
  singular: 'validatingadmissionpolicy',
  shortNames: [],
  categories: ['api-extensions'],
  namespaced: false,
  verbs: VERBS,
  schema: validatingAdmissionPolicySchema,
  subresources: { status: true },
  hasGeneration: true,
  defaults(obj: KubeObject) {
    const p = obj as ValidatingAdmissionPolicy;
    p.spec ??= {};
    p.spec.failurePolicy ??= 'Fail';
    defaultMatchResources(p.spec.matchConstraints);
  },
  validate: validatePolicy,
  prepareForCreate(obj: KubeObject) {
    delete (obj as ValidatingAdmissionPolicy).status;
  },
  tableColumns: [
    nameColumn,
    column('Validations', 'Validations indicates the number of validation rules defined in this configuration', { type: 'integer' }),
    column('ParamKind', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    ageColumn,
  ],
  tableRow: (obj: KubeObject, now: number) => {
    const spec = (obj as ValidatingAdmissionPolicy).spec ?? {};
    const pk = spec.paramKind ? `${spec.paramKind.apiVersion ?? ''}/${spec.paramKind.kind ?? ''}` : '<unset>';
    return [obj.metadata.name ?? '', (spec.validations ?? []).length, pk, age(obj, now)];
  },
};

export const validatingAdmissionPolicyBindingResource: ResourceType = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  listKind: 'ValidatingAdmissionPolicyBindingList',
  plural: 'validatingadmissionpolicybindings',
  singular: 'validatingadmissionpolicybinding',
  shortNames: [],
  categories: ['api-extensions'],
  namespaced: false,
  verbs: VERBS,
  schema: validatingAdmissionPolicyBindingSchema,
  subresources: {},
  hasGeneration: true,
  defaults(obj: KubeObject) {
    const b = obj as ValidatingAdmissionPolicyBinding;
    b.spec ??= {};
    defaultMatchResources(b.spec.matchResources);
  },
  validate: validateBinding,
  tableColumns: [
    nameColumn,
    column('PolicyName', 'PolicyName indicates the policy definition which the policy binding binded to'),
    column('ParamRef', 'ParamRef indicates the param resource which sets the configration param'),
    ageColumn,
  ],
  tableRow: (obj: KubeObject, now: number) => {
    const spec = (obj as ValidatingAdmissionPolicyBinding).spec ?? {};
    let ref = '<unset>';
    const pr = spec.paramRef;
    if (pr?.name) ref = pr.namespace ? `${pr.namespace}/${pr.name}` : `*/${pr.name}`;
    else if (pr?.selector) ref = formatLabelSelector(pr.selector) || '<all>';
    return [obj.metadata.name ?? '', spec.policyName ?? '', ref, age(obj, now)];
  },
};
