import { describe, expect, it } from 'vitest';
import { canonicalJson, computeHash, equalIgnoreHash, fnv32a, POD_TEMPLATE_HASH_LABEL, safeEncodeString, semanticEqual } from './pod-template-hash.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('fnv32a', () => {
  it.each([
    { input: '', want: 0x811c9dc5 },
    { input: 'a', want: 0xe40c292c },
    { input: 'foobar', want: 0xbf9cf968 },
  ])('FNV-1a 32 of "$input"', ({ input, want }) => {
    expect(fnv32a(bytes(input))).toBe(want);
  });

  it('continues from a seed as one stream', () => {
    expect(fnv32a(bytes('bar'), fnv32a(bytes('foo')))).toBe(fnv32a(bytes('foobar')));
  });
});

describe('safeEncodeString', () => {
  it('maps digits as kube does (so hashes look like 7d9f8b…)', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });
});

describe('computeHash', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } };

  it('is stable and ignores key order', () => {
    const reordered = { spec: { containers: [{ image: 'nginx:1.25', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
    expect(computeHash(template)).toBe(computeHash(reordered));
    expect(computeHash(template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it('changes with the template and with the collision count', () => {
    const other = { ...template, spec: { containers: [{ name: 'c', image: 'nginx:1.26' }] } };
    expect(computeHash(other)).not.toBe(computeHash(template));
    expect(computeHash(template, 1)).not.toBe(computeHash(template));
    expect(computeHash(template, 1)).not.toBe(computeHash(template, 2));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe('equalIgnoreHash / semanticEqual', () => {
  const t = (labels: Record<string, string>, image = 'nginx') => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image }] } });
  it.each([
    { name: 'hash label ignored', a: t({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: 'abc' }), b: t({ app: 'web' }), want: true },
    { name: 'other labels matter', a: t({ app: 'web' }), b: t({ app: 'api' }), want: false },
    { name: 'image matters', a: t({ app: 'web' }, 'nginx:1'), b: t({ app: 'web' }, 'nginx:2'), want: false },
    { name: 'empty labels equal missing labels', a: t({ [POD_TEMPLATE_HASH_LABEL]: 'x' }), b: { metadata: {}, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, want: true },
  ])('$name', ({ a, b, want }) => {
    expect(equalIgnoreHash(a, b)).toBe(want);
  });

  it.each([
    { a: { x: [] }, b: {}, want: true },
    { a: { x: null }, b: { x: {} }, want: true },
    { a: { x: false }, b: {}, want: false },
    { a: [1, 2], b: [2, 1], want: false },
  ])('semanticEqual(%j)', ({ a, b, want }) => {
    expect(semanticEqual(a, b)).toBe(want);
  });

  it('does not change its inputs', () => {
    const a = t({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: 'abc' });
    equalIgnoreHash(a, t({ app: 'web' }));
    expect(a.metadata.labels[POD_TEMPLATE_HASH_LABEL]).toBe('abc');
  });
});
