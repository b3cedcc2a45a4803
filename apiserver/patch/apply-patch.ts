import { badRequest } from './errors.js';
import { fieldMeta, isMergeStrategy, type FieldPatchMeta, type PatchMeta } from '../../api/patch-meta.js';

/**
 * Server-side apply (`kubectl apply --server-side`, Content-Type
 * application/apply-patch+yaml), without field ownership: the applied configuration is
 * merged onto the live object.
 *
 * - Maps (structs) merge field by field; a map whose field is `replace` (atomic, e.g. a
 *   PDB's selector) is replaced.
 * - Associative lists (patchStrategy merge with a merge key) merge item by item on their
 *   list-map keys (`applyKeys` when the schema has several, e.g. containerPort+protocol,
 *   with schema defaults for omitted key fields); new items are appended in applied order.
 * - Sets (merge lists of primitives, e.g. finalizers) are unions; every other list is
 *   atomic and replaced.
 * - A null in the applied configuration means "not specified" and changes nothing.
 * - With no live object, the result is the applied configuration (nulls dropped).
 *
 * Not modelled, so differs from Kubernetes:
 * - managedFields and field ownership: no conflicts are ever reported (as if every apply
 *   were `--force-conflicts`), and managedFields is neither written nor read.
 * - Removal of fields a manager applied before and has now dropped from its configuration:
 *   Kubernetes removes them when no other manager owns them; here they stay. (Set a value
 *   explicitly, or use a merge/strategic patch, to remove one.)
 * - Unions/discriminators and the exact merged order structured-merge-diff produces for
 *   reordered associative lists.
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
