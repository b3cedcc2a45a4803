import { badRequest, goFormat, internalError, mergePatchMessages as msg, unprocessable } from './errors.js';
import { fieldMeta, isMergeStrategy, type FieldPatchMeta, type PatchMeta } from '../../api/patch-meta.js';

/**
 * Strategic merge patch, as kube-apiserver applies it (k8s.io/apimachinery/pkg/util/
 * strategicpatch StrategicMergeMapPatch): what `kubectl apply` (client-side), `kubectl
 * patch` (default type), `kubectl set image`, `kubectl label/annotate` and `kubectl scale
 * --current-replicas` send for built-in kinds.
 *
 * - Maps merge key by key; `null` deletes a key; a value of another type replaces.
 * - Lists whose field has patchStrategy merge are merged: items by their merge key
 *   (containers by name, ports by containerPort, …), primitive items as a set
 *   (finalizers). Every other list is replaced by the patch's list.
 * - Directives: `$patch: replace | delete` in a map (`merge` is accepted as a no-op);
 *   `{name: x, $patch: delete}` and `{$patch: replace}` as list items;
 *   `$retainKeys: [..]` (clear the map's other keys); `$deleteFromPrimitiveList/<f>: [..]`;
 *   `$setElementOrder/<f>: [..]` (the order kubectl apply wants the merged list in).
 * - The merged order of a list: patch items in patch order, server-only items keep their
 *   relative order and are interleaved as Kubernetes does it.
 *
 * Deliberate differences, where Kubernetes relies on typed decoding to clean up after it:
 * a patch value for a key the original lacks is merged against nothing (so directives
 * inside it take effect and never reach the stored object), and
 * `$deleteFromPrimitiveList/<f>` on a missing or non-merging list only deletes (Kubernetes
 * would store the deletion list itself).
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

const directiveMarker = '$patch';
const retainKeysDirective = '$retainKeys';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';
const setElementOrderPrefix = '$setElementOrder';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const child = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** Go's reflect type of a decoded JSON value, for "same type?" checks. */
function typeOf(v: Json): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  return typeof v;
}

/** mergepatch.ErrBadArgType for an expected list. */
function notAList(v: Json): never {
  const goType = typeOf(v) === 'map' ? 'map[string]interface {}' : typeOf(v) === 'number' ? 'float64' : typeOf(v);
  throw internalError(`expected a []interface {}, but received a ${goType}`);
}

function noMergeKey(m: JsonObject, mergeKey: string): never {
  throw internalError(`map: ${goFormat(m)} does not contain declared merge key: ${mergeKey}`);
}

/** A patch value for a key the original lacks: merged against nothing, so nested directives apply. */
function fresh(v: Json, path: string, meta: PatchMeta): Json {
  if (isObject(v)) return mergeMap(undefined, v, path, meta);
  if (Array.isArray(v)) return mergeList([], v, path, meta);
  return v;
}

/** The element kind of one or more lists ('map', a primitive type, or undefined when all are empty). */
function elementKind(...lists: Json[][]): string | undefined {
  let kind: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = typeOf(v);
      if (t === 'slice') throw unprocessable(msg.noListOfLists);
      if (kind === undefined) kind = t;
      else if (kind !== t) {
        throw internalError(`list element types are not identical: [${lists.map(goFormat).join(' ')}]`);
      }
    }
  }
  return kind;
}

/** The position of `item` in `list`, by merge key for maps or by value for primitives; -1 if absent. */
function indexIn(list: Json[], item: Json, mergeKey: string | undefined): number {
  if (mergeKey) {
    const want = isObject(item) ? item[mergeKey] : undefined;
    return list.findIndex((v) => isObject(v) && v[mergeKey] === want);
  }
  return list.indexOf(item);
}

