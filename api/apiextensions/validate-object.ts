import type { FieldError } from '../types.js';
import { formatValue, isIPv4, isIPv6 } from '../validation.js';
import type { JSONSchemaProps } from './schema-types.js';

/**
 * Validates a custom object against its version's openAPIV3Schema, as kube-apiserver's
 * OpenAPI schema validator does (go-openapi validate + kube's list-type checks), with
 * kube's field paths and wording:
 *   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
 * Objects are already pruned and defaulted. The root's apiVersion, kind and metadata are
 * checked by the generic registry, not here.
 */

export function validateObject(obj: unknown, schema: JSONSchemaProps): FieldError[] {
  const errs: FieldError[] = [];
  if (!schema) return errs;
  const root = obj as Record<string, unknown>;
  for (const req of schema.required ?? []) {
    if (root[req] === undefined) errs.push({ type: 'FieldValueRequired', field: req, message: 'Required value' });
  }
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (name === 'metadata' || name === 'apiVersion' || name === 'kind') continue;
    if (root[name] !== undefined) check(root[name], prop, name, errs);
  }
  if (typeof schema.additionalProperties === 'object') {
    for (const [k, v] of Object.entries(root)) if (!['metadata', 'apiVersion', 'kind'].includes(k)) check(v, schema.additionalProperties, k, errs);
  }
  return errs;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, s: JSONSchemaProps): boolean {
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  if (!s.type) return true;
  const t = jsonType(v);
  if (s.type === 'number') return t === 'number' || t === 'integer';
  return t === s.type;
}

const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))),
  datetime: (s) => FORMATS['date-time']!(s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  uuid: (s) => /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(s),
  ipv4: isIPv4,
  ipv6: isIPv6,
  cidr: (s) => {
    const [ip, p, extra] = s.split('/');
    if (extra !== undefined || p === undefined || !/^\d{1,3}$/.test(p)) return false;
    return (isIPv4(ip!) && Number(p) <= 32) || (isIPv6(ip!) && Number(p) <= 128);
  },
  hostname: (s) => s.length <= 255 && /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(s),
  email: (s) => /^[^\s@]+@[^\s@]+$/.test(s),
  mac: (s) => /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(s),
  duration: (s) => /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d|w))+$/.test(s),
};

function fmtNumber(n: number): string {
  return String(n);
}

