/**
 * compile(): parse + type-check one CEL expression against declared variables;
 * CelProgram.evaluate(): run it with a time budget. See index.ts for the contract.
 */

import { Environment, type ASTNode } from '@marcbachmann/cel-js';
import { formatCompileError, formatEvalError } from './errors.js';
import { registerKubernetesLibraries } from './libraries.js';
import type { CelSchemaNode } from './values.js';

/** A declared variable: a CEL type ('dyn', 'map', 'list<string>', 'int', …), optionally with
 *  the OpenAPI schema of its value, used to refuse selections of undefined fields as
 *  cel-go does for schema-typed objects ("undefined field 'foo'"). */
export type CelVariable = string | { type: string; schema?: CelSchemaNode };

export interface CompileOptions {
  variables: Record<string, CelVariable>;
  /** Required result type ('bool' for rules, 'string' for messageExpression); dyn results pass. */
  resultType?: string;
  /** Wording when the result type is wrong, e.g. 'cel expression must evaluate to a bool'. */
  resultTypeMessage?: string;
}

export interface EvaluateOptions {
  /** Wall-clock budget in ms (default 1000); exceeding it answers kube's cost error. */
  timeoutMs?: number;
}

export type EvalResult = { ok: true; value: unknown } | { ok: false; error: string };

export interface CelProgram {
  readonly expression: string;
  /** The checked result type ('bool', 'string', 'dyn', …). */
  readonly type: string;
  /** The parsed expression (for static cost estimation). */
  readonly ast: ASTNode;
  evaluate(activation: Record<string, unknown>, opts?: EvaluateOptions): EvalResult;
}

export type CompileResult =
  | { ok: true; program: CelProgram }
  /** error: "compilation failed: ERROR: <input>:L:C: …" (kube's wording, with cel-go's excerpt);
   *  kind: 'compile' for syntax/undeclared/overload errors, 'type' for a wrong result type. */
  | { ok: false; error: string; kind: 'compile' | 'type' };

export const COST_EXCEEDED = 'operation cancelled: actual cost limit exceeded';

let base: Environment | undefined;

/** The shared environment with the Kubernetes libraries (frozen by cloning: children add variables). */
function baseEnvironment(): Environment {
  if (!base) {
    const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
    registerKubernetesLibraries(env);
    base = env;
  }
  return base;
}

const envCache = new Map<string, Environment>();

function environmentFor(variables: Record<string, CelVariable>): Environment {
  const key = Object.entries(variables).map(([k, v]) => `${k}:${typeof v === 'string' ? v : v.type}`).sort().join(',');
  let env = envCache.get(key);
  if (!env) {
    env = baseEnvironment().clone();
    for (const [name, v] of Object.entries(variables)) env.registerVariable(name, typeof v === 'string' ? v : v.type);
    if (envCache.size > 200) envCache.clear();
    envCache.set(key, env);
  }
  return env;
}

export function compile(expression: string, opts: CompileOptions): CompileResult {
  const env = environmentFor(opts.variables);
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(expression);
  } catch (e) {
    return { ok: false, kind: 'compile', error: `compilation failed: ${formatCompileError(expression, e)}` };
  }
  const checked = parsed.check();
  if (!checked.valid) {
    return { ok: false, kind: 'compile', error: `compilation failed: ${formatCompileError(expression, checked.error)}` };
  }
  const fieldError = checkFields(expression, parsed.ast, opts.variables);
  if (fieldError) return { ok: false, kind: 'compile', error: `compilation failed: ${fieldError}` };
  const type = checked.type ?? 'dyn';
  if (opts.resultType && type !== opts.resultType && type !== 'dyn') {
    return { ok: false, kind: 'type', error: opts.resultTypeMessage ?? `cel expression must evaluate to a ${opts.resultType}` };
  }
  const program: CelProgram = {
    expression,
    type,
    ast: parsed.ast,
    evaluate(activation, eo) {
      const limit = eo?.timeoutMs ?? 1000;
      const start = performance.now();
      try {
        const value = parsed(activation);
        if (performance.now() - start > limit) return { ok: false, error: COST_EXCEEDED };
        return { ok: true, value };
      } catch (e) {
        if (performance.now() - start > limit) return { ok: false, error: COST_EXCEEDED };
        return { ok: false, error: formatEvalError(e) };
      }
    },
  };
  return { ok: true, program };
}

