import jsonpatch from 'fast-json-patch';
import { PatchError, badRequest, unprocessable } from './errors.js';

/**
 * RFC 6902 JSON Patch (`kubectl patch --type json`), as kube-apiserver applies it with
 * gopkg.in/evanphx/json-patch.v4. Each operation is checked here against that library's
 * rules, so failures carry its messages (`testing value /spec/replicas failed: test
 * failed`, `add operation does not apply: doc is missing path: "/a/b": missing value`);
 * the checked operation is then applied with fast-json-patch.
 *
 * Like json-patch v4 (and unlike a strict RFC 6902 reading), `replace` of a missing object
 * member adds it, and negative array indices count from the end.
 */

/** kube-apiserver's cap (handlers/patch.go maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

type Json = unknown;
type Container = Record<string, Json> | Json[];

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** The JSON kind Go's decoder names in "cannot unmarshal X into …". */
function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return typeof v;
  }
}

const decodeKey = (k: string): string => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** strconv.Atoi, with Go's error text. */
function atoi(key: string): number | string {
  if (!/^[+-]?\d+$/.test(key)) return `strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`;
  const n = Number(key);
  if (!Number.isSafeInteger(n)) return `strconv.Atoi: parsing ${JSON.stringify(key)}: value out of range`;
  return n;
}

interface Located {
  container: Container;
  /** Decoded last segment. */
  key: string;
  /** Decoded segments leading to the container. */
  parents: string[];
}

/** evanphx findObject: the container holding the last path segment, or undefined. */
function findObject(doc: Container, path: string): Located | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  const parents = split.slice(1, -1).map(decodeKey);
  let cur: Container = doc;
  for (const part of parents) {
    let next: Json;
    if (Array.isArray(cur)) {
      const idx = atoi(part);
      if (typeof idx === 'string' || idx < 0 || idx >= cur.length) return undefined;
      next = cur[idx];
    } else {
      next = Object.hasOwn(cur, part) ? cur[part] : undefined;
    }
    if (!isContainer(next)) return undefined;
    cur = next;
  }
  return { container: cur, key: decodeKey(split[split.length - 1]!), parents };
}

const pointer = (parents: string[], key: string): string =>
  '/' + [...parents, key].map((p) => jsonpatch.escapePathComponent(p)).join('/');

/** An index for add (len allowed) or for get/remove/replace (len excluded); negative counts from the end. */
function arrayIndex(arr: Json[], key: string, forAdd: boolean): number | string {
  const idx = atoi(key);
  if (typeof idx === 'string') return idx;
  const size = forAdd ? arr.length + 1 : arr.length;
  if (idx >= size || idx < -size) return `Unable to access invalid index: ${idx}: invalid index referenced`;
  return idx < 0 ? idx + size : idx;
}

/** The value at a located key: `undefined` when an object member is missing. Errors as text. */
function getAt(loc: Located): { value: Json } | string {
  const c = loc.container;
  if (Array.isArray(c)) {
    const idx = atoi(loc.key);
    if (typeof idx === 'string') return idx;
    if (idx < 0 || idx >= c.length) return `Unable to access invalid index: ${idx}: invalid index referenced`;
    return { value: c[idx] };
  }
  return { value: Object.hasOwn(c, loc.key) ? c[loc.key] : undefined };
}

function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Applies one add of `value` at a located position, returning an error text or undefined. */
function addAt(doc: Container, loc: Located, value: Json): string | undefined {
  if (Array.isArray(loc.container)) {
    if (loc.key === '-') {
      jsonpatch.applyOperation(doc, { op: 'add', path: pointer(loc.parents, '-'), value }, false, true);
      return undefined;
    }
    const idx = arrayIndex(loc.container, loc.key, true);
    if (typeof idx === 'string') {
      return /^strconv/.test(idx) ? `value was not a proper array index: '${loc.key}': ${idx}` : idx;
    }
    jsonpatch.applyOperation(doc, { op: 'add', path: pointer(loc.parents, String(idx)), value }, false, true);
    return undefined;
  }
  jsonpatch.applyOperation(doc, { op: 'add', path: pointer(loc.parents, loc.key), value }, false, true);
  return undefined;
}

function removeAt(doc: Container, loc: Located): string | undefined {
  if (Array.isArray(loc.container)) {
    const idx = arrayIndex(loc.container, loc.key, false);
    if (typeof idx === 'string') return idx;
    jsonpatch.applyOperation(doc, { op: 'remove', path: pointer(loc.parents, String(idx)) }, false, true);
    return undefined;
  }
  if (!Object.hasOwn(loc.container, loc.key)) return `Unable to remove nonexistent key: ${loc.key}: missing value`;
  jsonpatch.applyOperation(doc, { op: 'remove', path: pointer(loc.parents, loc.key) }, false, true);
  return undefined;
}

function str(op: Record<string, Json>, field: 'path' | 'from'): string | undefined {
  return typeof op[field] === 'string' ? (op[field] as string) : undefined;
}