/** Stable sort of `items` by their position in `order` (items not in it stay last). */
function sortByOrder(items: Json[], order: Json[], mergeKey: string | undefined): Json[] {
  if (mergeKey) {
    for (const v of [...items, ...order]) {
      if (!isObject(v)) notAList(v);
      if (!Object.hasOwn(v, mergeKey)) noMergeKey(v, mergeKey);
    }
  }
  const pos = (v: Json): number => {
    const i = indexIn(order, v, mergeKey);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items
    .map((v, i) => ({ v, i, p: pos(v) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((x) => x.v);
}

/**
 * normalizeElementOrder + mergeSortedSlice: patch items sorted by the patch's order,
 * server-only items by the live order, then interleaved: a server-only item goes first
 * only while it comes before the next patch item in the live list.
 */
function normalizeElementOrder(
  patchItems: Json[],
  serverOnly: Json[],
  patchOrder: Json[],
  serverOrder: Json[],
  mergeKey: string | undefined,
): Json[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey);
      const ri = indexIn(serverOrder, right[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Splits `merged` into items present in `by` and the rest, keeping order. */
function partition(merged: Json[], by: Json[], mergeKey: string | undefined): [Json[], Json[]] {
  const inPatch: Json[] = [];
  const serverOnly: Json[] = [];
  for (const v of merged) {
    if (mergeKey) {
      if (!isObject(v)) notAList(v);
      if (!Object.hasOwn(v, mergeKey)) noMergeKey(v, mergeKey);
    }
    (indexIn(by, v, mergeKey) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/** Merges two lists of a field with merge strategy (mergeSlice). */
function mergeSlice(original: Json[], patch: Json[], fm: FieldPatchMeta, path: string, meta: PatchMeta): Json[] {
  if (original.length === 0 && patch.length === 0) return [];
  const kind = elementKind(original, patch);
  const mergeKey = kind === 'map' ? fm.mergeKey : undefined;

  if (kind !== 'map') {
    // A set of primitives: union, deduplicated.
    const merged: Json[] = [];
    for (const v of [...original, ...patch]) if (!merged.includes(v)) merged.push(v);
    const [inPatch, serverOnly] = partition(merged, patch, undefined);
    return normalizeElementOrder(inPatch, serverOnly, patch, original, undefined);
  }
  if (!mergeKey) throw internalError('cannot merge lists without merge key for type struct');

  // Special items first: {$patch: delete} removes by key, {$patch: replace} replaces the list.
  let live = [...original];
  const plain: JsonObject[] = [];
  let replace = false;
  for (const item of patch as JsonObject[]) {
    if (!Object.hasOwn(item, directiveMarker)) {
      plain.push(item);
      continue;
    }
    const directive = item[directiveMarker];
    if (directive === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) noMergeKey(item, mergeKey);
      live = live.filter((v) => {
        if (!isObject(v)) throw internalError(`value for key ${live.indexOf(v)} is not a map.`);
        return v[mergeKey] !== item[mergeKey];
      });
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw internalError('merging lists cannot yet be specified in the patch');
    } else {
      throw internalError(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(item)}`);
    }
  }
  if (replace) return plain.map((v) => fresh(v, path, meta));

  const merged = [...live];
  for (const item of plain) {
    if (!Object.hasOwn(item, mergeKey)) noMergeKey(item, mergeKey);
    const idx = merged.findIndex((v, k) => {
      if (!isObject(v)) throw internalError(`value for key ${k} is not a map.`);
      return Object.hasOwn(v, mergeKey) && v[mergeKey] === item[mergeKey];
    });
    if (idx >= 0) merged[idx] = mergeMap(merged[idx] as JsonObject, item, path, meta);
    else merged.push(fresh(item, path, meta));
  }
  const [inPatch, serverOnly] = partition(merged, plain, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, plain, live, mergeKey);
}

/** mergeSliceHandler: merge when the field's strategy says so, else the patch list replaces. */
function mergeList(original: Json[], patch: Json[], path: string, meta: PatchMeta): Json[] {
  const fm = fieldMeta(meta, path);
  if (fm && isMergeStrategy(fm)) return mergeSlice(original, patch, fm, path, meta);
  return patch.map((v) => (isObject(v) ? mergeMap(undefined, v, path, meta) : structuredClone(v)));
}

/** `$retainKeys`: validates the patch against the list, then drops the original's other keys. */
function applyRetainKeys(result: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const list = patch[retainKeysDirective];
  if (!Array.isArray(list)) throw badRequest(msg.badPatchFormatForRetainKeys);
  for (const [k, v] of Object.entries(patch)) {
    if (k === retainKeysDirective || v === null) continue;
    if (k.startsWith(deleteFromPrimitiveListPrefix) || k.startsWith(setElementOrderPrefix)) continue;
    if (!list.includes(k)) throw badRequest(msg.badPatchFormatForRetainKeys);
  }
  for (const k of Object.keys(result)) if (!list.includes(k)) delete result[k];
}

/** The field a `$prefix/<field>` directive names, or a 400 when the slash is missing. */
function directiveField(key: string, prefix: string, badFormat: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw badRequest(badFormat);
  return key.slice(slash + 1);
}

/** validatePatchWithSetOrderList: the patch's items must appear in the order list, in its order. */
function validateSetOrder(patchList: Json[], order: Json[], mergeKey: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !(isObject(v) && v[directiveMarker] === 'delete')) : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isObject(item) && Object.hasOwn(item, directiveMarker)) {
      p++;
      continue;
    }
    let equal: boolean;
    if (mergeKey) {
      const ord = order[o];
      if (!isObject(item)) notAList(item);
      if (!isObject(ord)) notAList(ord);
      if (!Object.hasOwn(item, mergeKey)) noMergeKey(item, mergeKey);
      if (!Object.hasOwn(ord, mergeKey)) noMergeKey(ord, mergeKey);
      equal = item[mergeKey] === ord[mergeKey];
    } else {
      equal = item === order[o];
    }
    if (equal) p++;
    o++;
  }
  if (p < items.length) {
    throw internalError(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${goFormat(order)}\n`,
    );
  }
}

/**
 * `$setElementOrder/<field>`: merges the field's list (if the patch has one) and puts the
 * result in the order the directive gives, server-only items interleaved. Returns the
 * fields it handled, so the main loop skips them.
 */
function applySetElementOrder(result: JsonObject, patch: JsonObject, path: string, meta: PatchMeta): Set<string> {
  const handled = new Set<string>();
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(setElementOrderPrefix)) continue;
    const field = directiveField(key, setElementOrderPrefix, msg.badPatchFormatForSetElementOrderList);
    if (!Array.isArray(order)) notAList(order);
    const foundOriginal = Object.hasOwn(result, field) && result[field] !== null;
    const foundPatch = Object.hasOwn(patch, field) && patch[field] !== null;
    const originalList = foundOriginal ? result[field] : [];
    const patchList = foundPatch ? patch[field] : [];
    if (!Array.isArray(originalList)) notAList(originalList);
    if (!Array.isArray(patchList)) notAList(patchList);
    const fm = fieldMeta(meta, child(path, field));
    const kind = elementKind(originalList, patchList);
    const mergeKey = kind === 'map' ? fm?.mergeKey : undefined;
    validateSetOrder(patchList, order, mergeKey);
    if (!foundOriginal && !foundPatch) continue;
    handled.add(field);
    const merged = foundPatch ? mergeList(originalList, patchList, child(path, field), meta) : originalList;
    const [inOrder, serverOnly] = partition(merged, order, mergeKey);
    result[field] = normalizeElementOrder(inOrder, serverOnly, order, originalList, mergeKey);
  }
  return handled;
}

/** `$deleteFromPrimitiveList/<field>: [..]`: removes those values from the field's list. */
function applyDeleteFromPrimitiveList(result: JsonObject, key: string, toDelete: Json): void {
  const field = directiveField(key, deleteFromPrimitiveListPrefix, msg.badPatchFormatForPrimitiveList);
  if (!Array.isArray(toDelete)) notAList(toDelete);
  const current = result[field];
  if (!Array.isArray(current)) return;
  result[field] = current.filter((v) => !toDelete.includes(v));
}

/** mergeMap: merges `patch` into a copy of `original` (undefined = merge against nothing). */
function mergeMap(original: JsonObject | undefined, patch: JsonObject, path: string, meta: PatchMeta): JsonObject {
  if (Object.hasOwn(patch, directiveMarker)) {
    const directive = patch[directiveMarker];
    const rest = { ...patch };
    delete rest[directiveMarker];
    if (directive === 'replace') return mergeMap(undefined, rest, path, meta);
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw internalError(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
    return mergeMap(original, rest, path, meta);
  }

  // A shallow copy: `original` is part of the private deep copy made once at the top
  // (applyStrategicMergePatch), so sharing its untouched members costs nothing and is
  // safe; copying deeply at every level made a patch quadratic in the object's depth.
  const result: JsonObject = original ? { ...original } : {};
  applyRetainKeys(result, patch);
  const handled = applySetElementOrder(result, patch, path, meta);

  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(deleteFromPrimitiveListPrefix)) applyDeleteFromPrimitiveList(result, k, v);
  }

  for (const [k, v] of Object.entries(patch)) {
    if (k === retainKeysDirective || handled.has(k)) continue;
    if (k.startsWith(setElementOrderPrefix) || k.startsWith(deleteFromPrimitiveListPrefix)) continue;
    const p = child(path, k);
    if (v === null) {
      delete result[k];
      continue;
    }
    if (!Object.hasOwn(result, k) || typeOf(result[k]) !== typeOf(v)) {
      result[k] = fresh(v, p, meta);
      continue;
    }
    const cur = result[k];
    if (isObject(cur) && isObject(v)) {
      result[k] = fieldMeta(meta, p)?.strategy === 'replace' ? fresh(v, p, meta) : mergeMap(cur, v, p, meta);
    } else if (Array.isArray(cur) && Array.isArray(v)) {
      result[k] = mergeList(cur, v, p, meta);
    } else {
      result[k] = structuredClone(v);
    }
  }
  return result;
}

/**
 * Applies a strategic merge patch (the parsed request body) to a copy of `obj`, with the
 * kind's patch metadata (patchMetaFor). Never mutates its inputs. Throws PatchError:
 * 400 for malformed directives, 422 for lists of lists, 500 for the failures Kubernetes
 * does not classify (a list item without its merge key, an unknown `$patch`).
 */
export function applyStrategicMergePatch<T extends object>(obj: T, patch: unknown, meta: PatchMeta): T {
  if (patch === null) return structuredClone(obj); // Go decodes `null` into an empty map.
  if (!isObject(patch)) {
    const kind = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
    throw badRequest(`json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  if (!isObject(obj)) throw badRequest(msg.badJSONDoc);
  return mergeMap(structuredClone(obj) as JsonObject, patch, '', meta) as T;
}
