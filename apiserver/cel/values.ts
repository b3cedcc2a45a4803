/**
 * JSON ⇄ CEL values. CEL distinguishes int (int64) from double; JSON does not. Kubernetes
 * decodes unstructured JSON integers as int64 and types schema fields by their OpenAPI
 * type, so we do the same:
 *  - with a schema: `integer` → bigint, `number` → double (even when integral),
 *    x-kubernetes-int-or-string → bigint or string, format date-time/date → timestamp,
 *    format duration → Duration, format byte → bytes (base64-decoded);
 *  - without one (dyn, x-kubernetes-preserve-unknown-fields): integral numbers → bigint,
 *    others → double.
 * fromCel turns a CEL result back into JSON (bigint → number, Date → RFC 3339 string).
 */

import { evaluate as celEvaluate } from '@marcbachmann/cel-js';

/** The parts of an OpenAPI v3 schema the conversion looks at (a structural schema node). */
export interface CelSchemaNode {
  type?: string;
  format?: string;
  properties?: Record<string, CelSchemaNode>;
  additionalProperties?: CelSchemaNode | boolean;
  items?: CelSchemaNode;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

const parseDuration = (s: string): unknown => celEvaluate('duration(s)', { s });

export function toCel(value: unknown, schema?: CelSchemaNode): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (schema?.type === 'number') return value;
    if (schema?.type === 'integer' || Number.isInteger(value)) return Number.isInteger(value) ? BigInt(value) : value;
    return value;
  }
  if (typeof value === 'string') {
    const fmt = schema?.format;
    if (schema?.type === 'string' && fmt) {
      try {
        if (fmt === 'date-time' || fmt === 'datetime') { const d = new Date(value); if (!Number.isNaN(d.getTime())) return d; }
        else if (fmt === 'date') { const d = new Date(`${value}T00:00:00Z`); if (!Number.isNaN(d.getTime())) return d; }
        else if (fmt === 'duration') return parseDuration(value);
        else if (fmt === 'byte') return new Uint8Array(Buffer.from(value, 'base64'));
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) {
    const itemSchema = schema?.items;
    return value.map((v) => toCel(v, itemSchema));
  }
  if (typeof value === 'object') {
    if (value instanceof Date || value instanceof Uint8Array) return value;
    const out: Record<string, unknown> = {};
    const props = schema?.properties;
    const addl = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = toCel(v, props?.[k] ?? addl);
    }
    return out;
  }
  return value;
}

/** A CEL result as JSON: bigint → number, timestamps → RFC 3339, bytes → base64, Map → object. */
export function fromCel(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), fromCel(v)]));
  if (typeof value === 'object') {
    const v = value as { valueOf?: () => unknown; constructor?: { name?: string } };
    if (v.constructor?.name === 'UnsignedInt' && v.valueOf) return Number(v.valueOf());
    if (v.constructor?.name === 'Duration') return String(value);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value as Record<string, unknown>)) out[k] = fromCel(x);
    return out;
  }
  return value;
}