function check(v: unknown, s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (!s || typeof s !== 'object') return;
  if (v === null) {
    if (s.nullable) return;
    if (s['x-kubernetes-preserve-unknown-fields'] && !s.type) return;
    errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: "null": ${path} in body must be of type ${s.type ?? 'string'}: "null"` });
    return;
  }
  if (!typeMatches(v, s)) {
    const expected = s['x-kubernetes-int-or-string'] ? 'integer,string' : s.type;
    const actual = jsonType(v);
    errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: "${actual}": ${path} in body must be of type ${expected}: "${actual}"` });
    return;
  }
  if (s.enum && s.enum.length > 0 && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    errs.push({ type: 'FieldValueNotSupported', field: path, message: `Unsupported value: ${formatValue(v)}: supported values: ${s.enum.map((e) => formatValue(e)).join(', ')}` });
  }
  if (typeof v === 'string') {
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength) errs.push({ type: 'FieldValueTooLong', field: path, message: `Too long: may not be longer than ${s.maxLength}` });
    if (s.minLength !== undefined && len < s.minLength) errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${formatValue(v)}: ${path} in body should be at least ${s.minLength} chars long` });
    if (s.pattern !== undefined) {
      let re: RegExp | undefined;
      try { re = new RegExp(s.pattern, 'u'); } catch { re = undefined; }
      if (re && !re.test(v)) errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${formatValue(v)}: ${path} in body should match '${s.pattern}'` });
    }
    if (s.format && FORMATS[s.format] && !FORMATS[s.format]!(v)) {
      errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${formatValue(v)}: ${path} in body must be of type ${s.format}: ${formatValue(v)}` });
    }
  }
  if (typeof v === 'number') {
    if (s.maximum !== undefined) {
      if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum) {
        errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${fmtNumber(v)}: ${path} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${fmtNumber(s.maximum)}` });
      }
    }
    if (s.minimum !== undefined) {
      if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum) {
        errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${fmtNumber(v)}: ${path} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${fmtNumber(s.minimum)}` });
      }
    }
    if (s.multipleOf !== undefined && s.multipleOf > 0) {
      const q = v / s.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${fmtNumber(v)}: ${path} in body should be a multiple of ${fmtNumber(s.multipleOf)}` });
    }
    if (s.format === 'int32' && Number.isInteger(v) && (v > 2147483647 || v < -2147483648)) {
      errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${fmtNumber(v)}: ${path} in body must be of type int32: "${fmtNumber(v)}"` });
    }
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) errs.push({ type: 'FieldValueTooMany', field: path, message: `Too many: ${v.length}: must have at most ${s.maxItems} items` });
    if (s.minItems !== undefined && v.length < s.minItems) errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${v.length}: ${path} in body should have at least ${s.minItems} items` });
    if (s.uniqueItems || s['x-kubernetes-list-type'] === 'set') {
      const seen = new Set<string>();
      v.forEach((item, i) => {
        const k = JSON.stringify(item);
        if (seen.has(k)) errs.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, message: `Duplicate value: ${formatGo(item)}` });
        seen.add(k);
      });
    }
    if (s['x-kubernetes-list-type'] === 'map') {
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      const seen = new Set<string>();
      v.forEach((item, i) => {
        if (!item || typeof item !== 'object') return;
        const key = JSON.stringify(keys.map((k) => (item as Record<string, unknown>)[k] ?? s.items?.properties?.[k]?.default ?? null));
        if (seen.has(key)) {
          const m: Record<string, unknown> = {};
          for (const k of keys) m[k] = (item as Record<string, unknown>)[k];
          errs.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, message: `Duplicate value: ${formatGo(m)}` });
        }
        seen.add(key);
      });
    }
    if (s.items) v.forEach((item, i) => check(item, s.items!, `${path}[${i}]`, errs));
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const n = Object.keys(o).length;
    if (s.maxProperties !== undefined && n > s.maxProperties) errs.push({ type: 'FieldValueTooMany', field: path, message: `Too many: ${n}: must have at most ${s.maxProperties} items` });
    if (s.minProperties !== undefined && n < s.minProperties) errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${n}: ${path} in body should have at least ${s.minProperties} properties` });
    for (const req of s.required ?? []) {
      if (o[req] === undefined) errs.push({ type: 'FieldValueRequired', field: `${path}.${req}`, message: 'Required value' });
    }
    if (s.properties) {
      for (const [name, prop] of Object.entries(s.properties)) if (o[name] !== undefined) check(o[name], prop, `${path}.${name}`, errs);
    } else if (typeof s.additionalProperties === 'object') {
      for (const [k, x] of Object.entries(o)) check(x, s.additionalProperties, `${path}[${k}]`, errs);
    }
    if (s['x-kubernetes-embedded-resource']) {
      if (typeof o.apiVersion !== 'string' || o.apiVersion === '') errs.push({ type: 'FieldValueRequired', field: `${path}.apiVersion`, message: 'Required value: must not be empty' });
      if (typeof o.kind !== 'string' || o.kind === '') errs.push({ type: 'FieldValueRequired', field: `${path}.kind`, message: 'Required value: must not be empty' });
    }
  }
  for (const sub of s.allOf ?? []) check(v, { ...sub, type: undefined } as JSONSchemaProps, path, errs);
  if (s.anyOf && s.anyOf.length > 0) {
    const ok = s.anyOf.some((sub) => { const e: FieldError[] = []; check(v, sub, path, e); return e.length === 0; });
    if (!ok) errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${formatGo(v)}: ${path} in body must be of type ${s.type ?? 'object'}: ${formatGo(v)}` });
  }
  if (s.oneOf && s.oneOf.length > 0) {
    const matches = s.oneOf.filter((sub) => { const e: FieldError[] = []; check(v, sub, path, e); return e.length === 0; }).length;
    if (matches !== 1) errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${formatGo(v)}: ${path} in body must validate one and only one schema (oneOf)` });
  }
  if (s.not) {
    const e: FieldError[] = [];
    check(v, s.not, path, e);
    if (e.length === 0) errs.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${formatGo(v)}: ${path} in body should not validate the schema (not)` });
  }
}

/** Go's %v-ish rendering of a value in a Duplicate message (strings quoted, maps as map[…]). */
function formatGo(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return `map[string]interface {}{${Object.entries(v).map(([k, x]) => `"${k}":${formatGo(x)}`).join(', ')}}`;
  }
  if (Array.isArray(v)) return `[]interface {}{${v.map(formatGo).join(', ')}}`;
  return String(v);
}
