import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../../api/apiextensions/schema-types.js';
import { toV2CustomSchema } from './openapi-v2.js';

// kube's ToStructuralOpenAPIV2 rules, one case each.
describe('toV2CustomSchema', () => {
  const cases: Array<[string, JSONSchemaProps, Record<string, unknown>]> = [
    ['keeps a plain schema', { type: 'object', properties: { a: { type: 'string', pattern: '^x' } }, required: ['a'] }, { type: 'object', properties: { a: { type: 'string', pattern: '^x' } }, required: ['a'] }],
    ['drops junctors and CEL rules', { type: 'string', anyOf: [{ type: 'string' }], oneOf: [{ type: 'string' }], allOf: [{ type: 'string' }], not: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'true' }] } as JSONSchemaProps, { type: 'string' }],
    ['nullable loses type, properties and items', { type: 'object', nullable: true, properties: { a: { type: 'string' } } }, {}],
    ['preserve-unknown-fields object loses type and properties', { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } }, { 'x-kubernetes-preserve-unknown-fields': true }],
    ['an array without items loses its type', { type: 'array', 'x-kubernetes-preserve-unknown-fields': true, items: { type: 'string' } }, { 'x-kubernetes-preserve-unknown-fields': true }],
    ['a nullable property is not required', { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string', nullable: true }, b: { type: 'string' } } }, { type: 'object', required: ['b'], properties: { a: {}, b: { type: 'string' } } }],
    ['int-or-string keeps its marker', { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } as JSONSchemaProps, { 'x-kubernetes-int-or-string': true }],
    ['recurses into items and additionalProperties', { type: 'array', items: { type: 'object', additionalProperties: { type: 'string', nullable: true } } }, { type: 'array', items: { type: 'object', additionalProperties: {} } }],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(toV2CustomSchema(input)).toEqual(expected);
  });
});
