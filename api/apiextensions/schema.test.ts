import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from './schema-types.js';
import { validateObject } from './validate-object.js';
import { applyDefaults, prune, prunedCopy } from './prune-default.js';
import { validateStructural } from './structural.js';
import { compileRules } from './cel-rules.js';
import { validateCRD } from './crd.js';
import type { KubeObject } from '../types.js';

const obj = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { spec } });
const msgs = (o: unknown, s: JSONSchemaProps) => validateObject(o, s).map((e) => `${e.field}: ${e.message}`);

describe('validateObject (kube wording)', () => {
  it.each<[string, JSONSchemaProps, unknown, string[]]>([
    ['type', { type: 'object', properties: { n: { type: 'integer' } } }, { n: 'x' }, ['spec.n: Invalid value: "string": spec.n in body must be of type integer: "string"']],
    ['number accepts integers', { type: 'object', properties: { n: { type: 'number' } } }, { n: 3 }, []],
    ['int-or-string', { type: 'object', properties: { p: { 'x-kubernetes-int-or-string': true } } }, { p: true }, ['spec.p: Invalid value: "boolean": spec.p in body must be of type integer,string: "boolean"']],
    ['enum', { type: 'object', properties: { e: { type: 'string', enum: ['a', 'b'] } } }, { e: 'c' }, ['spec.e: Unsupported value: "c": supported values: "a", "b"']],
    ['pattern', { type: 'object', properties: { s: { type: 'string', pattern: '^a+$' } } }, { s: 'b' }, ["spec.s: Invalid value: \"b\": spec.s in body should match '^a+$'"]],
    ['maxLength', { type: 'object', properties: { s: { type: 'string', maxLength: 2 } } }, { s: 'abc' }, ['spec.s: Too long: may not be longer than 2']],
    ['minLength', { type: 'object', properties: { s: { type: 'string', minLength: 2 } } }, { s: 'a' }, ['spec.s: Invalid value: "a": spec.s in body should be at least 2 chars long']],
    ['maximum', { type: 'object', properties: { n: { type: 'integer', maximum: 3 } } }, { n: 4 }, ['spec.n: Invalid value: 4: spec.n in body should be less than or equal to 3']],
    ['exclusiveMinimum', { type: 'object', properties: { n: { type: 'integer', minimum: 3, exclusiveMinimum: true } } }, { n: 3 }, ['spec.n: Invalid value: 3: spec.n in body should be greater than 3']],
    ['maxItems', { type: 'object', properties: { l: { type: 'array', items: { type: 'string' }, maxItems: 1 } } }, { l: ['a', 'b'] }, ['spec.l: Too many: 2: must have at most 1 items']],
    ['minItems', { type: 'object', properties: { l: { type: 'array', items: { type: 'string' }, minItems: 1 } } }, { l: [] }, ['spec.l: Invalid value: 0: spec.l in body should have at least 1 items']],
    ['maxProperties', { type: 'object', properties: { m: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 1 } } }, { m: { a: 'x', b: 'y' } }, ['spec.m: Too many: 2: must have at most 1 items']],
    ['required', { type: 'object', required: ['a'], properties: { a: { type: 'string' } } }, {}, ['spec.a: Required value']],
    ['nullable', { type: 'object', properties: { a: { type: 'string', nullable: true }, b: { type: 'string' } } }, { a: null, b: null }, ['spec.b: Invalid value: "null": spec.b in body must be of type string: "null"']],
    ['format date-time', { type: 'object', properties: { t: { type: 'string', format: 'date-time' } } }, { t: 'yesterday' }, ['spec.t: Invalid value: "yesterday": spec.t in body must be of type date-time: "yesterday"']],
    ['list-type set', { type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } } }, { l: ['a', 'a'] }, ['spec.l[1]: Duplicate value: "a"']],
    ['list-type map', { type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } } } }, { l: [{ name: 'x' }, { name: 'x' }] }, ['spec.l[1]: Duplicate value: map[string]interface {}{"name":"x"}']],
    ['embedded resource', { type: 'object', properties: { t: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } } }, { t: { metadata: {} } }, ['spec.t.apiVersion: Required value: must not be empty', 'spec.t.kind: Required value: must not be empty']],
    ['map values', { type: 'object', properties: { m: { type: 'object', additionalProperties: { type: 'integer' } } } }, { m: { a: 'x' } }, ['spec.m[a]: Invalid value: "string": spec.m[a] in body must be of type integer: "string"']],
  ])('%s', (_n, spec, value, want) => {
    expect(msgs({ spec: value }, obj(spec))).toEqual(want);
  });
});

