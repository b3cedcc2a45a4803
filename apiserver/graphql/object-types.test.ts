import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GraphQLList, GraphQLObjectType, GraphQLSchema, printSchema, printType, type GraphQLNamedType } from './graphql-js.js';
import { resources } from '../../api/registry.js';
import { objectMetaSchema } from '../../api/meta.js';
import { ObjectTypeBuilder } from './object-types.js';
import { buildGraphqlSchema, graphqlResources, graphqlSchema } from './schema.js';

/** The SDL of the types a builder made, without the shared meta/v1 ones. */
function sdl(builder: ObjectTypeBuilder): string {
  return builder
    .types()
    .filter((t) => t.name !== 'ObjectMeta' && t.name !== 'OwnerReference')
    .map((t) => printType(t))
    .join('\n');
}

describe('ObjectTypeBuilder', () => {
  const widget = z.object({
    apiVersion: z.string().optional(),
    metadata: objectMetaSchema,
    spec: z
      .object({
        replicas: z.number().int().optional(),
        ratio: z.number().optional(),
        paused: z.boolean().optional(),
        port: z.union([z.number().int(), z.string()]).optional(),
        selector: z.record(z.string(), z.string()).optional(),
        parts: z.array(z.object({ name: z.string(), size: z.string().nullable().optional() })).optional(),
        spare: z.object({ name: z.string(), size: z.string().nullable().optional() }).optional(),
        extra: z.unknown().optional(),
        empty: z.object({}).optional(),
        sizeBytes: z.number().int().optional(),
        'x-bad': z.string().optional(),
      })
      .optional(),
  });

  it('maps scalars, maps, unions and nested objects', () => {
    const builder = new ObjectTypeBuilder(new Set(['Widget']), {});
    builder.kindType('Widget', 'Widget', 'example.com', widget);
    expect(sdl(builder)).toMatchInlineSnapshot(`
      "type WidgetSpecPart {
        name: String
        size: String
      }
      type WidgetSpec {
        replicas: Int
        ratio: Float
        paused: Boolean
        port: JSON
        selector: JSON
        parts: [WidgetSpecPart]
        spare: WidgetSpecPart
        extra: JSON
        empty: JSON
        sizeBytes: Long
      }
      type Widget {
        apiVersion: String
        metadata: ObjectMeta
        spec: WidgetSpec
      }"
    `);
  });

  it('uses the position table, sharing one type where the shapes match', () => {
    const part = z.object({ name: z.string() });
    const other = z.object({ name: z.string(), weight: z.number() });
    const schema = z.object({
      spec: z.object({ a: part, b: part, c: other }),
    });
    const table = { 'ThingSpec.a': 'Part', 'ThingSpec.b': 'Part', 'ThingSpec.c': 'core.v1.Part' };
    const builder = new ObjectTypeBuilder(new Set(['Thing']), table);
    const thing = builder.kindType('Thing', 'Thing', 'things.example.com', schema);
    const spec = thing.getFields().spec.type as GraphQLObjectType;
    const fields = spec.getFields();
    expect(spec.name).toBe('ThingSpec');
    expect((fields.a.type as GraphQLNamedType).name).toBe('Part');
    expect(fields.b.type).toBe(fields.a.type);
    // Same name, another shape: the group prefix keeps both.
    expect((fields.c.type as GraphQLNamedType).name).toBe('ThingsExampleComPart');
  });

  it('does not take a reserved name for a nested type', () => {
    const schema = z.object({ spec: z.object({ x: z.string() }) });
    const builder = new ObjectTypeBuilder(new Set(['Thing', 'ThingSpec']), {});
    const thing = builder.kindType('Thing', 'Thing', 'apps', schema);
    expect((thing.getFields().spec.type as GraphQLNamedType).name).toBe('AppsThingSpec');
  });
});

describe('the generated schema', () => {
  const schema = graphqlSchema();
  const fieldType = (type: string, field: string): string =>
    String((schema.getType(type) as GraphQLObjectType).getFields()[field].type);

  it('is built once and is the same on every build', () => {
    expect(graphqlSchema()).toBe(schema);
    expect(printSchema(buildGraphqlSchema(graphqlResources))).toBe(printSchema(schema));
  });

  it.each([
    ['Pod', 'metadata', 'ObjectMeta'],
    ['Pod', 'spec', 'PodSpec'],
    ['PodSpec', 'containers', '[Container]'],
    ['PodSpec', 'nodeSelector', 'JSON'],
    ['Container', 'ports', '[ContainerPort]'],
    ['Container', 'resources', 'ResourceRequirements'],
    ['ResourceRequirements', 'limits', 'JSON'],
    ['ContainerPort', 'containerPort', 'Int'],
    ['ObjectMeta', 'labels', 'JSON'],
    ['ObjectMeta', 'ownerReferences', '[OwnerReference]'],
    ['ServicePort', 'targetPort', 'JSON'],
    ['Deployment', 'spec', 'DeploymentSpec'],
    ['DeploymentSpec', 'template', 'PodTemplateSpec'],
    ['DeploymentSpec', 'selector', 'LabelSelector'],
    ['PodTemplateSpec', 'spec', 'PodSpec'],
    ['ContainerImage', 'sizeBytes', 'Long'],
    ['ConfigMap', 'data', 'JSON'],
    ['PodList', 'items', '[Pod!]!'],
    ['PodWatchEvent', 'object', 'Pod!'],
  ])('%s.%s is %s', (type, field, want) => {
    expect(fieldType(type, field)).toBe(want);
  });

  it('offers the operations of each kind, with the expected arguments', () => {
    const query = schema.getQueryType()!.getFields();
    expect(query.pod.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['namespace: String!', 'name: String!']);
    expect(query.node.args.map((a) => a.name)).toEqual(['name']);
    expect(query.pods.args.map((a) => a.name)).toEqual(['namespace', 'labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion']);
    const mutation = schema.getMutationType()!.getFields();
    for (const name of ['createPod', 'replacePod', 'patchPod', 'deletePod', 'createClusterRole', 'patchDeployment']) {
      expect(mutation[name], name).toBeDefined();
    }
    expect(mutation.patchPod.args.find((a) => a.name === 'type')!.defaultValue).toBe('MERGE');
    const subscription = schema.getSubscriptionType()!.getFields();
    expect(Object.keys(subscription)).toContain('watchHorizontalPodAutoscalers');
    expect(subscription.watchNodes.args.map((a) => a.name)).toEqual(['labelSelector', 'fieldSelector', 'resourceVersion']);
  });

  it('is a valid schema with one list type per kind', () => {
    expect(schema).toBeInstanceOf(GraphQLSchema);
    for (const rt of graphqlResources) {
      const list = schema.getType(`${rt.kind}List`) as GraphQLObjectType;
      expect(list.getFields().items.type.toString()).toBe(`[${rt.kind}!]!`);
    }
    expect(new GraphQLList(schema.getType('Pod')!).toString()).toBe('[Pod]');
  });
});
