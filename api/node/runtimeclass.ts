import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { invalid, required } from '../validation.js';

/**
 * node.k8s.io/v1 RuntimeClass: a container runtime configuration pods select with
 * spec.runtimeClassName. Stored and served; the simulated kubelets run every handler alike.
 */

const tolerationSchema = z.object({
  key: z.string().optional(),
  operator: z.string().optional(),
  value: z.string().optional(),
  effect: z.string().optional(),
  tolerationSeconds: z.number().int().optional(),
});

export const runtimeClassSchema = objectSchema({
  handler: z.string(),
  overhead: z.object({ podFixed: z.record(z.string(), z.union([z.string(), z.number()])).optional() }).optional(),
  scheduling: z
    .object({
      nodeSelector: z.record(z.string(), z.string()).optional(),
      tolerations: z.array(tolerationSchema).optional(),
    })
    .optional(),
});
export type RuntimeClass = z.infer<typeof runtimeClassSchema>;

/** ValidateRuntimeClass: the handler is a DNS-1123 label. */
export function validateRuntimeClass(obj: KubeObject): FieldError[] {
  const rc = obj as RuntimeClass;
  if (!rc.handler) return [required('handler')];
  if (rc.handler.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(rc.handler)) {
    return [invalid('handler', rc.handler, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")];
  }
  return [];
}

export const runtimeClassResource: ResourceType = {
  group: 'node.k8s.io',
  version: 'v1',
  kind: 'RuntimeClass',
  listKind: 'RuntimeClassList',
  plural: 'runtimeclasses',
  singular: 'runtimeclass',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: runtimeClassSchema,
  subresources: {},
  hasGeneration: false,
  defaults() {
    // node/v1 has no RuntimeClass defaults.
  },
  validate: validateRuntimeClass,
  tableColumns: [nameColumn, column('Handler', 'handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.'), ageColumn],
  tableRow: (obj: KubeObject, now: number) => [obj.metadata.name ?? '', (obj as RuntimeClass).handler, age(obj, now)],
};
