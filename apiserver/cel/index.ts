/**
 * Kubeling's CEL: one module for every CEL user in the apiserver (CRD
 * x-kubernetes-validations, ValidatingAdmissionPolicy, webhook matchConditions), built on
 * @marcbachmann/cel-js with the Kubernetes libraries added (libraries.ts lists them).
 *
 * Stable API (other packages import only from here):
 *
 *   compile(expression, { variables, resultType?, resultTypeMessage? }) → CompileResult
 *     variables: name → CEL type string ('dyn', 'map', 'list<string>', 'int', 'string', …)
 *                or { type, schema } where schema is an OpenAPI v3 (structural) schema of the
 *                value; selecting a field the schema does not have is a compile error
 *                ("undefined field 'foo'"), as cel-go reports for schema-typed objects.
 *     → { ok: true, program } or { ok: false, kind: 'compile' | 'type', error } where error is
 *       worded as kube-apiserver words it:
 *         "compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo.bar\n | ^"
 *       resultType 'bool' refuses non-bool results with resultTypeMessage
 *       (default "cel expression must evaluate to a bool").
 *
 *   program.evaluate(activation, { timeoutMs? }) → { ok: true, value } | { ok: false, error }
 *     activation values must be CEL values: convert JSON with toCel(json, schema?) first
 *     (integers → bigint, date-time → timestamp, …). A run longer than timeoutMs (default
 *     1000) answers COST_EXCEEDED ("operation cancelled: actual cost limit exceeded").
 *     The library has no cost accounting, so the budget is wall-clock, checked when the
 *     evaluation returns (expressions are not preempted).
 *
 *   toCel(json, schema?) / fromCel(celValue): value conversion (values.ts).
 *
 * Compiled programs are immutable and can be cached and shared; environments are cached
 * per variable set.
 */

export { compile, COST_EXCEEDED, type CelProgram, type CelVariable, type CompileOptions, type CompileResult, type EvalResult, type EvaluateOptions } from './compile.js';
export { toCel, fromCel, type CelSchemaNode } from './values.js';
export { formatCompileError, formatEvalError } from './errors.js';
export { parseIP, parseCIDR } from './libraries.js';
