import { MEMBER, isMember, type FieldSet } from './field-set.js';
import { fieldMeta, isMergeStrategy, type PatchMeta } from '../../api/patch-meta.js';

/**
 * The walks over objects that server-side apply's field ownership needs, with list and
 * map semantics from the kind's schema (PatchMeta: built-in struct tags, or a CRD's
 * x-kubernetes-list-type / list-map-keys / map-type):
 *
 * - appliedSet: the fields an apply configuration sets (structured-merge-diff's
 *   ToFieldSet): leaves, list items, empty maps; a struct holding fields is not itself
 *   a member.
 * - compareObjects: what changed between two objects (Compare): added and removed paths
 *   are members all the way down (a new map is owned together with its keys, which is
 *   where the `.` entries of Update managers come from); modified are changed leaves.
 * - createdSet: what a create owns (compare with an empty object of the kind, whose
 *   metadata/spec/status structs already exist).
 * - pruneFields: removes paths a manager stopped applying, unless someone still owns them.
 *
 * The fields the apiserver owns (apiVersion, kind, name, namespace, uid, resourceVersion,
 * generation, creationTimestamp, deletion fields, managedFields, selfLink) are never in a
 * set, as kube's strip-meta manager leaves them out.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (path: string, key: string): string => (path ? `${path}.${key}` : key);

const STRIPPED = new Set([
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.resourceVersion',
  'metadata.generation',
  'metadata.creationTimestamp',
  'metadata.deletionTimestamp',
  'metadata.deletionGracePeriodSeconds',
  'metadata.managedFields',
  'metadata.selfLink',
]);

type ListSemantics = { type: 'map'; keys: string[]; defaults?: Record<string, string | number> } | { type: 'set' } | { type: 'atomic' };

function listSemantics(meta: PatchMeta, path: string): ListSemantics {
  const fm = fieldMeta(meta, path);
  if (!fm || !isMergeStrategy(fm)) return { type: 'atomic' };
  const keys = fm.applyKeys ?? (fm.mergeKey ? [fm.mergeKey] : undefined);
  return keys ? { type: 'map', keys, defaults: fm.applyKeyDefaults } : { type: 'set' };
}

const atomicMap = (meta: PatchMeta, path: string): boolean => fieldMeta(meta, path)?.strategy === 'replace';

/** The `k:` element of an associative list item, or undefined when a key field is missing. */
export function itemElement(item: Json, keys: string[], defaults?: Record<string, string | number>): string | undefined {
  if (!isObject(item)) return undefined;
  const sorted = keys.length > 1 ? [...keys].sort() : keys;
  const out: JsonObject = {};
  for (const k of sorted) {
    const v = item[k] ?? defaults?.[k];
    if (v === undefined || v === null) return undefined;
    out[k] = v;
  }
  return `k:${JSON.stringify(out)}`;
}

/** The element naming list item `i`: its keys, its value (sets) or its index (no keys). */
function elementOf(item: Json, i: number, sem: ListSemantics): string {
  if (sem.type === 'map') return itemElement(item, sem.keys, sem.defaults) ?? `i:${i}`;
  return `v:${JSON.stringify(item)}`;
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  for (const k of ak) {
    if (!Object.hasOwn(b, k) || !deepEqual((a as JsonObject)[k], (b as JsonObject)[k])) return false;
  }
  return true;
}

// ---- appliedSet -----------------------------------------------------------------

function appliedFields(obj: JsonObject, meta: PatchMeta, path: string): FieldSet {
  const out: FieldSet = {};
  for (const k in obj) {
    const v = obj[k];
    if (v === null || v === undefined) continue; // "not specified"
    const p = child(path, k);
    if (STRIPPED.has(p)) continue;
    const n = appliedValue(v, meta, p);
    if (n) out[`f:${k}`] = n;
  }
  return out;
}

function appliedValue(v: Json, meta: PatchMeta, path: string): FieldSet | undefined {
  if (isObject(v)) {
    if (atomicMap(meta, path)) return {};
    const children = appliedFields(v, meta, path);
    for (const _ in children) return children;
    // An empty map is owned as such; one holding only nulls or apiserver fields sets nothing.
    for (const _ in v) return undefined;
    return {};
  }
  if (Array.isArray(v)) {
    const sem = listSemantics(meta, path);
    if (sem.type === 'atomic') return {};
    const out: FieldSet = {};
    v.forEach((item, i) => {
      const e = elementOf(item, i, sem);
      out[e] = sem.type === 'map' && isObject(item) ? withMember(appliedFields(item, meta, path)) : {};
    });
    for (const _ in out) return out;
    return undefined; // an empty granular list sets nothing
  }
  return {};
}

