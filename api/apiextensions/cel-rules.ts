import type { FieldError, FieldErrorType } from '../types.js';
import { compile, toCel, fromCel, type CelProgram } from '../../apiserver/cel/index.js';
import type { JSONSchemaProps, ValidationRule } from './schema-types.js';
import { costErrorMessage, estimateCost, maxCardinality, STATIC_ESTIMATED_COST_LIMIT, STATIC_ESTIMATED_CRD_COST_LIMIT } from './cel-cost.js';

/**
 * x-kubernetes-validations: compiled once per CRD version (compileRules), evaluated on every
 * write (CompiledRules.validate) with `self` the value at the schema node and, on update,
 * `oldSelf` the previous value at the same place (transition rules only run when both exist).
 */

interface CompiledRule {
  rule: ValidationRule;
  program: CelProgram;
  message?: CelProgram;
  usesOldSelf: boolean;
}

interface RuleNode {
  rules: CompiledRule[];
  properties: Map<string, RuleNode>;
  items?: RuleNode;
  additional?: RuleNode;
  schema: JSONSchemaProps;
}

export interface CompiledRules {
  /**
   * budgetMs: the request's evaluation budget (kube's per-request runtime cost budget,
   * measured here in time, as a rule's own limit is): once spent, no further rule runs.
   */
  validate(obj: unknown, old: unknown | undefined, opts?: { budgetMs?: number }): FieldError[];
}

/** Go's %#v of a ValidationRule, as kube prints it in CRD errors. */
export function goRule(r: ValidationRule): string {
  const q = (s: string | undefined) => JSON.stringify(s ?? '');
  const reason = r.reason ? `(*apiextensions.FieldValueErrorReason)(${q(r.reason)})` : '(*apiextensions.FieldValueErrorReason)(nil)';
  const oos = r.optionalOldSelf === undefined ? '(*bool)(nil)' : `(*bool)(${r.optionalOldSelf})`;
  return `apiextensions.ValidationRule{Rule:${q(r.rule)}, Message:${q(r.message)}, MessageExpression:${q(r.messageExpression)}, Reason:${reason}, FieldPath:${q(r.fieldPath)}, OptionalOldSelf:${oos}}`;
}

const REASONS = ['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'];

/** Compiles every rule under schema. Errors are CRD validation errors under `base`. */
export function compileRules(schema: JSONSchemaProps | undefined, base: string): { rules?: CompiledRules; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!schema) return { errors };
  let any = false;
  // Static cost: each rule's worst case times how often it can run (the cardinality of
  // the lists and maps above it); the CRD's rules together have a budget too.
  let total = 0;
  const build = (s: JSONSchemaProps, path: string, root: boolean, cardinality = 1): RuleNode => {
    const node: RuleNode = { rules: [], properties: new Map(), schema: s };
    const selfSchema = root ? { ...s, 'x-kubernetes-embedded-resource': true } : s;
    (s['x-kubernetes-validations'] ?? []).forEach((r, i) => {
      any = true;
      const rp = `${path}.x-kubernetes-validations[${i}]`;
      if (!r || typeof r.rule !== 'string' || r.rule.trim() === '') {
        errors.push({ type: 'FieldValueRequired', field: `${rp}.rule`, message: 'Required value' });
        return;
      }
      if (r.reason !== undefined && !REASONS.includes(r.reason)) {
        errors.push({ type: 'FieldValueNotSupported', field: `${rp}.reason`, message: `Unsupported value: "${r.reason}": supported values: ${REASONS.map((x) => `"${x}"`).join(', ')}` });
      }
      if (r.message !== undefined && r.message.trim() === '' ) errors.push({ type: 'FieldValueRequired', field: `${rp}.message`, message: 'Required value: message must be non-empty if specified' });
      if (r.message && /[\n\r]/.test(r.message)) errors.push({ type: 'FieldValueInvalid', field: `${rp}.message`, message: `Invalid value: ${JSON.stringify(r.message)}: message must not contain line breaks` });
      const variables = { self: { type: 'dyn', schema: selfSchema }, oldSelf: { type: 'dyn', schema: selfSchema } };
      const c = compile(r.rule, { variables, resultType: 'bool' });
      if (!c.ok) {
        errors.push({ type: 'FieldValueInvalid', field: `${rp}.rule`, message: `Invalid value: ${goRule(r)}: ${c.error}` });
        return;
      }
      let message: CelProgram | undefined;
      if (r.messageExpression) {
        const m = compile(r.messageExpression, { variables, resultType: 'string', resultTypeMessage: 'must evaluate to a string' });
        if (!m.ok) {
          errors.push({ type: 'FieldValueInvalid', field: `${rp}.messageExpression`, message: `Invalid value: ${goRule(r)}: messageExpression ${m.error}` });
          return;
        }
        message = m.program;
      }
      const cost = Math.min(Number.MAX_SAFE_INTEGER, estimateCost(c.program.ast, s) * cardinality);
      total += cost;
      if (cost > STATIC_ESTIMATED_COST_LIMIT) {
        errors.push({ type: 'FieldValueForbidden', field: `${rp}.rule`, message: `Forbidden: ${costErrorMessage('estimated rule cost', cost, STATIC_ESTIMATED_COST_LIMIT)}` });
        return;
      }
      const usesOldSelf = /\boldSelf\b/.test(r.rule);
      node.rules.push({ rule: r, program: c.program, message, usesOldSelf });
    });
    // Only subtrees holding rules are kept: evaluation walks the object along them alone
    // (a 40-field spec with rules at spec visits one node, not 41).
    const keep = (child: RuleNode): RuleNode | undefined => (child.rules.length > 0 || child.properties.size > 0 || child.items || child.additional ? child : undefined);
    for (const [name, p] of Object.entries(s.properties ?? {})) {
      if (!p || typeof p !== 'object') continue;
      const child = keep(build(p, `${path}.properties[${name}]`, false, cardinality));
      if (child) node.properties.set(name, child);
    }
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) node.items = keep(build(s.items, `${path}.items`, false, cardinality * maxCardinality(s)));
    if (typeof s.additionalProperties === 'object') node.additional = keep(build(s.additionalProperties, `${path}.additionalProperties`, false, cardinality * maxCardinality(s)));
    return node;
  };
  const root = build(schema, base, true);
  if (total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    errors.push({ type: 'FieldValueForbidden', field: base || '<nil>', message: `Forbidden: ${costErrorMessage('x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema', total, STATIC_ESTIMATED_CRD_COST_LIMIT)}` });
  }
  if (errors.length > 0 || !any) return { errors };
  return { errors, rules: { validate: (obj, old, opts) => evaluate(root, obj, old, opts?.budgetMs ?? REQUEST_BUDGET_MS) } };
}