describe('prune and defaults', () => {
  const schema: JSONSchemaProps = obj({
    type: 'object',
    properties: {
      keep: { type: 'string', default: 'd' },
      n: { type: 'integer', default: 1 },
      open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      items: { type: 'array', items: { type: 'object', properties: { a: { type: 'string', default: 'x' } } } },
      emb: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
    },
  });
  it('prunes unknown fields except under preserve-unknown-fields and keeps root/embedded type meta', () => {
    const o = { apiVersion: 'a/v1', kind: 'K', metadata: { name: 'x' }, extra: 1, spec: { keep: 'k', drop: 2, open: { anything: { deep: 1 } }, items: [{ a: 'b', z: 1 }], emb: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bogus: 1 }, spec: {}, other: 1 } } };
    expect(prune(o, schema)).toEqual(['extra', 'spec.drop', 'spec.items[0].z', 'spec.emb.other']);
    expect(o).toEqual({ apiVersion: 'a/v1', kind: 'K', metadata: { name: 'x' }, spec: { keep: 'k', open: { anything: { deep: 1 } }, items: [{ a: 'b' }], emb: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } } });
  });
  it('prunedCopy answers what prune does, leaving its input alone', () => {
    const input = { apiVersion: 'a/v1', kind: 'K', metadata: { name: 'x' }, extra: 1, spec: { keep: 'k', drop: 2, open: { anything: { deep: 1 } }, items: [{ a: 'b', z: 1 }], emb: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bogus: 1 }, spec: {}, other: 1 } } };
    const before = structuredClone(input);
    const copy = prunedCopy(input, schema);
    expect(input).toEqual(before);
    const pruned = structuredClone(input);
    prune(pruned, schema);
    expect(copy).toEqual(pruned);
  });
  it('defaults absent fields and non-nullable nulls, inside lists too', () => {
    const o: Record<string, unknown> = { spec: { n: null, items: [{}] } };
    applyDefaults(o, schema);
    expect(o).toEqual({ spec: { keep: 'd', n: 1, items: [{ a: 'x' }] } });
  });
});

describe('structural schema checks', () => {
  const base = 'spec.versions[0].schema.openAPIV3Schema';
  it.each<[string, JSONSchemaProps, string[]]>([
    ['root type', { type: 'string' }, [`${base}.type: Invalid value: "string": must be object at the root`]],
    ['missing root type', { properties: { a: { type: 'string' } } }, [`${base}.type: Required value: must not be empty at the root`]],
    ['property without type', { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } }, [`${base}.properties[spec].type: Required value: must not be empty for specified object fields`]],
    ['array without items', { type: 'object', properties: { l: { type: 'array' } } }, [`${base}.properties[l].items: Required value: must be specified`]],
    ['items without type', { type: 'object', properties: { l: { type: 'array', items: { description: 'x' } } } }, [`${base}.properties[l].items.type: Required value: must not be empty for specified array items`]],
    ['preserve false', { type: 'object', 'x-kubernetes-preserve-unknown-fields': false }, [`${base}.x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`]],
    ['properties and additionalProperties', { type: 'object', properties: { m: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } } }, [`${base}.properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`]],
    ['type inside anyOf', { type: 'object', properties: { a: { type: 'string', anyOf: [{ type: 'string' }] } } }, [`${base}.properties[a].anyOf[0].type: Forbidden: must be empty to be structural`]],
    ['metadata beyond name', { type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } }, [`${base}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`]],
    ['list-type map without keys', { type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } } } }, [`${base}.properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`]],
    ['unknown type', { type: 'object', properties: { a: { type: 'strin' } } }, [`${base}.properties[a].type: Unsupported value: "strin": supported values: "array", "boolean", "integer", "number", "object", "string"`]],
  ])('%s', (_n, schema, want) => {
    expect(validateStructural(schema, base).map((e) => `${e.field}: ${e.message}`)).toEqual(want);
  });
});