/** The fields an apply configuration sets. */
export function appliedSet(config: JsonObject, meta: PatchMeta): FieldSet {
  return appliedFields(config, meta, '');
}

// ---- added (everything below a new value) ---------------------------------------

/** The fields of `obj` below a new value, into `out` (which may hold the member mark). Returns whether any was added. */
function addedFieldsInto(out: FieldSet, obj: JsonObject, meta: PatchMeta, path: string): boolean {
  let any = false;
  const strip = path === '' || path === 'metadata';
  for (const k in obj) {
    const v = obj[k];
    if (v === undefined) continue;
    const p = path ? `${path}.${k}` : k;
    if (strip && STRIPPED.has(p)) continue;
    out[`f:${k}`] = addedValue(v, meta, p);
    any = true;
  }
  return any;
}

function addedFields(obj: JsonObject, meta: PatchMeta, path: string): FieldSet {
  const out: FieldSet = {};
  addedFieldsInto(out, obj, meta, path);
  return out;
}

/** A new item of an associative list: a member with its fields. */
function addedItem(item: JsonObject, meta: PatchMeta, path: string): FieldSet {
  const out: FieldSet = { [MEMBER]: {} };
  return addedFieldsInto(out, item, meta, path) ? out : {};
}

function addedValue(v: Json, meta: PatchMeta, path: string): FieldSet {
  if (typeof v !== 'object' || v === null) return {};
  if (Array.isArray(v)) {
    if (v.length === 0) return {};
    const sem = listSemantics(meta, path);
    if (sem.type === 'atomic') return {};
    const out: FieldSet = { [MEMBER]: {} };
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      out[elementOf(item, i, sem)] = sem.type === 'map' && isObject(item) ? addedItem(item, meta, path) : {};
    }
    return out;
  }
  if (atomicMap(meta, path)) return {};
  const out: FieldSet = { [MEMBER]: {} };
  return addedFieldsInto(out, v as JsonObject, meta, path) ? out : {};
}

function withMember(children: FieldSet): FieldSet {
  for (const _ in children) return { [MEMBER]: {}, ...children };
  return {};
}

/** Top-level structs that exist in an empty object of a kind: a create owns their fields, not them. */
const ZERO_STRUCTS = new Set(['metadata', 'spec', 'status']);

/** What an object's creator owns: every field, as compared with an empty object of the kind. */
export function createdSet(obj: JsonObject, meta: PatchMeta): FieldSet {
  const out: FieldSet = {};
  for (const k in obj) {
    const v = obj[k];
    if (v === undefined || STRIPPED.has(k)) continue;
    if (ZERO_STRUCTS.has(k) && isObject(v)) {
      const children = addedFields(v, meta, k);
      for (const _ in children) {
        out[`f:${k}`] = children;
        break;
      }
    } else {
      out[`f:${k}`] = addedValue(v, meta, k);
    }
  }
  return out;
}

// ---- compare --------------------------------------------------------------------

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

function attach(out: Comparison, key: string, sub: Comparison): void {
  for (const _ in sub.added) {
    out.added[key] = sub.added;
    break;
  }
  for (const _ in sub.modified) {
    out.modified[key] = sub.modified;
    break;
  }
  for (const _ in sub.removed) {
    out.removed[key] = sub.removed;
    break;
  }
}

function compareFields(o: JsonObject, n: JsonObject, meta: PatchMeta, path: string, out: Comparison): void {
  for (const k in n) {
    const nv = n[k];
    if (nv === undefined) continue;
    const p = child(path, k);
    if (STRIPPED.has(p)) continue;
    const ov = o[k];
    if (ov === undefined) out.added[`f:${k}`] = addedValue(nv, meta, p);
    else compareValue(ov, nv, meta, p, `f:${k}`, out);
  }
  for (const k in o) {
    const ov = o[k];
    if (ov === undefined || n[k] !== undefined) continue;
    const p = child(path, k);
    if (STRIPPED.has(p)) continue;
    out.removed[`f:${k}`] = addedValue(ov, meta, p);
  }
}

