import { describe, expect, it } from 'vitest';
import { parseValue } from './graphql-js.js';
import { GraphQLJSON, GraphQLLong, literalToJson } from './scalars.js';

describe('JSON literals', () => {
  it.each([
    ['"x"', 'x'],
    ['12', 12],
    ['1.5', 1.5],
    ['true', true],
    ['null', null],
    ['ALWAYS', 'ALWAYS'],
    ['[1, "a", [false]]', [1, 'a', [false]]],
    ['{ a: { b: [1] }, c: "d" }', { a: { b: [1] }, c: 'd' }],
    ['{ v: $var, w: $missing }', { v: { deep: 1 }, w: null }],
  ])('%s', (literal, want) => {
    expect(literalToJson(parseValue(literal), { var: { deep: 1 } })).toEqual(want);
  });

  it('keeps a __proto__ field as data', () => {
    const value = literalToJson(parseValue('{ __proto__: { polluted: true } }')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it('passes variables and results through unchanged', () => {
    const obj = { metadata: { labels: { a: 'b' } } };
    expect(GraphQLJSON.parseValue(obj)).toBe(obj);
    expect(GraphQLJSON.serialize(obj)).toBe(obj);
  });
});

describe('Long', () => {
  it.each([
    [4294967294, 4294967294],
    ['123', 123],
    [-5, -5],
  ])('serializes %j', (value, want) => {
    expect(GraphQLLong.serialize(value)).toBe(want);
  });

  it.each([[1.5], ['x'], [2 ** 60], [null]])('refuses %j', (value) => {
    expect(() => GraphQLLong.serialize(value)).toThrow(/Long cannot represent/);
  });

  it('parses integer literals only', () => {
    expect(GraphQLLong.parseLiteral(parseValue('3000000000'), {})).toBe(3000000000);
    expect(() => GraphQLLong.parseLiteral(parseValue('"3"'), {})).toThrow(/integer literal/);
  });
});
