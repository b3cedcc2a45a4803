import { badRequest, invalid } from '../errors.js';

/**
 * Query parameters decoded as kube-apiserver decodes them into ListOptions, GetOptions,
 * PodLogOptions, DeleteOptions… (apimachinery's runtime.ParameterCodec). Every handler
 * reads its parameters through these functions, so that `watch=True` (the official Python
 * client) and `watch=1` mean the same everywhere.
 *
 * - Booleans (apimachinery runtime `Convert_Slice_string_To_bool`): absent is false; "0"
 *   and "false" in any case are false; ANY other value, even empty or "yes", is true. This
 *   is deliberately not Go's strconv.ParseBool: kube never answers 400 to a boolean.
 * - Integers (int64 fields, `strconv.ParseInt(s, 10, 64)`): an optional sign and decimal
 *   digits; anything else is 400 with Go's message, e.g.
 *   `strconv.ParseInt: parsing "abc": invalid syntax`, or `value out of range`.
 * - Repeated parameters: the first value counts.
 */

export type Query = Record<string, string | string[] | undefined>;

/** The first value of a query parameter, as Go's url.Values.Get. */
export function param(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

/** All values of a repeated parameter (dryRun=All&dryRun=All). */
export function params(q: Query, name: string): string[] {
  const v = q[name];
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** kube's boolean rule for one raw value (see the file comment). */
export function parseKubeBool(raw: string): boolean {
  const lower = raw.toLowerCase();
  return !(lower === 'false' || lower === '0');
}

export function boolParam(q: Query, name: string): boolean {
  const v = param(q, name);
  return v === undefined ? false : parseKubeBool(v);
}

/** A *bool field (sendInitialEvents): undefined when the parameter is absent. */
export function optionalBoolParam(q: Query, name: string): boolean | undefined {
  const v = param(q, name);
  return v === undefined ? undefined : parseKubeBool(v);
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Go's strconv.ParseInt(s, 10, 64); the error is the message kube puts in its 400. */
export function parseInt64(raw: string): { value: number } | { error: string } {
  if (!/^[+-]?[0-9]+$/.test(raw)) return { error: `strconv.ParseInt: parsing ${goQuote(raw)}: invalid syntax` };
  const big = BigInt(raw);
  if (big > INT64_MAX || big < INT64_MIN) return { error: `strconv.ParseInt: parsing ${goQuote(raw)}: value out of range` };
  return { value: Number(big) };
}

/** An int64 parameter; absent is undefined; a bad value is 400 as kube answers it. */
export function intParam(q: Query, name: string): number | undefined {
  const v = param(q, name);
  if (v === undefined) return undefined;
  const parsed = parseInt64(v);
  if ('error' in parsed) throw badRequest(parsed.error);
  return parsed.value;
}

/** Which options object a write's parameters are validated as (the name in kube's 422). */
export type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

/**
 * `dryRun`: kube accepts only "All" (ValidateDryRun); anything else is 422 on the
 * request's options kind, e.g.
 * `CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"x"}: supported values: "All"`.
 */
export function dryRunParam(q: Query, kind: WriteOptionsKind = 'CreateOptions'): boolean {
  const values = params(q, 'dryRun');
  if (values.some((v) => v !== 'All')) {
    const shown = `[]string{${values.map(goQuote).join(', ')}}`;
    throw invalid(kind, 'meta.k8s.io', '', [{ type: 'FieldValueNotSupported', field: 'dryRun', message: `Unsupported value: ${shown}: supported values: "All"` }]);
  }
  return values.length > 0;
}

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/**
 * `fieldValidation` (ValidateFieldValidation): "", Ignore, Warn or Strict; the default
 * (absent or empty) is Warn, as kube-apiserver's.
 */
export function fieldValidationParam(q: Query, kind: WriteOptionsKind = 'CreateOptions'): FieldValidation {
  const raw = param(q, 'fieldValidation');
  if (raw === undefined || raw === '') return 'Warn';
  if (raw === 'Strict' || raw === 'Warn' || raw === 'Ignore') return raw;
  throw invalid(kind, 'meta.k8s.io', '', [
    { type: 'FieldValueNotSupported', field: 'fieldValidation', message: `Unsupported value: ${goQuote(raw)}: supported values: "", "Ignore", "Strict", "Warn"` },
  ]);
}

/** `resourceVersionMatch` of a list: Exact, NotOlderThan or nothing (ValidateListOptions). */
export function resourceVersionMatchParam(q: Query): 'Exact' | 'NotOlderThan' | undefined {
  const raw = param(q, 'resourceVersionMatch');
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'Exact' || raw === 'NotOlderThan') return raw;
  throw invalid('ListOptions', 'meta.k8s.io', '', [
    { type: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: ${goQuote(raw)}: supported values: "Exact", "NotOlderThan", ""` },
  ]);
}

export { checkPropagationPolicy, type PropagationPolicy } from '../request/delete-options.js';

/** Go's %q of a string, as kube's messages print values (JSON quoting is close enough for ASCII). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
