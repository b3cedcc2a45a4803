import { describe, expect, it } from 'vitest';
import { compileRules } from './cel-rules.js';
import { costErrorMessage } from './cel-cost.js';
import type { JSONSchemaProps } from './schema-types.js';

// The static cost budget of x-kubernetes-validations, with kube's messages.
const base = 'spec.versions[0].schema.openAPIV3Schema';
const list = (items: JSONSchemaProps, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({ type: 'array', items, ...extra });
const withRule = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { spec } });

describe('CEL rule cost', () => {
  const cases: Array<[string, JSONSchemaProps, string | undefined]> = [
    ['a comparison of two integers', withRule({ type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a <= self.b' }] }), undefined],
    ['a regex over every item of an unbounded list of unbounded strings', withRule(list({ type: 'string' }, { 'x-kubernetes-validations': [{ rule: "self.all(x, x.matches('^[a-z]+$'))" }] })), `${base}.properties[spec].x-kubernetes-validations[0].rule`],
    ['the same with maxItems and maxLength', withRule(list({ type: 'string', maxLength: 64 }, { maxItems: 10, 'x-kubernetes-validations': [{ rule: "self.all(x, x.matches('^[a-z]+$'))" }] })), undefined],
    ['a nested all() over two unbounded lists', withRule(list(list({ type: 'integer' }), { 'x-kubernetes-validations': [{ rule: 'self.all(x, x.all(y, y > 0))' }] })), `${base}.properties[spec].x-kubernetes-validations[0].rule`],
    ['a cheap rule on the items of an unbounded list', withRule(list({ type: 'object', properties: { n: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.n >= 0' }] })), undefined],
    ['a regex on an unbounded string in every item of an unbounded list', withRule(list({ type: 'object', properties: { s: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: "self.s.matches('^a')" }] })), `${base}.properties[spec].items.x-kubernetes-validations[0].rule`],
  ];
  it.each(cases)('%s', (_name, schema, refusedAt) => {
    const { errors } = compileRules(schema, base);
    if (!refusedAt) {
      expect(errors).toEqual([]);
      return;
    }
    expect(errors[0]).toMatchObject({ type: 'FieldValueForbidden', field: refusedAt });
    expect(errors[0]!.message).toMatch(/^Forbidden: estimated rule cost exceeds budget by factor of (more than 100x|\d+(\.\d+)?x) \(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared\)$/);
  });

  it('words the factor as kube does', () => {
    expect(costErrorMessage('estimated rule cost', 2_000_000_000, 10_000_000)).toContain('by factor of more than 100x');
    expect(costErrorMessage('estimated rule cost', 32_000_000, 10_000_000)).toContain('by factor of 3.2x');
    expect(costErrorMessage('estimated rule cost', 12_000_000, 10_000_000)).toContain('by factor of 1.200000x');
  });

  it('refuses a schema whose rules together exceed the CRD budget', () => {
    const props: Record<string, JSONSchemaProps> = {};
    // Each rule under the limit (about 9.4M), twelve of them over 100M together.
    for (let i = 0; i < 12; i++) props[`l${i}`] = list({ type: 'string', maxLength: 3 }, { 'x-kubernetes-validations': [{ rule: 'self.all(x, x.size() > 0 && x.size() < 4)' }] });
    const { errors } = compileRules(withRule({ type: 'object', properties: props }), base);
    const total = errors.find((e) => e.field === base);
    expect(errors.filter((e) => e.field !== base)).toEqual([]);
    expect(total?.message).toMatch(/^Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of /);
  });

  it('stops evaluating once the request budget is spent, with kube message', () => {
    const schema = withRule({ type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a > 0' }, { rule: 'self.a < 10' }] });
    const { rules } = compileRules(schema, '');
    expect(rules!.validate({ spec: { a: 5 } }, undefined)).toEqual([]);
    expect(rules!.validate({ spec: { a: 50 } }, undefined, { budgetMs: 0 })).toEqual([
      { type: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": validation failed due to running out of cost budget, no further validation rules will be run' },
    ]);
  });
});