// ---------- schema-aware field selection check ----------

type Scope = Map<string, CelSchemaNode | undefined>;

function openObject(s: CelSchemaNode): boolean {
  return !!s['x-kubernetes-preserve-unknown-fields'] || s.additionalProperties === true;
}

/** The schema of a field selected from s, 'undefined' when s is a closed object without it,
 *  or undefined when unknown (dyn). */
function selectField(s: CelSchemaNode | undefined, field: string): CelSchemaNode | 'undefined' | undefined {
  if (!s) return undefined;
  if (s.properties) {
    if (field in s.properties) return s.properties[field];
    if (s['x-kubernetes-embedded-resource'] && ['apiVersion', 'kind', 'metadata'].includes(field)) return undefined;
    if (openObject(s) || s.additionalProperties) return undefined;
    return 'undefined';
  }
  if (typeof s.additionalProperties === 'object') return s.additionalProperties;
  if (s.type === 'object' && !openObject(s) && !s.additionalProperties && !s['x-kubernetes-embedded-resource'] && !s['x-kubernetes-int-or-string']) return 'undefined';
  return undefined;
}

const comprehensions = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

function checkFields(input: string, ast: ASTNode, variables: Record<string, CelVariable>): string | undefined {
  const scope: Scope = new Map();
  for (const [k, v] of Object.entries(variables)) if (typeof v !== 'string' && v.schema) scope.set(k, v.schema);
  if (scope.size === 0) return undefined;
  let error: string | undefined;

  const resolve = (n: ASTNode, sc: Scope): CelSchemaNode | undefined => {
    if (error) return undefined;
    switch (n.op) {
      case 'id':
        return sc.get(n.args);
      case '.':
      case '.?': {
        const [obj, field] = n.args;
        const parent = resolve(obj, sc);
        const r = selectField(parent, field);
        if (r === 'undefined' && n.op === '.') {
          error = formatCompileError(input, { message: `undefined field '${field}'`, range: { start: obj.range.end, end: n.range.end } });
          return undefined;
        }
        return r === 'undefined' ? undefined : r;
      }
      case '[]': {
        const [obj, idx] = n.args;
        const parent = resolve(obj, sc);
        walk(idx, sc);
        if (!parent) return undefined;
        if (parent.items) return parent.items;
        if (typeof parent.additionalProperties === 'object') return parent.additionalProperties;
        return undefined;
      }
      case 'rcall': {
        const [name, recv, args] = n.args;
        const r = resolve(recv, sc);
        if (comprehensions.has(name) && args[0]?.op === 'id') {
          const inner: Scope = new Map(sc);
          const itemSchema = r?.items ?? (r && (r.properties || r.additionalProperties) ? { type: 'string' } : undefined);
          inner.set(args[0].args as string, itemSchema);
          for (const a of args.slice(1)) walk(a, inner);
          return undefined;
        }
        for (const a of args) walk(a, sc);
        return undefined;
      }
      default:
        walk(n, sc);
        return undefined;
    }
  };

  const walk = (n: ASTNode, sc: Scope): void => {
    if (error || !n || typeof n !== 'object') return;
    switch (n.op) {
      case 'id': case '.': case '.?': case '[]': case 'rcall':
        resolve(n, sc);
        return;
      case 'value':
        return;
      case 'call':
        for (const a of n.args[1]) walk(a, sc);
        return;
      case 'map':
        for (const [k, v] of n.args) { walk(k, sc); walk(v, sc); }
        return;
      default: {
        const args = n.args as unknown;
        if (Array.isArray(args)) for (const a of args) if (a && typeof a === 'object' && 'op' in a) walk(a as ASTNode, sc);
        else if (args && typeof args === 'object' && 'op' in args) walk(args as unknown as ASTNode, sc);
      }
    }
  };
  walk(ast, scope);
  return error;
}
