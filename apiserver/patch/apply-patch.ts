import { badRequest } from './errors.js';
import { appliedSet, compareObjects, pruneFields } from './field-paths.js';
import { difference, intersection, isEmptySet, union, type FieldSet } from './field-set.js';
import {
  byId,
  capUpdateManagers,
  conflictError,
  decodeManagedFields,
  encodeManagedFields,
  findConflicts,
  managerId,
  sameContent,
  type Manager,
  type Writer,
} from './managed-fields.js';
import { fieldMeta, isMergeStrategy, type FieldPatchMeta, type PatchMeta } from '../../api/patch-meta.js';

/**
 * Server-side apply (`kubectl apply --server-side`, Content-Type
 * application/apply-patch+yaml), with field ownership as structured-merge-diff defines it.
 *
 * Merging the configuration onto the live object:
 * - Maps (structs) merge field by field; a map whose field is `replace` (atomic, e.g. a
 *   PDB's selector) is replaced.
 * - Associative lists (patchStrategy merge with a merge key, or a CRD's
 *   x-kubernetes-list-type: map) merge item by item on their list-map keys (`applyKeys`
 *   when the schema has several, e.g. containerPort+protocol, with schema defaults for
 *   omitted key fields); new items are appended in applied order.
 * - Sets (merge lists of primitives, e.g. finalizers) are unions; every other list is
 *   atomic and replaced.
 * - A null in the applied configuration means "not specified" and changes nothing.
 *
 * Ownership (serverSideApply): the manager's Apply entry becomes exactly the fields of
 * this configuration; fields it applied last time and dropped now are removed unless
 * another manager owns them; changing a value another manager owns is a conflict (409)
 * unless `force`, which takes the field from it. Fields the apply removes leave every
 * manager. For the manager `kubectl`, conflicts with fields that are still as the
 * last-applied-configuration annotation has them are not conflicts (kube's migration from
 * client-side apply), and that annotation follows the applied configuration.
 *
 * Not modelled, so differs from Kubernetes: unions/discriminators; the exact merged order
 * structured-merge-diff produces for reordered associative lists; conversion of field
 * sets between API versions (an entry keeps the version it was written in).
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** A value for a field the live object lacks: the applied value, nulls in maps dropped. */
function fresh(v: Json): Json {
  if (Array.isArray(v)) return v.map(fresh);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = fresh(x);
    return out;
  }
  return v;
}

/** The list-map keys of an associative list, or undefined for sets and atomic lists. */
function listKeys(fm: FieldPatchMeta | undefined): string[] | undefined {
  if (!fm || !isMergeStrategy(fm)) return undefined;
  return fm.applyKeys ?? (fm.mergeKey ? [fm.mergeKey] : undefined);
}

/** An item's key values, with schema defaults for omitted key fields; a 400 if one is still missing. */
function itemKey(item: Json, keys: string[], fm: FieldPatchMeta, path: string, index: number): string {
  if (!isObject(item)) {
    throw badRequest(`.${path}: element ${index}: associative list with keys may only contain objects`);
  }
  const parts = keys.map((k) => {
    const v = Object.hasOwn(item, k) && item[k] !== null ? item[k] : fm.applyKeyDefaults?.[k];
    if (v === undefined) {
      throw badRequest(
        `.${path}: element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`,
      );
    }
    return `${k}=${JSON.stringify(v)}`;
  });
  return `[${parts.join(',')}]`;
}

