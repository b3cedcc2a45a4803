import type { FieldPatchMeta, PatchMeta } from '../api/patch-meta.js';
import { kindFieldDocs, listFieldDocs, typeDocs } from './descriptions.js';
import { shortDefinitionName } from './names.js';
import { REF_PREFIX, type JsonObject } from './schemas.js';

/**
 * Kubernetes' extensions and descriptions on generated components, in place:
 * `x-kubernetes-group-version-kind` on kinds, strategic-merge-patch and server-side-apply
 * list metadata on fields, and descriptions from the table where zod gave none.
 */

type Components = Record<string, JsonObject>;

/** Follows `$ref` / single-`allOf` wrappers to the schema they name. */
export function resolveSchema(components: Components, node: JsonObject | undefined): JsonObject | undefined {
  let cur = node;
  for (let i = 0; cur && i < 8; i++) {
    const ref = typeof cur['$ref'] === 'string' ? (cur['$ref'] as string) : refOfAllOf(cur);
    if (!ref) return cur;
    cur = components[ref.slice(REF_PREFIX.length)];
  }
  return cur;
}

function refOfAllOf(node: JsonObject): string | undefined {
  const allOf = node['allOf'];
  if (!Array.isArray(allOf) || allOf.length !== 1) return undefined;
  const ref = (allOf[0] as JsonObject)['$ref'];
  return typeof ref === 'string' ? ref : undefined;
}

function propertiesOf(schema: JsonObject | undefined): Record<string, JsonObject> | undefined {
  const p = schema?.['properties'];
  return p && typeof p === 'object' ? (p as Record<string, JsonObject>) : undefined;
}

/**
 * The property schema at a dotted field path from a component (list items continue the
 * path, as in patch-meta.ts), or undefined when the schema has no such field.
 */
export function findProperty(components: Components, rootId: string, path: string): JsonObject | undefined {
  let schema: JsonObject | undefined = components[rootId];
  const segments = path.split('.');
  for (let i = 0; i < segments.length; i++) {
    const prop = propertiesOf(resolveSchema(components, schema))?.[segments[i]];
    if (!prop) return undefined;
    if (i === segments.length - 1) return prop;
    let next = resolveSchema(components, prop);
    if (next?.['type'] === 'array') next = next['items'] as JsonObject | undefined;
    schema = next;
  }
  return undefined;
}

function isArraySchema(components: Components, prop: JsonObject): boolean {
  return resolveSchema(components, prop)?.['type'] === 'array';
}

/** The extensions one patch-meta entry gives a field (Kubernetes' struct tags in OpenAPI form). */
export function patchExtensions(meta: FieldPatchMeta, isArray: boolean): JsonObject {
  const ext: JsonObject = {};
  if (meta.strategy === 'replace') {
    if (isArray) ext['x-kubernetes-list-type'] = 'atomic';
    return ext;
  }
  ext['x-kubernetes-patch-strategy'] = meta.strategy;
  if (meta.mergeKey) ext['x-kubernetes-patch-merge-key'] = meta.mergeKey;
  if (isArray && meta.strategy !== 'retainKeys') {
    if (meta.mergeKey) {
      ext['x-kubernetes-list-type'] = 'map';
      ext['x-kubernetes-list-map-keys'] = meta.applyKeys ?? [meta.mergeKey];
    } else {
      ext['x-kubernetes-list-type'] = 'set';
    }
  }
  return ext;
}

export function applyPatchMeta(components: Components, rootId: string, meta: PatchMeta): void {
  for (const [path, fieldMeta] of Object.entries(meta)) {
    const prop = findProperty(components, rootId, path);
    if (prop) Object.assign(prop, patchExtensions(fieldMeta, isArraySchema(components, prop)));
  }
}

function describe(target: JsonObject | undefined, text: string | undefined): void {
  if (target && text && typeof target['description'] !== 'string') target['description'] = text;
}

/** Table descriptions for every component that has an entry, without overriding zod's. */
export function applyTypeDocs(components: Components): void {
  for (const [id, schema] of Object.entries(components)) {
    const doc = typeDocs[shortDefinitionName(id)];
    if (!doc) continue;
    describe(schema, doc.type);
    const props = propertiesOf(schema);
    for (const [field, text] of Object.entries(doc.fields ?? {})) describe(props?.[field], text);
  }
}

/** Marks a top-level kind: GVK extension, standard field descriptions, metadata not required. */
export function markKind(schema: JsonObject, gvk: { group: string; version: string; kind: string }, isList = false): void {
  schema['x-kubernetes-group-version-kind'] = [{ group: gvk.group, kind: gvk.kind, version: gvk.version }];
  const props = propertiesOf(schema);
  const docs = isList ? listFieldDocs : kindFieldDocs;
  for (const [field, text] of Object.entries(docs)) describe(props?.[field], text);
  const required = schema['required'];
  if (Array.isArray(required)) {
    const rest = required.filter((r) => r !== 'metadata');
    if (rest.length > 0) schema['required'] = rest;
    else delete schema['required'];
  }
}