function compareValue(ov: Json, nv: Json, meta: PatchMeta, path: string, key: string, out: Comparison): void {
  if (isObject(ov) && isObject(nv) && !atomicMap(meta, path)) {
    const sub: Comparison = { added: {}, modified: {}, removed: {} };
    compareFields(ov, nv, meta, path, sub);
    attach(out, key, sub);
    return;
  }
  if (Array.isArray(ov) && Array.isArray(nv)) {
    const sem = listSemantics(meta, path);
    if (sem.type !== 'atomic') {
      const sub: Comparison = { added: {}, modified: {}, removed: {} };
      compareList(ov, nv, sem, meta, path, sub);
      attach(out, key, sub);
      return;
    }
  }
  if (!deepEqual(ov, nv)) out.modified[key] = {};
}

function compareList(ol: Json[], nl: Json[], sem: ListSemantics, meta: PatchMeta, path: string, out: Comparison): void {
  const old = new Map<string, Json>();
  ol.forEach((item, i) => old.set(elementOf(item, i, sem), item));
  const seen = new Set<string>();
  nl.forEach((item, i) => {
    const e = elementOf(item, i, sem);
    seen.add(e);
    const before = old.get(e);
    const isItemMap = sem.type === 'map' && isObject(item);
    if (before === undefined) {
      out.added[e] = isItemMap ? addedItem(item as JsonObject, meta, path) : {};
    } else if (isItemMap && isObject(before)) {
      const sub: Comparison = { added: {}, modified: {}, removed: {} };
      compareFields(before, item as JsonObject, meta, path, sub);
      attach(out, e, sub);
    } else if (!deepEqual(before, item)) {
      out.modified[e] = {};
    }
  });
  for (const [e, item] of old) {
    if (!seen.has(e)) out.removed[e] = sem.type === 'map' && isObject(item) ? addedItem(item, meta, path) : {};
  }
}

/** What changed from `o` to `n`, leaving out the fields the apiserver owns. */
export function compareObjects(o: JsonObject, n: JsonObject, meta: PatchMeta): Comparison {
  const out: Comparison = { added: {}, modified: {}, removed: {} };
  compareFields(o, n, meta, '', out);
  return out;
}

// ---- prune ----------------------------------------------------------------------

/**
 * Removes from `obj` (in place) the members of `toRemove` that nothing in `owned` is at
 * or below, as structured-merge-diff prunes what an applier dropped. The key fields of a
 * list item that stays are kept. Maps and lists emptied by the removal go too.
 */
export function pruneFields(obj: JsonObject, toRemove: FieldSet, owned: FieldSet, meta: PatchMeta): void {
  pruneMap(obj, toRemove, owned, meta, '', undefined);
}

function pruneMap(obj: JsonObject, rm: FieldSet, owned: FieldSet | undefined, meta: PatchMeta, path: string, keyFields: string[] | undefined): void {
  for (const e in rm) {
    if (!e.startsWith('f:')) continue;
    const name = e.slice(2);
    if (!Object.hasOwn(obj, name) || keyFields?.includes(name)) continue;
    const sub = rm[e];
    const ow = owned?.[e];
    if (isMember(sub) && ow === undefined) {
      delete obj[name];
      continue;
    }
    const v = obj[name];
    const p = child(path, name);
    if (isObject(v)) {
      const before = Object.keys(v).length;
      pruneMap(v, sub, ow, meta, p, undefined);
      if (before > 0 && Object.keys(v).length === 0) delete obj[name];
    } else if (Array.isArray(v)) {
      const sem = listSemantics(meta, p);
      if (sem.type === 'atomic') continue;
      const kept = v.filter((item, i) => {
        const el = elementOf(item, i, sem);
        const itemRm = sub[el];
        if (itemRm === undefined) return true;
        const itemOwned = ow?.[el];
        if (isMember(itemRm) && itemOwned === undefined) return false;
        if (sem.type === 'map' && isObject(item)) pruneMap(item, itemRm, itemOwned, meta, p, sem.keys);
        return true;
      });
      if (kept.length === 0 && v.length > 0) delete obj[name];
      else obj[name] = kept;
    }
  }
}