function mergeList(live: Json[], applied: Json[], path: string, meta: PatchMeta): Json[] {
  const fm = fieldMeta(meta, path);
  const keys = listKeys(fm);
  if (fm && keys) {
    const out = [...live];
    const liveIndex = new Map<string, number>();
    live.forEach((v, i) => {
      // Live items without their keys cannot be matched; they are kept as they are.
      try {
        liveIndex.set(itemKey(v, keys, fm, path, i), i);
      } catch {
        /* unmatched */
      }
    });
    const seen = new Set<string>();
    applied.forEach((item, i) => {
      const key = itemKey(item, keys, fm, path, i);
      if (seen.has(key)) throw badRequest(`.${path}: duplicate entries for key ${key}`);
      seen.add(key);
      const at = liveIndex.get(key);
      if (at === undefined) out.push(fresh(item));
      else out[at] = mergeValue(out[at], item, path, meta);
    });
    return out;
  }
  if (fm && isMergeStrategy(fm)) {
    // A set: keep the live members, add the applied ones it lacks.
    const out = [...live];
    for (const v of applied) if (!out.includes(v)) out.push(v);
    return out;
  }
  return applied.map(fresh);
}

function mergeValue(live: Json, applied: Json, path: string, meta: PatchMeta): Json {
  if (isObject(live) && isObject(applied)) {
    if (fieldMeta(meta, path)?.strategy === 'replace') return fresh(applied);
    const out: JsonObject = { ...live };
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) continue;
      out[k] = Object.hasOwn(live, k) ? mergeValue(live[k], v, child(path, k), meta) : fresh(v);
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied)) return mergeList(live, applied, path, meta);
  return fresh(applied);
}

/**
 * Applies `applied` (the parsed apply configuration) onto a copy of `live`, or builds the
 * object from it when `live` is null. Never mutates its inputs. Throws PatchError (400)
 * for a configuration that is not an object or an associative list item missing its keys.
 */
export function applyServerSideApply(live: object | null, applied: unknown, meta: PatchMeta): object {
  if (!isObject(applied)) throw badRequest('error decoding YAML: the applied configuration must be an object');
  const base = live === null ? {} : structuredClone(live);
  return mergeValue(base, structuredClone(applied), '', meta) as object;
}

