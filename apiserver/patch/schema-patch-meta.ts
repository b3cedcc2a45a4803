import type { ResourceType } from '../../api/types.js';
import type { JSONSchemaProps } from '../../api/apiextensions/schema-types.js';
import { crdFor } from '../crd/custom-resource-type.js';
import { patchMetaFor, type FieldPatchMeta, type PatchMeta } from '../../api/patch-meta.js';

/**
 * List and map semantics of a CRD's structural schema, in the PatchMeta shape the apply
 * and ownership walks read: `x-kubernetes-list-type: map` with `x-kubernetes-list-map-keys`
 * is an associative list (key defaults from the schema), `set` a set, `atomic` (and no
 * list type: kube's default for CRDs) replaced whole; `x-kubernetes-map-type: atomic` (or
 * `granular`) for objects. Paths are dotted field names without indices, as in
 * patch-meta.ts. Only declared properties are described: what lies under
 * additionalProperties (map values) keeps the defaults (maps granular, lists atomic).
 */
export function patchMetaFromSchema(schema: JSONSchemaProps | undefined): PatchMeta {
  const out: Record<string, FieldPatchMeta> = {};
  const walk = (s: JSONSchemaProps | undefined, path: string, depth: number): void => {
    if (!s || depth > 64) return;
    if (path) {
      const listType = s['x-kubernetes-list-type'];
      if (s.type === 'array' || s.items) {
        if (listType === 'map' && s['x-kubernetes-list-map-keys']?.length) {
          const keys = s['x-kubernetes-list-map-keys'];
          const defaults: Record<string, string | number> = {};
          for (const k of keys) {
            const d = s.items?.properties?.[k]?.default;
            if (typeof d === 'string' || typeof d === 'number') defaults[k] = d;
          }
          out[path] = { strategy: 'merge', mergeKey: keys[0], applyKeys: keys, ...(Object.keys(defaults).length ? { applyKeyDefaults: defaults } : {}) };
        } else if (listType === 'set') {
          out[path] = { strategy: 'merge' };
        }
      } else if (s['x-kubernetes-map-type'] === 'atomic') {
        out[path] = { strategy: 'replace' };
      }
    }
    for (const [k, p] of Object.entries(s.properties ?? {})) walk(p, path ? `${path}.${k}` : k, depth + 1);
    if (s.items) walk(s.items, path, depth + 1);
  };
  walk(schema, '', 0);
  // metadata is ObjectMeta, as for built-in kinds.
  return Object.freeze({ ...patchMetaFor('', 'ConfigMap'), ...out });
}

const cache = new WeakMap<ResourceType, PatchMeta>();

/** The list/map semantics of a kind: built-in struct tags, or its CRD's schema (storage version). */
export function fieldTypesFor(rt: ResourceType): PatchMeta {
  const crd = crdFor(rt);
  if (!crd) return patchMetaFor(rt.group, rt.kind);
  let meta = cache.get(rt);
  if (!meta) {
    const storage = crd.spec.versions.find((v) => v.storage) ?? crd.spec.versions[0];
    meta = patchMetaFromSchema(storage?.schema?.openAPIV3Schema as JSONSchemaProps | undefined);
    cache.set(rt, meta);
  }
  return meta;
}
