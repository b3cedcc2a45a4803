import { randomUUID } from 'node:crypto';
import type { KubeObject, ResourceType } from '../../api/types.js';
import type { MatchResources, ParamRef, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from '../../api/admissionregistration/index.js';
import type { LabelSelectorObject } from '../../api/selector.js';
import { ApiError } from '../errors.js';
import type { AdmissionAttributes } from './attributes.js';
import { isEmptySelector, matchingVersion, namespaceSelectorMatches, objectSelectorMatches } from './matching.js';
import { admissionRequest } from './review.js';
import { celErrorText, compileCel, toCel, type CelProgram, type CelVariable } from './cel-adapter.js';

/**
 * kube's ValidatingAdmissionPolicy plugin: bindings select policies, policies' CEL
 * validations run against the request (with params, variables and matchConditions), and
 * failed validations deny, warn or are audited as the binding's validationActions say.
 */

export interface PolicyEnvironment {
  namespaceObject(namespace: string): Promise<KubeObject | undefined>;
  /** The kind a policy's paramKind names (undefined: not served). */
  paramResource(apiVersion: string, kind: string): ResourceType | undefined;
  getParam(rt: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  listParams(rt: ResourceType, namespace: string | undefined, selector: LabelSelectorObject): Promise<KubeObject[]>;
  /** Failed validations of bindings with the Audit action, and failures failurePolicy Ignore let pass. */
  onAudit?(policy: string, binding: string, message: string): void;
}

interface CompiledPolicy {
  variables: { name: string; program?: CelProgram; error?: string }[];
  conditions: { name: string; program?: CelProgram; error?: string }[];
  validations: { expression: string; program?: CelProgram; error?: string; message?: string; messageExpression?: CelProgram; reason: string }[];
}

const compiled = new WeakMap<ValidatingAdmissionPolicy, CompiledPolicy>();

function compile(policy: ValidatingAdmissionPolicy): CompiledPolicy {
  let c = compiled.get(policy);
  if (c) return c;
  const spec = policy.spec ?? {};
  const vars: CelVariable[] = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'authorizer', 'variables'];
  const one = (expr: string, expect?: 'bool' | 'string') => {
    const r = compileCel(expr, vars, expect);
    return r.ok ? { program: r.program } : { error: r.message };
  };
  c = {
    variables: (spec.variables ?? []).map((v) => ({ name: v.name, ...one(v.expression) })),
    conditions: (spec.matchConditions ?? []).map((m) => ({ name: m.name, ...one(m.expression, 'bool') })),
    validations: (spec.validations ?? []).map((v) => {
      const me = v.messageExpression ? compileCel(v.messageExpression, vars, 'string') : undefined;
      return {
        expression: v.expression,
        ...one(v.expression, 'bool'),
        message: v.message,
        messageExpression: me?.ok ? me.program : undefined,
        reason: v.reason ?? 'Invalid',
      };
    }),
  };
  compiled.set(policy, c);
  return c;
}

type LabelsOf = () => Promise<Record<string, string> | undefined>;

/** Rules first (pure), selectors after: the namespace is read only when a selector needs it. */
async function matchesResources(m: MatchResources | undefined, attrs: AdmissionAttributes, nsLabels: LabelsOf): Promise<boolean> {
  if (!m) return true;
  const version = matchingVersion(
    m.resourceRules,
    attrs.rt,
    { operation: attrs.operation, subresource: attrs.subresource, name: attrs.name },
    attrs.request.requestVersion ?? attrs.rt.version,
    m.matchPolicy,
    m.excludeResourceRules,
  );
  if (version === undefined) return false;
  return selectorsMatch(m, attrs, nsLabels);
}

async function selectorsMatch(m: MatchResources, attrs: AdmissionAttributes, nsLabels: LabelsOf): Promise<boolean> {
  if (!objectSelectorMatches(m.objectSelector, attrs.object, attrs.oldObject)) return false;
  if (isEmptySelector(m.namespaceSelector)) return true;
  return namespaceSelectorMatches(m.namespaceSelector, attrs.rt, attrs.object, attrs.oldObject, await nsLabels());
}

/** A binding's matchResources narrows only when it has rules or selectors. */
async function bindingMatches(m: MatchResources | undefined, attrs: AdmissionAttributes, nsLabels: LabelsOf): Promise<boolean> {
  if (!m) return true;
  if ((m.resourceRules ?? []).length === 0) {
    if ((m.excludeResourceRules ?? []).length > 0 && !(await matchesResources({ ...m, resourceRules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*', '*/*'] }] }, attrs, nsLabels))) return false;
    return selectorsMatch(m, attrs, nsLabels);
  }
  return matchesResources(m, attrs, nsLabels);
}

const CODES: Record<string, number> = { Unauthorized: 401, Forbidden: 403, Invalid: 422, RequestEntityTooLarge: 413 };

/**
 * The error kube answers for a denying binding: admission.NewForbidden's message and
 * details, with the validation's reason and code (Invalid, 422, by default) and the
 * denial as a cause.
 */
export function policyDenial(attrs: AdmissionAttributes, policy: string, binding: string, message: string, reason: string): ApiError {
  const text = `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${message}`;
  const resource = attrs.rt.group ? `${attrs.rt.plural}.${attrs.rt.group}` : attrs.rt.plural;
  const code = CODES[reason] ?? 422;
  return new ApiError(code, reason as never, `${resource} ${JSON.stringify(attrs.name)} is forbidden: ${text}`, {
    name: attrs.name,
    group: attrs.rt.group || undefined,
    kind: attrs.rt.plural,
    causes: [{ message: text } as never],
  });
}

interface Failure {
  message: string;
  reason: string;
}

async function evaluate(
  policy: ValidatingAdmissionPolicy,
  attrs: AdmissionAttributes,
  params: KubeObject | null,
  namespaceObject: KubeObject | null,
): Promise<{ skip: true } | { skip: false; failures: Failure[]; errors: string[] }> {
  const c = compile(policy);
  const request = admissionRequest(attrs, randomUUID(), attrs.rt.version, attrs.object, attrs.oldObject);
  const variables: Record<string, unknown> = {};
  const activation: Partial<Record<CelVariable, unknown>> = {
    object: toCel(request.object),
    oldObject: toCel(request.oldObject),
    request: toCel(request),
    params: toCel(params),
    namespaceObject: toCel(namespaceObject),
    authorizer: null,
    variables,
  };
  for (const v of c.variables) {
    if (!v.program) continue;
    try {
      variables[v.name] = toCel(await v.program.evaluate(activation));
    } catch {
      // Left unset: an expression that uses it fails with "no such key", as a lazy variable's error surfaces in kube.
    }
  }
  const errors: string[] = [];
  for (const m of c.conditions) {
    if (!m.program) {
      errors.push(`compilation failed for match condition '${m.name}': ${m.error}`);
      continue;
    }
    try {
      if ((await m.program.evaluate(activation)) === false) return { skip: true };
    } catch (err) {
      errors.push(`failed to evaluate match condition '${m.name}': ${celErrorText(err)}`);
    }
  }
  if (errors.length > 0) return { skip: false, failures: [], errors };
  const failures: Failure[] = [];
  for (const v of c.validations) {
    if (!v.program) {
      errors.push(`compilation error: ${v.error}`);
      continue;
    }
    let ok: unknown;
    try {
      ok = await v.program.evaluate(activation);
    } catch (err) {
      errors.push(`expression '${v.expression}' resulted in error: ${celErrorText(err)}`);
      continue;
    }
    if (ok === true) continue;
    if (ok !== false) {
      errors.push(`expression '${v.expression}' resulted in error: must evaluate to bool`);
      continue;
    }
    let message = v.message ?? `failed expression: ${v.expression.trim()}`;
    if (v.messageExpression) {
      try {
        const m = await v.messageExpression.evaluate(activation);
        if (typeof m === 'string' && m.trim() !== '' && !m.includes('\n')) message = m.trim();
      } catch {
        // kube keeps the static message when messageExpression fails.
      }
    }
    failures.push({ message, reason: v.reason });
  }
  return { skip: false, failures, errors };
}

export interface PolicySet {
  policies: ReadonlyMap<string, ValidatingAdmissionPolicy>;
  /** Sorted by name. */
  bindings: readonly ValidatingAdmissionPolicyBinding[];
}

/** Params a binding selects: [null] for a policy without paramKind; [] when none is found. */
async function paramsFor(policy: ValidatingAdmissionPolicy, ref: ParamRef | undefined, attrs: AdmissionAttributes, env: PolicyEnvironment): Promise<KubeObject[] | null[] | string> {
  const pk = policy.spec?.paramKind;
  if (!pk) return [null];
  const rt = env.paramResource(pk.apiVersion ?? '', pk.kind ?? '');
  if (!rt) return `failed to configure policy: failed to find resource referenced by paramKind: '${pk.apiVersion}, Kind=${pk.kind}'`;
  if (!ref) return 'failed to configure binding: paramRef is required when paramKind is specified';
  let namespace: string | undefined;
  if (rt.namespaced) {
    namespace = ref.namespace || attrs.namespace;
    if (!namespace) return 'failed to configure binding: cannot use namespaced paramRef in policy binding that matches cluster-scoped resources';
  }
  if (ref.name) {
    const p = await env.getParam(rt, namespace, ref.name);
    return p ? [p] : [];
  }
  return env.listParams(rt, namespace, ref.selector ?? {});
}

/** Runs every binding that applies. Throws the first denial; adds Warn messages to the request's warnings. */
export async function runPolicies(set: PolicySet, attrs: AdmissionAttributes, env: PolicyEnvironment): Promise<void> {
  let nsObject: KubeObject | null | undefined;
  const namespaceObject = async (): Promise<KubeObject | null> => {
    if (nsObject === undefined) nsObject = attrs.rt.namespaced && attrs.namespace ? ((await env.namespaceObject(attrs.namespace)) ?? null) : null;
    return nsObject;
  };
  for (const binding of set.bindings) {
    const bname = binding.metadata.name ?? '';
    const pname = binding.spec?.policyName ?? '';
    const policy = set.policies.get(pname);
    if (!policy) continue;
    const nsLabels: LabelsOf = async () => (attrs.rt.namespaced && attrs.namespace ? ((await namespaceObject())?.metadata.labels ?? {}) : undefined);
    if (!(await matchesResources(policy.spec?.matchConstraints, attrs, nsLabels))) continue;
    if (!(await bindingMatches(binding.spec?.matchResources, attrs, nsLabels))) continue;
    const actions = binding.spec?.validationActions ?? [];
    const failurePolicy = policy.spec?.failurePolicy ?? 'Fail';
    const report = (message: string, reason: string): void => {
      if (actions.includes('Deny')) throw policyDenial(attrs, pname, bname, message, reason);
      if (actions.includes('Warn')) attrs.request.warnings.push(`Validation failed for ValidatingAdmissionPolicy '${pname}' with binding '${bname}': ${message}`);
      if (actions.includes('Audit')) env.onAudit?.(pname, bname, message);
    };
    const params = await paramsFor(policy, binding.spec?.paramRef, attrs, env);
    if (typeof params === 'string') {
      if (failurePolicy === 'Fail') report(params, 'Invalid');
      else env.onAudit?.(pname, bname, params);
      continue;
    }
    if (params.length === 0) {
      if (binding.spec?.paramRef?.parameterNotFoundAction === 'Deny') {
        report('failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction', 'Invalid');
      }
      continue;
    }
    for (const param of params) {
      const result = await evaluate(policy, attrs, param, await namespaceObject());
      if (result.skip) continue;
      for (const f of result.failures) report(f.message, f.reason);
      for (const e of result.errors) {
        if (failurePolicy === 'Fail') report(e, 'Invalid');
        else env.onAudit?.(pname, bname, e);
      }
    }
  }
}
