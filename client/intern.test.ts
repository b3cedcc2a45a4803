import { describe, expect, it } from 'vitest';
import { Interner } from './intern.js';

const container = () => ({
  name: 'web',
  image: 'registry.example.com/team/web:1.2',
  env: [{ name: 'A', value: '1' }],
  resources: { requests: { cpu: '250m' } },
  readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
});

describe('Interner', () => {
  it('shares equal values and keeps them deep-equal to the input', () => {
    const i = new Interner();
    const a = i.value(container());
    const b = i.value(JSON.parse(JSON.stringify(container())) as ReturnType<typeof container>);
    expect(a).toEqual(container());
    expect(b).toBe(a);
    expect(b.env).toBe(a.env);
    expect(b.image).toBe(a.image);
  });

  it('shares equal members of different values', () => {
    const i = new Interner();
    const a = i.value(container());
    const other = { ...container(), name: 'other', image: 'busybox:1.36' };
    const b = i.value(other);
    expect(b).not.toBe(a);
    expect(b).toEqual(other);
    expect(b.resources).toBe(a.resources);
    expect(b.readinessProbe).toBe(a.readinessProbe);
  });

  it('does not share values that differ anywhere, however deep', () => {
    const i = new Interner();
    const cases: unknown[] = [
      { a: 1 },
      { a: '1' },
      { a: true },
      { a: null },
      { a: [1] },
      { a: [1, 2] },
      { a: { b: 1 } },
      { a: { b: 2 } },
      { b: 1 },
      { a: 1.5 },
      { a: 2 ** 40 },
      { a: 2 ** 40 + 1 },
      [],
      {},
    ];
    const shared = cases.map((c) => i.value(structuredClone(c)));
    shared.forEach((s, n) => expect(s).toEqual(cases[n]));
    expect(new Set(shared).size).toBe(cases.length);
  });

  it('freezes what it shares; copy() gives a fresh unfrozen root with shared members', () => {
    const i = new Interner();
    const a = i.value(container());
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.env[0])).toBe(true);
    expect(() => {
      (a as { name: string }).name = 'x';
    }).toThrow(TypeError);
    const c1 = i.copy({ uid: 'u1', c: container() });
    const c2 = i.copy({ uid: 'u2', c: container() });
    expect(Object.isFrozen(c1)).toBe(false);
    expect(c1.c).toBe(c2.c);
    expect(c1.c).toBe(a);
  });

  it('interns strings, remembering at most two generations', () => {
    const i = new Interner({ stringCapacity: 16 });
    const s1 = ['ab', 'c'].join('');
    const s2 = ['a', 'bc'].join('');
    expect(i.string(s1)).toBe(s1);
    expect(i.string(s2)).toBe(s1);
    // 40 other strings push "abc" out of both generations: a later equal string is merely not shared.
    for (let n = 0; n < 40; n++) i.string(`s${n}`);
    const s3 = ['a', 'b', 'c'].join('');
    expect(i.string(s3)).toBe(s3);
  });

  it('keeps odd members as they are and never throws', () => {
    const i = new Interner();
    const proto = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const p = i.value(proto);
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(Object.hasOwn(p, '__proto__')).toBe(true);
    expect((p as { polluted?: boolean }).polluted).toBeUndefined();
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();

    const date = new Date(0);
    const withDate = i.value({ at: date, n: [1] });
    expect(withDate.at).toBe(date);
    // A parent of a non-JSON member is not shared (nor frozen): equal-looking is not equal.
    expect(i.value({ at: date, n: [1] })).not.toBe(withDate);
    expect(i.value({ at: new Date(0), n: [1] }).n).toBe(withDate.n);

    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(i.value(nullProto)).toEqual({ a: 1 });
    expect(i.value({ a: undefined })).toEqual({ a: undefined });
    expect(i.value(Number.NaN)).toBeNaN();
    expect(i.value([Number.NaN])).toEqual([Number.NaN]);
    expect(i.value('')).toBe('');
    const fn = () => 1;
    expect(i.value({ fn }).fn).toBe(fn);
    const sparse = new Array<number>(3);
    sparse[1] = 7;
    expect(i.value(sparse)).toEqual([undefined, 7, undefined]);
  });

  it('handles deep nesting and wide objects', () => {
    const i = new Interner();
    let deep: unknown = 'leaf';
    for (let n = 0; n < 500; n++) deep = { n: deep };
    expect(i.value(deep)).toEqual(deep);
    const wide = Object.fromEntries(Array.from({ length: 2000 }, (_, n) => [`k${n}`, n]));
    expect(i.value(wide)).toBe(i.value({ ...wide }));
  });
});
