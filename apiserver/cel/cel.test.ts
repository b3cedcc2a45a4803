import { describe, expect, it } from 'vitest';
import { compile, fromCel, toCel, type CelSchemaNode } from './index.js';

const dynSelf = { self: 'dyn', oldSelf: 'dyn' } as const;

function run(expr: string, self: unknown, schema?: CelSchemaNode): unknown {
  const c = compile(expr, { variables: { self: schema ? { type: 'dyn', schema } : 'dyn' } });
  if (!c.ok) throw new Error(c.error);
  const r = c.program.evaluate({ self: toCel(self, schema) });
  if (!r.ok) throw new Error(r.error);
  return fromCel(r.value);
}

describe('compile errors worded as cel-go/kube', () => {
  it.each([
    ['foo.bar', "compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo.bar\n | ^"],
    ['self.x == 1 && bar', "compilation failed: ERROR: <input>:1:16: undeclared reference to 'bar' (in container '')\n | self.x == 1 && bar\n | ...............^"],
    ['1 + "a"', "compilation failed: ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, string)'\n | 1 + \"a\"\n | ..^"],
    ['nope(1)', "compilation failed: ERROR: <input>:1:1: undeclared reference to 'nope' (in container '')\n | nope(1)\n | ^"],
  ])('%s', (expr, want) => {
    const c = compile(expr, { variables: dynSelf });
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toBe(want);
  });

  it('syntax errors are Syntax error', () => {
    const c = compile('self.x ==', { variables: dynSelf });
    expect(!c.ok && c.error).toMatch(/^compilation failed: ERROR: <input>:1:10: Syntax error: /);
  });

  it('refuses non-bool rules with kube wording', () => {
    const c = compile('self.x + 1', { variables: { self: { type: 'dyn', schema: { type: 'object', properties: { x: { type: 'integer' } } } } }, resultType: 'bool' });
    // an integer field plus 1 is an int: refused, as kube refuses it
    expect(!c.ok && c.kind).toBe('type');
    const d = compile('"a" + "b"', { variables: dynSelf, resultType: 'bool' });
    expect(!d.ok && d).toEqual({ ok: false, kind: 'type', error: 'cel expression must evaluate to a bool' });
  });

  it('refuses undefined fields of a schema-typed self', () => {
    const schema: CelSchemaNode = { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' }, items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } } } } };
    const c = compile('self.spec.replicaz > 1', { variables: { self: { type: 'dyn', schema } } });
    expect(!c.ok && c.error).toBe("compilation failed: ERROR: <input>:1:10: undefined field 'replicaz'\n | self.spec.replicaz > 1\n | .........^");
    expect(compile('self.spec.items.all(i, i.nam == "x")', { variables: { self: { type: 'dyn', schema } } }).ok).toBe(false);
    expect(compile('self.spec.items.all(i, i.name == "x") && has(self.spec.replicas)', { variables: { self: { type: 'dyn', schema } } }).ok).toBe(true);
    const open: CelSchemaNode = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    expect(compile('self.anything.goes', { variables: { self: { type: 'dyn', schema: open } } }).ok).toBe(true);
  });
});

describe('evaluation with Kubernetes libraries', () => {
  it.each<[string, unknown, unknown, CelSchemaNode?]>([
    ['self.replicas <= self.max', { replicas: 2, max: 3 }, true],
    ['self.ratio * 2.0', { ratio: 1 }, 2, { type: 'object', properties: { ratio: { type: 'number' } } }],
    ['self.name.matches("^[a-z]+$")', { name: 'abc' }, true],
    ['self.s.charAt(1)', { s: 'héllo' }, 'é'],
    ['self.s.replace("l", "L")', { s: 'hello' }, 'heLLo'],
    ['self.s.replace("l", "L", 1)', { s: 'hello' }, 'heLlo'],
    ['self.s.reverse()', { s: 'abc' }, 'cba'],
    ['"%s-%d".format([self.s, 3])', { s: 'x' }, 'x-3'],
    ['strings.quote("a\\"b")', {}, '"a\\"b"'],
    ['self.l.isSorted()', { l: [1, 2, 3] }, true],
    ['self.l.sum()', { l: [1, 2, 3] }, 6],
    ['self.l.min() + self.l.max()', { l: [4, 1, 9] }, 10],
    ['self.l.indexOf(9)', { l: [4, 1, 9] }, 2],
    ['self.l.lastIndexOf(1)', { l: [1, 1, 9] }, 1],
    ['self.l.slice(1, 3)', { l: [1, 2, 3, 4] }, [2, 3]],
    ['sets.contains(self.l, [1, 2])', { l: [1, 2, 3] }, true],
    ['sets.intersects(self.l, [7])', { l: [1, 2, 3] }, false],
    ['self.s.find("[0-9]+")', { s: 'ab12cd345' }, '12'],
    ['self.s.findAll("[0-9]+")', { s: 'ab12cd345' }, ['12', '345']],
    ['url(self.u).getHost()', { u: 'https://example.com:8443/a?b=c' }, 'example.com:8443'],
    ['url(self.u).getPort()', { u: 'https://example.com:8443/a?b=c' }, '8443'],
    ['url(self.u).getQuery()', { u: 'https://example.com/a?b=c&b=d' }, { b: ['c', 'd'] }],
    ['isURL("not a url")', {}, false],
    ['quantity(self.q).isGreaterThan(quantity("1Gi"))', { q: '2Gi' }, true],
    ['quantity("1500m").asApproximateFloat()', {}, 1.5],
    ['quantity("1k").asInteger()', {}, 1000],
    ['isQuantity("1.5.5")', {}, false],
    ['cidr("10.0.0.0/8").containsIP(self.ip)', { ip: '10.1.2.3' }, true],
    ['cidr("10.0.0.0/8").containsIP("11.1.2.3")', {}, false],
    ['cidr("192.168.1.7/24").masked().ip().isLoopback()', {}, false],
    ['string(cidr("192.168.1.7/24").masked())', {}, '192.168.1.0/24'],
    ['ip("::1").isLoopback() && ip("::1").family() == 6', {}, true],
    ['isIP("01.1.1.1")', {}, false],
    ['format.dns1123Label().validate(self.n).hasValue()', { n: 'Bad_Name' }, true],
    ['format.named("dns1123Label").value().validate("ok").hasValue()', {}, false],
    ['has(self.a) ? self.a : "none"', {}, 'none'],
    ['self.?a.orValue("x")', {}, 'x'],
    ['self.m.all(k, self.m[k] > 0)', { m: { a: 1, b: 2 } }, true],
    ['self.t > timestamp("2020-01-01T00:00:00Z")', { t: '2024-05-01T00:00:00Z' }, true, { type: 'object', properties: { t: { type: 'string', format: 'date-time' } } }],
    ['self.d > duration("1m")', { d: '2m' }, true, { type: 'object', properties: { d: { type: 'string', format: 'duration' } } }],
  ])('%s', (expr, self, want, schema) => {
    expect(run(expr, self, schema)).toEqual(want);
  });

  it('evaluation errors are data, not throws', () => {
    const c = compile('self.missing == 1', { variables: dynSelf });
    expect(c.ok).toBe(true);
    if (c.ok) expect(c.program.evaluate({ self: {}, oldSelf: null })).toEqual({ ok: false, error: 'no such key: missing' });
    const q = compile('quantity("bogus").sign() == 1', { variables: dynSelf });
    if (q.ok) expect(q.program.evaluate({ self: {} }).ok).toBe(false);
  });

  it('answers kube cost error when the budget is exceeded', () => {
    const c = compile('self.l.all(x, self.l.all(y, self.l.all(z, x + y + z >= 0)))', { variables: dynSelf });
    expect(c.ok).toBe(true);
    if (c.ok) {
      const l = Array.from({ length: 20 }, (_, i) => BigInt(i));
      expect(c.program.evaluate({ self: { l } }, { timeoutMs: 0 })).toEqual({ ok: false, error: 'operation cancelled: actual cost limit exceeded' });
    }
  });
});
