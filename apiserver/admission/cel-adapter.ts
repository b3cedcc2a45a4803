import { Environment } from '@marcbachmann/cel-js';

/**
 * The admission chain's small window onto @marcbachmann/cel-js (written before the shared
 * apiserver/cel/ module existed; see the report of issue 16). It compiles an expression
 * once against a fixed set of top-level variables (object, oldObject, request, params, …),
 * type-checks it, and evaluates it against JSON values.
 *
 * JSON numbers that are whole become CEL ints (BigInt), as kube's converter makes them
 * for integer schema fields; results come back with ints as JS numbers.
 */

export type CelVariable = 'object' | 'oldObject' | 'request' | 'params' | 'namespaceObject' | 'authorizer' | 'variables';

export interface CelProgram {
  readonly expression: string;
  /** The result type the checker inferred ('bool', 'string', 'dyn', …). */
  readonly type: string;
  evaluate(activation: Partial<Record<CelVariable, unknown>>): unknown | Promise<unknown>;
}

export type CompileResult = { ok: true; program: CelProgram } | { ok: false; message: string };

const environments = new Map<string, Environment>();

function environmentFor(variables: readonly CelVariable[], extend?: (env: Environment) => void): Environment {
  const key = [...variables].sort().join(',');
  let env = environments.get(key);
  if (!env) {
    env = new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false, enableOptionalTypes: true });
    for (const v of variables) env.registerVariable(v, 'dyn');
    extend?.(env);
    environments.set(key, env);
  }
  return env;
}

/** Where a cel-js error points, as cel-go's `<input>:line:column:` prefix. */
function location(expression: string, err: unknown): string {
  const node = (err as { node?: { pos?: number; start?: number } }).node;
  const pos = node?.start ?? node?.pos;
  if (pos === undefined) return '<input>:1:1';
  const before = expression.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `<input>:${line}:${column}`;
}

/** The first line of a cel-js message (the rest is its source excerpt). */
function headline(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].trim();
}

/**
 * Compiles and type-checks. A failure gives kube's wording after the field's "Invalid
 * value": `compilation failed: ERROR: <input>:1:5: …`.
 */
export function compileCel(expression: string, variables: readonly CelVariable[], expect?: 'bool' | 'string'): CompileResult {
  const env = environmentFor(variables);
  let parsed;
  try {
    parsed = env.parse(expression);
  } catch (err) {
    return { ok: false, message: `compilation failed: ERROR: ${location(expression, err)}: Syntax error: ${headline(err)}` };
  }
  const checked = parsed.check();
  if (!checked.valid) {
    return { ok: false, message: `compilation failed: ERROR: ${location(expression, checked.error)}: ${headline(checked.error)}` };
  }
  const type = checked.type ?? 'dyn';
  if (expect && type !== expect && type !== 'dyn') {
    return { ok: false, message: `must evaluate to ${expect === 'bool' ? 'bool' : 'string'} but got ${type}` };
  }
  return {
    ok: true,
    program: {
      expression,
      type,
      evaluate: (activation) => {
        const ctx: Record<string, unknown> = {};
        for (const v of variables) ctx[v] = activation[v] === undefined ? null : activation[v];
        const out = parsed(ctx);
        return out instanceof Promise ? out.then(fromCel) : fromCel(out);
      },
    },
  };
}

/** A compile error message, or undefined when the expression compiles. */
export function celCompileError(expression: string, variables: readonly CelVariable[], expect?: 'bool' | 'string'): string | undefined {
  const r = compileCel(expression, variables, expect);
  return r.ok ? undefined : r.message;
}

/** JSON → CEL values: whole numbers become ints. Values already converted pass through. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toCel(v);
    return out;
  }
  return value;
}

/** CEL → JSON values: ints back to numbers, maps to objects. */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCel(v)]));
  }
  return value;
}

/** An evaluation error's text, as kube words it after "expression '…' resulted in error: ". */
export function celErrorText(err: unknown): string {
  return headline(err);
}
