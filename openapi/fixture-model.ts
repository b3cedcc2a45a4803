import { z } from 'zod';
import { intOrStringSchema, labelSelectorSchema, objectSchema, timeSchema } from '../api/meta.js';
import type { ResourceType } from '../api/types.js';
import type { PatchMeta } from '../api/patch-meta.js';
import { apiModelFrom, type ApiModel } from './model.js';

/**
 * A small made-up kind for the generator's unit tests, independent of api/<group>:
 * `widgets.example.kubeling.dev/v1alpha1 Widget` (namespaced, status and scale
 * subresources) and a cluster-scoped `Gadget`, with a served v1alpha2 conversion.
 */

export const widgetPartSchema = z.object({
  name: z.string(),
  size: z.number().int().optional().describe('How big the part is, in millimetres.'),
  port: intOrStringSchema.optional(),
});

export const widgetSchema = objectSchema({
  spec: z
    .object({
      replicas: z.number().int().optional(),
      parts: z.array(widgetPartSchema).optional(),
      tags: z.array(z.string()).optional(),
      selector: labelSelectorSchema.optional(),
      colour: z.enum(['red', 'blue']).optional(),
    })
    .optional(),
  status: z.object({ replicas: z.number().int().optional(), lastSeen: timeSchema }).optional(),
});

const gadgetSchema = objectSchema({ data: z.record(z.string(), z.string()).optional() });
const gadgetV2Schema = objectSchema({ data: z.record(z.string(), z.string()).optional(), note: z.string().optional() });

const scaleFixture = objectSchema({ spec: z.object({ replicas: z.number().int().optional() }).optional() });

function resource(over: Partial<ResourceType>): ResourceType {
  return {
    group: 'example.kubeling.dev',
    version: 'v1alpha1',
    kind: 'Widget',
    listKind: 'WidgetList',
    plural: 'widgets',
    singular: 'widget',
    shortNames: [],
    categories: [],
    namespaced: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    schema: widgetSchema,
    subresources: {},
    hasGeneration: true,
    defaults: () => {},
    validate: () => [],
    tableColumns: [],
    tableRow: () => [],
    ...over,
  };
}

export const fixtureResources: ResourceType[] = [
  resource({ subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } } }),
  resource({
    kind: 'Gadget',
    listKind: 'GadgetList',
    plural: 'gadgets',
    singular: 'gadget',
    namespaced: false,
    verbs: ['get', 'list', 'patch'],
    schema: gadgetSchema,
    conversions: [{ version: 'v1alpha2', schema: gadgetV2Schema, fromStorage: (o) => o, toStorage: (o) => o }],
  }),
];

const widgetPatchMeta: PatchMeta = {
  'metadata.finalizers': { strategy: 'merge' },
  'spec.parts': { strategy: 'merge', mergeKey: 'name' },
  'spec.tags': { strategy: 'merge' },
  'spec.selector': { strategy: 'replace' },
};

export function fixtureModel(): ApiModel {
  return apiModelFrom(fixtureResources, {
    patchMetaFor: (_group, kind) => (kind === 'Widget' ? widgetPatchMeta : {}),
    bodies: [{ group: 'autoscaling', version: 'v1', kind: 'Scale', schema: scaleFixture }],
  });
}
