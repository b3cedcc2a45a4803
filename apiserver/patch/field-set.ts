/**
 * Sets of field paths, kept in the FieldsV1 shape that managedFields store
 * (structured-merge-diff's fieldpath.Set serialized): a tree whose keys are path
 * elements — `f:<field>`, `k:<JSON of the list-map keys>`, `v:<JSON value>`, `i:<index>` —
 * where `{}` is a member with nothing below it, and a node with children is a member only
 * when it has a `.` key. Working on the stored shape directly means encoding and decoding
 * managedFields cost nothing.
 *
 * Invariant of every set these functions return: no empty non-member node (an empty
 * object is always a member). Inputs are never mutated.
 */

export type FieldSet = { [element: string]: FieldSet };

export const MEMBER = '.';

export function emptySet(): FieldSet {
  return {};
}

/** Whether the node (a value in its parent) is itself a member of the set. */
export function isMember(node: FieldSet): boolean {
  for (const k in node) return Object.hasOwn(node, MEMBER);
  return true;
}

/** Whether the node has children other than the member mark. */
function hasChildren(node: FieldSet): boolean {
  for (const k in node) if (k !== MEMBER) return true;
  return false;
}

/** The node for `member` and `children`, or undefined when it would hold nothing. */
function node(member: boolean, children: FieldSet): FieldSet | undefined {
  if (!hasChildren(children)) return member ? {} : undefined;
  return member ? { [MEMBER]: {}, ...children } : children;
}

/** Whether a root set holds nothing. */
export function isEmptySet(s: FieldSet): boolean {
  return !hasChildren(s);
}

export function union(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmptySet(a)) return b;
  if (isEmptySet(b)) return a;
  const out: FieldSet = {};
  for (const k in a) if (k !== MEMBER) out[k] = a[k];
  for (const k in b) {
    if (k === MEMBER) continue;
    const x = out[k];
    if (x === undefined) out[k] = b[k];
    else out[k] = node(isMember(x) || isMember(b[k]), union(x, b[k]))!;
  }
  return out;
}

/** The members of `a` that are not members of `b` (children of both are compared one by one). */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmptySet(b)) return a;
  const out: FieldSet = {};
  for (const k in a) {
    if (k === MEMBER) continue;
    const y = b[k];
    if (y === undefined) {
      out[k] = a[k];
      continue;
    }
    const x = a[k];
    const n = node(isMember(x) && !isMember(y), difference(x, y));
    if (n) out[k] = n;
  }
  return out;
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = {};
  for (const k in a) {
    if (k === MEMBER) continue;
    const y = b[k];
    if (y === undefined) continue;
    const x = a[k];
    const n = node(isMember(x) && isMember(y), intersection(x, y));
    if (n) out[k] = n;
  }
  return out;
}

/** Whether the set holds anything at or below the path of `elements`. */
export function hasPrefix(s: FieldSet, elements: string[]): boolean {
  let n: FieldSet | undefined = s;
  for (const e of elements) {
    n = n[e];
    if (n === undefined) return false;
  }
  return true;
}

/** Every member's path (as path elements), depth first in key order. */
export function members(s: FieldSet): string[][] {
  const out: string[][] = [];
  const walk = (n: FieldSet, prefix: string[]): void => {
    for (const k of Object.keys(n).sort()) {
      if (k === MEMBER) continue;
      const path = [...prefix, k];
      if (isMember(n[k])) out.push(path);
      walk(n[k], path);
    }
  };
  walk(s, []);
  return out;
}

/**
 * A path as structured-merge-diff prints it in conflict messages: `.data.a`,
 * `.spec.containers[name="web"].image`, `.metadata.finalizers[="x"]`, `.items[3]`.
 */
export function pathString(elements: string[]): string {
  let out = '';
  for (const e of elements) {
    const body = e.slice(2);
    switch (e.slice(0, 2)) {
      case 'f:':
        out += `.${body}`;
        break;
      case 'k:': {
        let keys: Record<string, unknown> = {};
        try {
          keys = JSON.parse(body) as Record<string, unknown>;
        } catch {
          /* printed empty */
        }
        out += `[${Object.keys(keys)
          .map((k) => `${k}=${JSON.stringify(keys[k])}`)
          .join(',')}]`;
        break;
      }
      case 'v:':
        out += `[=${body}]`;
        break;
      case 'i:':
        out += `[${body}]`;
        break;
      default:
        out += e;
    }
  }
  return out;
}

const ELEMENT = /^(f:|k:|v:|i:)/;

/**
 * Whether a client-sent fieldsV1 value is a well-formed set: objects all the way down,
 * every key a path element (or `.` with `{}`), `k:` and `v:` carrying JSON.
 */
export function isValidFieldSet(v: unknown, depth = 0): v is FieldSet {
  if (depth > 100 || v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  for (const [k, child] of Object.entries(v)) {
    if (k === MEMBER) {
      if (child === null || typeof child !== 'object' || Array.isArray(child) || Object.keys(child).length > 0) return false;
      continue;
    }
    if (!ELEMENT.test(k)) return false;
    if (k.startsWith('k:') || k.startsWith('v:')) {
      try {
        JSON.parse(k.slice(2));
      } catch {
        return false;
      }
    }
    if (k.startsWith('i:') && !/^i:\d+$/.test(k)) return false;
    if (!isValidFieldSet(child, depth + 1)) return false;
  }
  return true;
}
