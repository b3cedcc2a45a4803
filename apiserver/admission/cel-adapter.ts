import { compile, fromCel as sharedFromCel, toCel as sharedToCel, type CelProgram as SharedProgram } from '../cel/index.js';

/**
 * Admission's view of the shared CEL module (apiserver/cel): expressions compiled once
 * against the admission variables (object, oldObject, request, params, namespaceObject,
 * authorizer, variables), all dyn as kube declares them for built-in kinds, evaluated
 * against JSON converted with toCel. An evaluation error is thrown with kube's text.
 */

export type CelVariable = 'object' | 'oldObject' | 'request' | 'params' | 'namespaceObject' | 'authorizer' | 'variables';

export interface CelProgram {
  readonly expression: string;
  /** The result type the checker inferred ('bool', 'string', 'dyn', …). */
  readonly type: string;
  /** Throws an Error whose message is the evaluation error. */
  evaluate(activation: Partial<Record<CelVariable, unknown>>): unknown;
}

export type CompileResult = { ok: true; program: CelProgram } | { ok: false; message: string };

const TYPE_MESSAGES = { bool: 'must evaluate to bool', string: 'must evaluate to string' } as const;

/**
 * Compiles and type-checks. A failure gives kube's wording after the field's "Invalid
 * value": `compilation failed: ERROR: <input>:1:5: …`.
 */
export function compileCel(expression: string, variables: readonly CelVariable[], expect?: 'bool' | 'string'): CompileResult {
  const declared: Record<string, string> = {};
  for (const v of variables) declared[v] = 'dyn';
  const r = compile(expression, { variables: declared, ...(expect ? { resultType: expect, resultTypeMessage: TYPE_MESSAGES[expect] } : {}) });
  if (!r.ok) return { ok: false, message: r.error };
  const shared: SharedProgram = r.program;
  return {
    ok: true,
    program: {
      expression,
      type: shared.type,
      evaluate: (activation) => {
        const ctx: Record<string, unknown> = {};
        for (const v of variables) ctx[v] = activation[v] === undefined ? null : activation[v];
        const out = shared.evaluate(ctx);
        if (!out.ok) throw new Error(out.error);
        return sharedFromCel(out.value);
      },
    },
  };
}

/** A compile error message, or undefined when the expression compiles. */
export function celCompileError(expression: string, variables: readonly CelVariable[], expect?: 'bool' | 'string'): string | undefined {
  const r = compileCel(expression, variables, expect);
  return r.ok ? undefined : r.message;
}

/** JSON → CEL values (whole numbers become ints). */
export function toCel(value: unknown): unknown {
  return sharedToCel(value);
}

/** An evaluation error's text, as kube words it after "expression '…' resulted in error: ". */
export function celErrorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
