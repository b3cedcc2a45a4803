import type { FieldError } from '../types.js';

/**
 * Renders values the way Go's `%#v` prints them inside kube-apiserver's field errors, for
 * the messages kubectl users know by heart, e.g.
 * `Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels``.
 * api/validation.ts's formatValue renders JSON; these cover the Go struct/map cases.
 */

/** Go's %#v of a string: double-quoted with Go escapes (JSON's are the same for common text). */
export function goString(s: string): string {
  return JSON.stringify(s);
}

/** `map[string]string{"a":"b", "c":"d"}` (keys sorted, as fmt sorts maps); nil → `map[string]string(nil)`. */
export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (m === undefined || m === null) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goString(k)}:${goString(m[k]!)}`).join(', ')}}`;
}

/** `[]string{"a", "b"}`; nil → `[]string(nil)`. */
export function goStringSlice(list: readonly string[] | undefined | null): string {
  if (list === undefined || list === null) return '[]string(nil)';
  return `[]string{${list.map(goString).join(', ')}}`;
}

export interface GoLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** `v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`. */
export function goLabelSelector(sel: GoLabelSelector | undefined | null): string {
  if (sel === undefined || sel === null) return 'null';
  const exprs =
    sel.matchExpressions === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${sel.matchExpressions
          .map(
            (e) =>
              `v1.LabelSelectorRequirement{Key:${goString(e.key)}, Operator:${goString(e.operator)}, Values:${goStringSlice(e.values)}}`,
          )
          .join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** `intstr.IntOrString{Type:0, IntVal:25, StrVal:""}` (Type 0 = Int, 1 = String). */
export function goIntOrString(v: number | string | undefined | null): string {
  if (v === undefined || v === null) return 'null';
  return typeof v === 'number'
    ? `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`
    : `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goString(v)}}`;
}

/** A FieldValueInvalid error whose value is already rendered (no further quoting). */
export function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: detail ? `Invalid value: ${rendered}: ${detail}` : `Invalid value: ${rendered}` };
}
