import { describe, expect, it } from 'vitest';
import { PatchError } from './errors.js';
import { applyMergePatch } from './merge-patch.js';

describe('applyMergePatch (RFC 7386)', () => {
  // The RFC's appendix A examples, plus the patches kubectl sends.
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]> = [
    ['replace a member', { a: 'b' }, { a: 'c' }, { a: 'c' }],
    ['add a member', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    ['null deletes', { a: 'b' }, { a: null }, {}],
    ['null deletes, others stay', { a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    ['arrays replace', { a: ['b'] }, { a: 'c' }, { a: 'c' }],
    ['scalar becomes array', { a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    ['nested merge with delete', { a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    ['list of objects replaces', { a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    ['nulls already in the target stay', { e: null }, { a: 1 }, { e: null, a: 1 }],
    ['nested nulls in an added object', {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ['kubectl label --type merge: add and remove', { metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { b: null, c: '3' } } }, { metadata: { labels: { a: '1', c: '3' } } }],
    ['kubectl patch --type merge on a container list replaces it', { spec: { containers: [{ name: 'a' }, { name: 'b' }] } }, { spec: { containers: [{ name: 'b', image: 'x' }] } }, { spec: { containers: [{ name: 'b', image: 'x' }] } }],
    ['empty patch changes nothing', { a: { b: 1 } }, {}, { a: { b: 1 } }],
  ];
  it.each(cases)('%s', (_name, target, patch, want) => {
    expect(applyMergePatch(target, patch)).toEqual(want);
  });

  it('never mutates its inputs', () => {
    const target = { a: { b: [1, 2] }, c: 'd' };
    const patch = { a: { e: { f: 1 } }, c: null };
    const out = applyMergePatch(target, patch) as Record<string, any>;
    expect(target).toEqual({ a: { b: [1, 2] }, c: 'd' });
    expect(patch).toEqual({ a: { e: { f: 1 } }, c: null });
    out.a.e.f = 2;
    out.a.b.push(3);
    expect(patch.a.e.f).toBe(1);
    expect(target.a.b).toEqual([1, 2]);
  });

  it.each([[['x']], ['str'], [null], [5]])('rejects a patch that is not an object: %j', (patch) => {
    expect(() => applyMergePatch({ a: 1 }, patch)).toThrow(PatchError);
    expect(() => applyMergePatch({ a: 1 }, patch)).toThrow('Invalid JSON Patch');
  });
});
