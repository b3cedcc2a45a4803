import type { z } from 'zod';
import type { KubeObject } from '../../api/types.js';
import { badRequest } from '../errors.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface DecodeResult {
  object: KubeObject;
  /** Warnings for the `Warning` response header (unknown fields under Warn). */
  warnings: string[];
}

/**
 * Turns a request body into a typed object: shape errors are 400 BadRequest, worded as
 * kube-apiserver's decoder ("Pod in version "v1" cannot be handled as a Pod: …"); unknown
 * fields are dropped, and reported as an error (Strict) or warning (Warn).
 */
export function decodeObject(
  schema: z.ZodType,
  body: unknown,
  what: { kind: string; version: string },
  fieldValidation: FieldValidation,
): DecodeResult {
  const prefix = `${what.kind} in version "${what.version}" cannot be handled as a ${what.kind}`;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`${prefix}: the object provided is not a JSON object`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw badRequest(`${prefix}: ${issues.join(', ')}`);
  }
  const unknown = fieldValidation === 'Ignore' ? [] : findUnknownFields(body, parsed.data);
  if (unknown.length > 0 && fieldValidation === 'Strict') {
    throw badRequest(`${prefix}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  }
  return { object: parsed.data as KubeObject, warnings: unknown.map((f) => `unknown field "${f}"`) };
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out || '<root>';
}

/**
 * Paths present in the input but absent from the schema's parsed output. The schemas
 * strip unknown keys and add none, so the difference is exactly the unknown fields.
 */
export function findUnknownFields(input: unknown, parsed: unknown, path = ''): string[] {
  if (Array.isArray(input) && Array.isArray(parsed)) {
    return input.flatMap((item, i) => findUnknownFields(item, parsed[i], `${path}[${i}]`));
  }
  if (!isPlainObject(input) || !isPlainObject(parsed)) return [];
  const out: string[] = [];
  for (const key of Object.keys(input)) {
    const child = path === '' ? key : `${path}.${key}`;
    if (!(key in parsed)) {
      // apiVersion and kind are type metadata, never unknown.
      if (path === '' && (key === 'apiVersion' || key === 'kind')) continue;
      out.push(child);
    } else {
      out.push(...findUnknownFields(input[key], parsed[key], child));
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