/** Applies one operation to `doc` in place; throws the 422 Kubernetes would answer. */
function applyOne(doc: Container, op: Record<string, Json>): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  const value = op.value === undefined ? null : op.value;
  const path = str(op, 'path');
  const fail = (msg: string): never => {
    throw unprocessable(msg);
  };
  const needPath = (): string => {
    if (path !== undefined) return path;
    return kind === 'add' || kind === 'remove' || kind === 'copy'
      ? fail(`${kind} operation failed to decode path: missing value`)
      : fail(`${kind} operation failed to decode path: operation missing path field: missing value`);
  };
  const needFrom = (): string => {
    const from = str(op, 'from');
    return from ?? fail(`${kind} operation failed to decode from: operation, missing from field: missing value`);
  };

  switch (kind) {
    case 'add': {
      const p = needPath();
      const loc = findObject(doc, p) ?? fail(`add operation does not apply: doc is missing path: "${p}": missing value`);
      const err = addAt(doc, loc, value);
      if (err) fail(`error in add for path: '${p}': ${err}`);
      return;
    }
    case 'remove': {
      const p = needPath();
      const loc = findObject(doc, p) ?? fail(`remove operation does not apply: doc is missing path: "${p}": missing value`);
      const err = removeAt(doc, loc);
      if (err) fail(`error in remove for path: '${p}': ${err}`);
      return;
    }
    case 'replace': {
      const p = needPath();
      const loc = findObject(doc, p) ?? fail(`replace operation does not apply: doc is missing path: ${p}: missing value`);
      if (Array.isArray(loc.container)) {
        const got = getAt(loc);
        if (typeof got === 'string') fail(`replace operation does not apply: doc is missing key: ${p}: missing value`);
        const idx = atoi(loc.key) as number;
        jsonpatch.applyOperation(doc, { op: 'replace', path: pointer(loc.parents, String(idx)), value }, false, true);
      } else {
        // json-patch v4 sets a missing member instead of failing.
        jsonpatch.applyOperation(doc, { op: 'add', path: pointer(loc.parents, loc.key), value }, false, true);
      }
      return;
    }
    case 'move': {
      const from = needFrom();
      const src = findObject(doc, from) ?? fail(`move operation does not apply: doc is missing from path: ${from}: missing value`);
      const got = getAt(src);
      if (typeof got === 'string') fail(`error in move for path: '${src.key}': ${got}`);
      const moved = structuredClone((got as { value: Json }).value ?? null);
      const rmErr = removeAt(doc, src);
      if (rmErr) fail(`error in move for path: '${src.key}': ${rmErr}`);
      const p = needPath();
      const dst = findObject(doc, p) ?? fail(`move operation does not apply: doc is missing destination path: ${p}: missing value`);
      const err = addAt(doc, dst, moved);
      if (err) fail(`error in move for path: '${p}': ${err}`);
      return;
    }
    case 'copy': {
      const from = needFrom();
      const src = findObject(doc, from) ?? fail(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
      const got = getAt(src);
      if (typeof got === 'string') fail(`error in copy for from: '${from}': ${got}`);
      const copied = structuredClone((got as { value: Json }).value ?? null);
      const p = needPath();
      const dst = findObject(doc, p) ?? fail(`copy operation does not apply: doc is missing destination path: ${p}: missing value`);
      const err = addAt(doc, dst, copied);
      if (err) fail(`error while adding value during copy: ${err}`);
      return;
    }
    case 'test': {
      const p = needPath();
      const loc = findObject(doc, p) ?? fail(`test operation does not apply: is missing path: ${p}: missing value`);
      const got = getAt(loc);
      if (typeof got === 'string') fail(`error in test for path: '${p}': ${got}`);
      const actual = (got as { value: Json }).value ?? null;
      if (!jsonEqual(actual, value)) fail(`testing value ${p} failed: test failed`);
      return;
    }
    default:
      fail(`Unexpected kind: ${kind}`);
  }
}

/**
 * Applies a JSON patch (the parsed request body) to a copy of `obj` and returns the copy.
 * Never mutates its inputs. A body that is not an array of objects is a 400; an operation
 * that does not apply is a 422 (see PatchError); more than 10,000 operations is a 413.
 */
export function applyJsonPatch<T extends object>(obj: T, ops: unknown): T {
  if (ops === null) return structuredClone(obj); // Go decodes `null` as an empty patch.
  if (!Array.isArray(ops)) {
    throw badRequest(`json: cannot unmarshal ${goJsonKind(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (op !== null && !isObject(op)) {
      throw badRequest(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(
      'RequestEntityTooLarge',
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  const doc = structuredClone(obj) as unknown as Container;
  for (const op of ops as Array<Record<string, Json> | null>) {
    applyOne(doc, structuredClone(op ?? {}));
  }
  return doc as unknown as T;
}
