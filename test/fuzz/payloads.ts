import type { Prng } from './prng.js';

/**
 * Building blocks for malformed bodies. Deep structures are built as text: neither the
 * test nor JSON.stringify should need a deep stack to make them.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `depth` levels of nesting around a leaf, as JSON text. */
export function deepJson(depth: number, shape: 'array' | 'object' | 'mixed', leaf = '1'): string {
  if (shape === 'array') return '['.repeat(depth) + leaf + ']'.repeat(depth);
  if (shape === 'object') return '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    if (i % 2 === 0) {
      open += '{"k":';
      close = '}' + close;
    } else {
      open += '[';
      close = ']' + close;
    }
  }
  return open + leaf + close;
}

/** Deep nesting as YAML flow text (YAML is a superset of JSON). */
export const deepYaml = (depth: number): string => deepJson(depth, 'mixed', 'x');

/** A placeholder that serializes as a JSON string, replaced afterwards by raw text. */
export const RAW = (id: number): string => `@@RAW${id}@@`;

/** Splices raw JSON text in place of RAW(i) placeholders. */
export function withRaw(text: string, raws: string[]): string {
  return raws.reduce((out, raw, i) => out.replace(JSON.stringify(RAW(i)), raw), text);
}

/** Tokens JSON.stringify cannot produce: invalid or edge-case JSON numbers and strings. */
export const RAW_TOKENS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '-1e999',
  '-0',
  '0x10',
  '01',
  '1.',
  '.5',
  '+1',
  '"\\ud800"',
  '"\\u0000"',
  '"\\x41"',
  "'single'",
  'undefined',
  'true false',
  '{,}',
  '[,]',
  '{"a":1,}',
  '"\t"',
  '123456789012345678901234567890',
  '9007199254740993',
];

export const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uFEFF',
  'ü',
  '😀',
  '\u202e',
  '\ud800',
  '../../etc/passwd',
  '%00',
  '%2e%2e',
  '<script>',
  '${jndi:x}',
  '\\',
  '"',
  '\n',
  'a'.repeat(64),
  'a'.repeat(254),
  'Z'.repeat(1000),
  '-',
  '.',
  '..',
  'UPPER',
  'a b',
  'a/b',
  'a:b',
  '0',
  'true',
  'null',
  '1e3',
  '500m',
  '-1',
];

const NUMBERS = [0, -1, 1, 1.5, -0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e308, -1e308, 5e-324];

/** A random JSON value of any type, a few levels deep. */
export function randomJson(rng: Prng, depth = 0): Json {
  const roll = rng.int(0, depth > 3 ? 5 : 8);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rng.bool();
    case 2:
      return rng.pick(NUMBERS);
    case 3:
      return rng.int(-1000, 1000);
    case 4:
      return rng.pick(WEIRD_STRINGS);
    case 5:
      return rng.chars(rng.int(0, 12), 'abcXYZ019-._/:ü😀 ');
    case 6:
    case 7: {
      const n = rng.int(0, 4);
      return Array.from({ length: n }, () => randomJson(rng, depth + 1));
    }
    default: {
      const out: Record<string, Json> = {};
      for (let i = rng.int(0, 4); i > 0; i--) out[rng.pick(['a', 'name', 'spec', 'metadata', '$patch', 'kind', '', 'ü', '__proto__', 'constructor', rng.chars(5, 'abcdef')])] = randomJson(rng, depth + 1);
      return out;
    }
  }
}

/** A random value whose JSON type differs from `original`'s. */
export function otherTypeValue(rng: Prng, original: unknown): Json {
  for (;;) {
    const v = randomJson(rng, 2);
    if (jsonType(v) !== jsonType(original)) return v;
  }
}

export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export type Path = Array<string | number>;

/** Every path in a JSON value (objects' keys and arrays' indexes), the root excluded. */
export function allPaths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([...prefix, i], ...allPaths(item, [...prefix, i]));
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key], ...allPaths(item, [...prefix, key]));
    }
  }
  return out;
}

export function getAt(value: unknown, path: Path): unknown {
  let cur: unknown = value;
  for (const p of path) cur = (cur as Record<string | number, unknown> | undefined)?.[p];
  return cur;
}

/** A copy of `value` with the value at `path` replaced (missing parents become objects). */
export function setAt<T>(value: T, path: Path, next: unknown): T {
  const copy = structuredClone(value) as unknown;
  let cur = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) {
    if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as Record<string | number, unknown>;
  }
  cur[path[path.length - 1]!] = next;
  return copy as T;
}

/** Cuts text somewhere strictly inside it. */
export function truncate(rng: Prng, text: string): string {
  return text.slice(0, rng.int(1, Math.max(1, text.length - 1)));
}

/**
 * YAML meant to hurt a parser: alias expansion bombs ("billion laughs"), merge keys over
 * aliases, recursive anchors, custom tags, several documents, bad indentation.
 */
export function yamlNasty(rng: Prng): string {
  switch (rng.int(0, 10)) {
    case 0: {
      // 9 levels of 9 aliases each: 9^9 leaves if expanded.
      const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
      lines.push('apiVersion: v1', 'kind: Pod', 'metadata: {name: bomb}', `spec: {containers: *a8}`);
      return lines.join('\n');
    }
    case 1: {
      const lines = ['base: &b {x: 1}'];
      for (let i = 0; i < 200; i++) lines.push(`k${i}: &k${i} {<<: [*b${i > 0 ? `, *k${i - 1}` : ''}], v${i}: ${i}}`);
      return lines.join('\n');
    }
    case 2:
      return 'a: &a\n  b: *a\n';
    case 3:
      return 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: !!binary aGVsbG8=\n  labels: !!set {a, b}\nspec: !!js/function "function(){}"\n';
    case 4:
      return 'apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Pod\n';
    case 5:
      return 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: tabs\n  labels: [unclosed\n';
    case 6:
      return `apiVersion: v1\nkind: Pod\nmetadata: ${deepYaml(rng.pick([1000, 10000]))}\n`;
    case 7:
      return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${'x'.repeat(rng.int(1, 300_000))}\n  x: &x ${'y'.repeat(100)}\n  y: [${Array(500).fill('*x').join(',')}]\n`;
    case 9:
      // A recursive alias inside a field kept as written (an opaque volume source).
      return 'apiVersion: v1\nkind: Pod\nmetadata: {name: cyclic}\nspec:\n  containers: [{name: c, image: nginx}]\n  volumes:\n  - name: v\n    cephfs: &a {loop: *a}\n';
    case 10:
      return 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: cyclic-list\n  annotations: &a [*a]\n';
    default:
      return '%YAML 9.9\n%TAG ! tag:evil,2000:\n--- !evil\napiVersion: v1\n? [complex, key]\n: value\n';
  }
}