export interface ApplyOptions extends Writer {
  force: boolean;
  /** Whether the kind has a status subresource (its main resource then ignores status, and the status subresource everything else). */
  statusSubresource: boolean;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const metaOf = (o: JsonObject): JsonObject | undefined => (isObject(o.metadata) ? o.metadata : undefined);

/** The fields of the status subresource, or everything else: kube's reset fields per strategy. */
function resetFilter(set: FieldSet, opts: ApplyOptions): FieldSet {
  if (opts.subresource === 'status') return set['f:status'] ? { 'f:status': set['f:status'] } : {};
  if (opts.statusSubresource && !opts.subresource && set['f:status']) {
    const { 'f:status': _s, ...rest } = set;
    return rest;
  }
  return set;
}

/** Puts back what the endpoint may not change (status on the main resource, the rest on status). */
function resetObject(merged: JsonObject, live: JsonObject, opts: ApplyOptions): JsonObject {
  if (opts.subresource === 'status') {
    const out = structuredClone(live);
    if (merged.status !== undefined) out.status = merged.status;
    else delete out.status;
    return out;
  }
  if (opts.statusSubresource && !opts.subresource) {
    if (live.status !== undefined) merged.status = structuredClone(live.status);
    else delete merged.status;
  }
  return merged;
}

/**
 * The fields the last-applied-configuration annotation set that the live object still
 * has as set: conflicts on them are allowed for the manager `kubectl` (kube's
 * lastAppliedManager). Empty when there is no usable annotation.
 */
function allowedFromLastApplied(live: JsonObject, meta: PatchMeta): FieldSet {
  const raw = (metaOf(live)?.annotations as JsonObject | undefined)?.[LAST_APPLIED];
  if (typeof raw !== 'string' || raw === '') return {};
  let last: unknown;
  try {
    last = JSON.parse(raw);
  } catch {
    return {};
  }
  if (!isObject(last) || last.apiVersion !== live.apiVersion) return {};
  const c = compareObjects(last, live, meta);
  return difference(appliedSet(last, meta), union(union(c.modified, c.added), c.removed));
}

/** JSON with sorted keys and a final newline, as Go encodes an unstructured object. */
function sortedJson(v: Json): string {
  const sort = (x: Json): Json => {
    if (Array.isArray(x)) return x.map(sort);
    if (isObject(x)) {
      const out: JsonObject = {};
      for (const k of Object.keys(x).sort()) out[k] = sort(x[k]);
      return out;
    }
    return x;
  };
  return `${JSON.stringify(sort(v))}\n`;
}

/**
 * Applies `applied` for the manager in `opts` onto `live` (null: the object is created)
 * and returns the new object with its managedFields. Never mutates its inputs. Throws
 * PatchError 400 for a malformed configuration, ApiError 409 for conflicts.
 */
export function serverSideApply(live: object | null, applied: unknown, meta: PatchMeta, opts: ApplyOptions): object {
  if (!isObject(applied)) throw badRequest('error decoding YAML: the applied configuration must be an object');
  const appliedMeta = metaOf(applied);
  if (appliedMeta && appliedMeta.managedFields !== undefined && appliedMeta.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const liveObj = (live ?? {}) as JsonObject;
  let merged = mergeValue(structuredClone(liveObj), structuredClone(applied), '', meta) as JsonObject;

  const managers = byId(decodeManagedFields(metaOf(liveObj)?.managedFields) ?? []);
  const self: Manager = { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, subresource: opts.subresource ?? '', set: {} };
  const selfId = managerId(self);
  const previous = managers.get(selfId);
  const set = resetFilter(appliedSet(applied, meta), opts);
  managers.set(selfId, { ...self, time: previous?.time, set });

  if (previous && !isEmptySet(previous.set)) {
    const dropped = difference(previous.set, set);
    if (!isEmptySet(dropped)) {
      let owned: FieldSet = {};
      for (const m of managers.values()) owned = union(owned, m.set);
      pruneFields(merged, dropped, owned, meta);
    }
  }
  merged = resetObject(merged, liveObj, opts);

  const c = compareObjects(liveObj, merged, meta);
  const changed = union(c.added, c.modified);
  let conflicts = findConflicts(managers, selfId, changed);
  if (conflicts.length > 0 && !opts.force && opts.manager === 'kubectl') {
    const allowed = allowedFromLastApplied(liveObj, meta);
    conflicts = conflicts.filter((x) => !isEmptySet(difference(pathSet(x.path), allowed)));
    if (conflicts.length === 0) conflicts = findConflicts(managers, selfId, changed); // all allowed: taken as with force
    else throw conflictError(conflicts);
  } else if (conflicts.length > 0 && !opts.force) {
    throw conflictError(conflicts);
  }
  for (const [id, m] of managers) {
    if (id === selfId) continue;
    m.set = difference(difference(m.set, intersection(m.set, changed)), c.removed);
    if (isEmptySet(m.set)) managers.delete(id);
  }
  const mine = managers.get(selfId)!;
  if (!sameContent(liveObj, merged) || !mine.time) mine.time = opts.now;
  if (isEmptySet(mine.set)) managers.delete(selfId);
  capUpdateManagers(managers);

  const mergedMeta = (merged.metadata = isObject(merged.metadata) ? merged.metadata : {});
  const annotations = mergedMeta.annotations as JsonObject | undefined;
  if (opts.manager === 'kubectl' && typeof annotations?.[LAST_APPLIED] === 'string' && annotations[LAST_APPLIED] !== '') {
    const config = structuredClone(applied);
    const cm = metaOf(config);
    if (cm && isObject(cm.annotations)) {
      delete cm.annotations[LAST_APPLIED];
      if (Object.keys(cm.annotations).length === 0) delete cm.annotations;
    }
    annotations[LAST_APPLIED] = sortedJson(config);
  }
  const encoded = encodeManagedFields(managers.values());
  if (encoded) mergedMeta.managedFields = encoded;
  else delete mergedMeta.managedFields;
  return merged;
}

/** A set holding one path. */
function pathSet(path: string[]): FieldSet {
  let s: FieldSet = {};
  for (let i = path.length - 1; i >= 0; i--) s = { [path[i]]: s };
  return s;
}
