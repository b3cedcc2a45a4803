import type { JSONSchemaProps } from './schema-types.js';

/**
 * Pruning and defaulting of custom objects, in place, as apiextensions-apiserver does on
 * every write: unknown fields go (except under x-kubernetes-preserve-unknown-fields), nulls
 * of non-nullable fields go, then `default`s fill absent fields. At the root (and in
 * x-kubernetes-embedded-resource objects) apiVersion, kind and metadata are kept.
 */

const META_KEYS = new Set(['apiVersion', 'kind', 'metadata']);

/** Removes fields the schema does not declare. Returns the dotted paths removed. */
export function prune(obj: Record<string, unknown>, schema: JSONSchemaProps | undefined): string[] {
  const removed: string[] = [];
  if (!schema) return removed;
  pruneObject(obj, schema, '', true, removed);
  return removed;
}

function pruneValue(v: unknown, s: JSONSchemaProps | undefined, path: string, removed: string[]): void {
  if (!s || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => pruneValue(item, s.items, `${path}[${i}]`, removed));
    return;
  }
  pruneObject(v as Record<string, unknown>, s, path, !!s['x-kubernetes-embedded-resource'], removed);
}

function pruneObject(o: Record<string, unknown>, s: JSONSchemaProps, path: string, keepMeta: boolean, removed: string[]): void {
  const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
  for (const key of Object.keys(o)) {
    const child = path ? `${path}.${key}` : key;
    if (keepMeta && META_KEYS.has(key)) {
      if (key === 'metadata' && path !== '' && o.metadata && typeof o.metadata === 'object') pruneEmbeddedMeta(o.metadata as Record<string, unknown>);
      continue;
    }
    const prop = s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (prop) {
      pruneValue(o[key], prop, child, removed);
    } else if (s.additionalProperties === true) {
      continue;
    } else if (!preserve) {
      delete o[key];
      removed.push(child);
    }
  }
}

const EMBEDDED_META = new Set(['name', 'namespace', 'generateName', 'labels', 'annotations', 'finalizers', 'ownerReferences', 'uid', 'resourceVersion', 'generation', 'creationTimestamp']);
function pruneEmbeddedMeta(m: Record<string, unknown>): void {
  for (const k of Object.keys(m)) if (!EMBEDDED_META.has(k)) delete m[k];
}

/** Fills `default`s of absent fields (and of non-nullable nulls), recursively, in place. */
export function applyDefaults(obj: unknown, schema: JSONSchemaProps | undefined): void {
  if (!schema || obj === null || typeof obj !== 'object') return;
  if (Array.isArray(obj)) {
    if (schema.items) for (const item of obj) applyDefaults(item, schema.items);
    return;
  }
  const o = obj as Record<string, unknown>;
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (o[name] === null && !prop.nullable) {
      if (prop.default !== undefined) o[name] = structuredClone(prop.default);
      else delete o[name];
    } else if (o[name] === undefined && prop.default !== undefined) {
      o[name] = structuredClone(prop.default);
    }
    if (o[name] !== undefined) applyDefaults(o[name], prop);
  }
  if (typeof schema.additionalProperties === 'object') {
    for (const k of Object.keys(o)) applyDefaults(o[k], schema.additionalProperties);
  }
}
