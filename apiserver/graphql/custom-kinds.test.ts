import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ResourceType } from '../../api/types.js';
import { getNamedType, isListType, isObjectType, printSchema, type GraphQLObjectType } from './graphql-js.js';
import { customKindNames } from './naming.js';
import { schemaWithCustomKinds } from './custom-kinds.js';
import { graphqlSchema } from './schema.js';

// Custom kinds (CRDs) in the GraphQL schema: names, types from OpenAPI v3, and a bad CRD
// left out without touching the rest.

function customRt(over: Partial<ResourceType> = {}): ResourceType {
  return {
    group: 'stable.example.com',
    version: 'v1',
    kind: 'CronTab',
    listKind: 'CronTabList',
    plural: 'crontabs',
    singular: 'crontab',
    shortNames: [],
    categories: [],
    namespaced: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    schema: z.record(z.string(), z.unknown()),
    subresources: {},
    ...over,
  } as ResourceType;
}

const cronTabSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'integer' }, // ignored: apiVersion, kind and metadata are the built-in ones
    metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 5 } } },
    spec: {
      type: 'object',
      properties: {
        cronSpec: { type: 'string' },
        replicas: { type: 'integer', format: 'int32' },
        big: { type: 'integer' },
        ratio: { type: 'number' },
        suspend: { type: 'boolean' },
        port: { 'x-kubernetes-int-or-string': true },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        anything: {},
        'has-dash': { type: 'string' },
        jobs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        matrix: { type: 'array', items: { type: 'array', items: { type: 'integer', format: 'int32' } } },
      },
    },
  },
};

const fieldTypes = (type: GraphQLObjectType): Record<string, string> =>
  Object.fromEntries(Object.entries(type.getFields()).map(([k, f]) => [k, String(f.type)]));

describe('customKindNames', () => {
  it('prefixes the group, and numbers a name that is taken', () => {
    const n = customKindNames(customRt(), () => false);
    expect(n).toMatchObject({ type: 'StableExampleComCronTab', getField: 'stableExampleComCronTab', listField: 'stableExampleComCronTabs', watchField: 'watchStableExampleComCronTabs', createField: 'createStableExampleComCronTab', listType: 'StableExampleComCronTabList' });
    const taken = new Set(['StableExampleComCronTab', 'StableExampleComCronTab2List']);
    expect(customKindNames(customRt(), (name) => taken.has(name)).type).toBe('StableExampleComCronTab3');
  });

  it('makes kinds, plurals and groups GraphQL-safe', () => {
    const n = customKindNames(customRt({ group: '1st.example-org.io', kind: 'Cron-Tab', plural: 'cron-tabs' }), () => false);
    for (const name of Object.values(n)) expect(name).toMatch(/^[_A-Za-z][_0-9A-Za-z]*$/);
    expect(n.type).toBe('_1stExampleOrgIoCronTab');
  });
});

describe('schemaWithCustomKinds', () => {
  it('builds object types from the OpenAPI v3 schema', () => {
    const { schema, skipped } = schemaWithCustomKinds([{ rt: customRt(), openApiV3: cronTabSchema }]);
    expect(skipped).toEqual([]);
    const kind = schema.getType('StableExampleComCronTab') as GraphQLObjectType;
    expect(fieldTypes(kind)).toMatchObject({ apiVersion: 'String', kind: 'String', metadata: 'ObjectMeta', spec: 'StableExampleComCronTabSpec' });
    // Relations every kind has, and events.
    expect(Object.keys(kind.getFields())).toEqual(expect.arrayContaining(['owner', 'owners', 'dependents', 'events']));
    const spec = schema.getType('StableExampleComCronTabSpec') as GraphQLObjectType;
    expect(fieldTypes(spec)).toEqual({
      cronSpec: 'String',
      replicas: 'Int',
      big: 'Long',
      ratio: 'Float',
      suspend: 'Boolean',
      port: 'JSON',
      extra: 'JSON',
      labels: 'JSON',
      anything: 'JSON',
      jobs: '[StableExampleComCronTabSpecJob]',
      matrix: '[[Int]]',
    });
    const job = spec.getFields().jobs.type;
    expect(isListType(job) && isObjectType(getNamedType(job))).toBe(true);
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(expect.arrayContaining(['stableExampleComCronTab', 'stableExampleComCronTabs']));
    expect(Object.keys(schema.getSubscriptionType()!.getFields())).toContain('watchStableExampleComCronTabs');
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(expect.arrayContaining(['createStableExampleComCronTab', 'patchStableExampleComCronTab', 'deleteStableExampleComCronTab']));
    // The object type sits in the AnyObject union (owner and dependents walks).
    expect(printSchema(schema)).toMatch(/union AnyObject = [^\n]*\| StableExampleComCronTab\b/);
  });

  it('serves two kinds whose names collide, the second numbered, and the built-in types unchanged', () => {
    const { schema } = schemaWithCustomKinds([
      { rt: customRt(), openApiV3: cronTabSchema },
      { rt: customRt({ group: 'stable-example.com' }), openApiV3: { type: 'object', properties: { spec: { type: 'object', properties: { other: { type: 'string' } } } } } },
      { rt: customRt({ group: 'pod.k8s.io', kind: 'Spec', plural: 'specs', namespaced: false }), openApiV3: {} },
    ]);
    expect(fieldTypes(schema.getType('StableExampleComCronTab2Spec') as GraphQLObjectType)).toEqual({ other: 'String' });
    expect(schema.getType('PodSpec2')).toBeDefined();
    // drain.k8s.io Pod would be DrainPod, the drainNode mutation's type.
    const drain = schemaWithCustomKinds([{ rt: customRt({ group: 'drain.k8s.io', kind: 'Pod', plural: 'pods' }), openApiV3: {} }]);
    expect(drain.skipped).toEqual([]);
    expect(Object.keys((drain.schema.getType('DrainPod') as GraphQLObjectType).getFields())).toEqual(['namespace', 'name', 'reason']);
    expect(drain.schema.getType('DrainPod2')).toBeDefined();
    expect(drain.schema.getQueryType()!.getFields().drainPod2).toBeDefined();
    const builtin = graphqlSchema();
    expect(fieldTypes(schema.getType('PodSpec') as GraphQLObjectType)).toEqual(fieldTypes(builtin.getType('PodSpec') as GraphQLObjectType));
  });

  it('leaves out a custom kind that cannot be built and keeps the others', () => {
    const broken = customRt({ group: 'broken.example.com', verbs: undefined as unknown as string[] });
    const { schema, skipped } = schemaWithCustomKinds([
      { rt: broken, openApiV3: cronTabSchema },
      { rt: customRt(), openApiV3: cronTabSchema },
    ]);
    expect(skipped).toEqual(['crontabs.broken.example.com']);
    expect(schema.getType('StableExampleComCronTab')).toBeDefined();
    expect(schema.getType('BrokenExampleComCronTab')).toBeUndefined();
  });

  it('is the built-in schema itself when there are no custom kinds', () => {
    expect(schemaWithCustomKinds([]).schema).toBe(graphqlSchema());
  });
});