function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The time all rules of one write may take together. */
const REQUEST_BUDGET_MS = 2000;
const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

function evaluate(root: RuleNode, obj: unknown, old: unknown | undefined, budgetMs: number): FieldError[] {
  const errs: FieldError[] = [];
  const started = performance.now();
  let exhausted = false;
  const visit = (node: RuleNode, v: unknown, o: unknown, path: string, hasOld: boolean): void => {
    if (v === undefined || v === null) return;
    if (node.rules.length > 0) {
      const self = toCel(v, node.schema);
      const oldSelf = hasOld ? toCel(o, node.schema) : null;
      for (const r of node.rules) {
        if (r.usesOldSelf && !hasOld && !r.rule.optionalOldSelf) continue;
        if (exhausted) return;
        if (performance.now() - started >= budgetMs) {
          exhausted = true;
          errs.push({ type: 'FieldValueInvalid', field: fieldOf(path, undefined), message: `Invalid value: "${node.schema.type ?? jsonTypeName(v)}": ${OUT_OF_BUDGET}` });
          return;
        }
        const res = r.program.evaluate({ self, oldSelf }, { timeoutMs: Math.max(0, Math.min(1000, budgetMs - (performance.now() - started))) });
        const field = fieldOf(path, r.rule.fieldPath);
        const typeName = node.schema.type ?? jsonTypeName(v);
        if (!res.ok) {
          errs.push({ type: 'FieldValueInvalid', field, message: `Invalid value: "${typeName}": ${res.error} evaluating rule: ${r.rule.rule}` });
          continue;
        }
        if (res.value === true) continue;
        let msg = r.rule.message ?? `failed rule: ${r.rule.rule.replace(/\s+/g, ' ').trim()}`;
        if (r.message) {
          const m = r.message.evaluate({ self, oldSelf });
          if (m.ok && typeof m.value === 'string' && m.value.trim() !== '' && !/[\n\r]/.test(m.value)) msg = m.value;
        }
        errs.push(ruleError(field, (r.rule.reason as FieldErrorType) ?? 'FieldValueInvalid', typeName, msg));
      }
    }
    if (Array.isArray(v)) {
      if (!node.items) return;
      const mapKeys = node.schema['x-kubernetes-list-type'] === 'map' ? node.schema['x-kubernetes-list-map-keys'] ?? [] : undefined;
      const oldList = Array.isArray(o) ? o : [];
      v.forEach((item, i) => {
        let oldItem: unknown;
        let found = false;
        if (hasOld && mapKeys) {
          const k = JSON.stringify(mapKeys.map((mk) => (item as Record<string, unknown>)?.[mk]));
          const idx = oldList.findIndex((x) => JSON.stringify(mapKeys.map((mk) => (x as Record<string, unknown>)?.[mk])) === k);
          if (idx >= 0) { oldItem = oldList[idx]; found = true; }
        }
        visit(node.items!, item, oldItem, `${path}[${i}]`, found);
      });
      return;
    }
    if (typeof v === 'object') {
      const ov = hasOld && o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const declared = node.schema.properties?.[k] !== undefined;
        const child = declared ? node.properties.get(k) : node.additional;
        if (!child) continue;
        const childPath = declared ? (path ? `${path}.${k}` : k) : `${path}[${k}]`;
        visit(child, x, ov?.[k], childPath, ov !== undefined && ov[k] !== undefined);
      }
    }
  };
  visit(root, obj, old, '', old !== undefined);
  return errs;
}

function fieldOf(path: string, fieldPath: string | undefined): string {
  let p = path;
  if (fieldPath) p = `${path}${fieldPath.startsWith('.') || fieldPath.startsWith('[') ? '' : '.'}${fieldPath}`.replace(/^\./, '');
  return p === '' ? '<nil>' : p;
}

function ruleError(field: string, reason: FieldErrorType, typeName: string, msg: string): FieldError {
  switch (reason) {
    case 'FieldValueForbidden': return { type: reason, field, message: `Forbidden: ${msg}` };
    case 'FieldValueRequired': return { type: reason, field, message: `Required value: ${msg}` };
    case 'FieldValueDuplicate': return { type: reason, field, message: `Duplicate value: "${typeName}"` };
    default: return { type: 'FieldValueInvalid', field, message: `Invalid value: "${typeName}": ${msg}` };
  }
}

export { fromCel };