describe('x-kubernetes-validations', () => {
  const schema = obj({
    type: 'object',
    'x-kubernetes-validations': [
      { rule: 'self.min <= self.max', message: 'min must not exceed max' },
      { rule: 'self.mode == oldSelf.mode', message: 'mode is immutable' },
      { rule: 'self.max < 100', messageExpression: '"max is " + string(self.max)', reason: 'FieldValueForbidden', fieldPath: '.max' },
    ],
    properties: { min: { type: 'integer' }, max: { type: 'integer' }, mode: { type: 'string' }, tags: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() <= 3' }] } } },
  });
  const compiled = compileRules(schema, '');
  it('compiles', () => expect(compiled.errors).toEqual([]));
  it.each<[string, unknown, unknown, string[]]>([
    ['passes', { min: 1, max: 2, mode: 'a' }, undefined, []],
    ['message', { min: 3, max: 2, mode: 'a' }, undefined, ['spec: Invalid value: "object": min must not exceed max']],
    ['transition rule skipped on create, run on update', { min: 1, max: 2, mode: 'b' }, { spec: { min: 1, max: 2, mode: 'a' } }, ['spec: Invalid value: "object": mode is immutable']],
    ['messageExpression, reason, fieldPath', { min: 1, max: 200, mode: 'a' }, undefined, ['spec.max: Forbidden: max is 200']],
    ['rules on list items, default message', { min: 1, max: 2, mode: 'a', tags: ['ok', 'toolong'] }, undefined, ['spec.tags[1]: Invalid value: "string": failed rule: self.size() <= 3']],
  ])('%s', (_n, spec, old, want) => {
    expect(compiled.rules!.validate({ spec }, old).map((e) => `${e.field}: ${e.message}`)).toEqual(want);
  });

  it('refuses CEL that does not compile, in kube words', () => {
    const bad = obj({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.nope > 1' }], properties: { a: { type: 'integer' } } });
    const errs = compileRules(bad, 'spec.versions[0].schema.openAPIV3Schema').errors.map((e) => `${e.field}: ${e.message}`);
    expect(errs).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.nope > 1", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:5: undefined field \'nope\'\n | self.nope > 1\n | ....^',
    ]);
  });
});

describe('validateCRD bad input', () => {
  const crd = (versions: unknown[]): KubeObject => ({ metadata: { name: 'things.example.com' }, spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions } }) as unknown as KubeObject;
  const schema = { openAPIV3Schema: { type: 'object' } };
  it('needs exactly one storage version', () => {
    expect(validateCRD(crd([{ name: 'v1', served: true, storage: false, schema }])).map((e) => e.message)).toEqual([
      'Invalid value: []apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1", Served:true, Storage:false, ...}}: must have exactly one version marked as storage version',
    ]);
    expect(validateCRD(crd([{ name: 'v1', served: true, storage: true, schema }, { name: 'v2', served: true, storage: true, schema }])).map((e) => e.field)).toEqual(['spec.versions']);
  });
  it('needs the api-approved.kubernetes.io annotation in a protected group (k8s.io, kubernetes.io)', () => {
    const inGroup = (group: string, annotations?: Record<string, string>): KubeObject =>
      ({ metadata: { name: `things.${group}`, ...(annotations ? { annotations } : {}) }, spec: { group, scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: true, schema }] } }) as unknown as KubeObject;
    const msgs = (o: KubeObject, old?: KubeObject) => validateCRD(o, old).map((e) => `${e.field}: ${e.message}`);
    expect(msgs(inGroup('gateway.networking.k8s.io'))).toEqual([
      'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
    ]);
    expect(msgs(inGroup('x.kubernetes.io', { 'api-approved.kubernetes.io': 'yes' }))).toEqual([
      'metadata.annotations[api-approved.kubernetes.io]: Invalid value: "yes": protected groups must have approval annotation "api-approved.kubernetes.io" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111',
    ]);
    expect(msgs(inGroup('gateway.networking.k8s.io', { 'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/1538' }))).toEqual([]);
    expect(msgs(inGroup('snapshot.storage.k8s.io', { 'api-approved.kubernetes.io': 'unapproved, experimental' }))).toEqual([]);
    expect(msgs(inGroup('k8s.example.com'))).toEqual([]);
    // An update that keeps the (missing) approval state is not refused, as kube lets old CRDs be.
    expect(msgs(inGroup('gateway.networking.k8s.io'), inGroup('gateway.networking.k8s.io'))).toEqual([]);
  });

  it('needs a schema and a matching name', () => {
    const c = crd([{ name: 'v1', served: true, storage: true }]);
    c.metadata.name = 'wrong.example.com';
    expect(validateCRD(c).map((e) => `${e.field}: ${e.message}`)).toEqual([
      'metadata.name: Invalid value: "wrong.example.com": must be spec.names.plural+"."+spec.group',
      'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
    ]);
  });
});
