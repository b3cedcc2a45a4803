import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema, timeSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { invalid, invalidEach, isQualifiedName } from '../validation.js';

export const namespaceSchema = objectSchema({
  spec: z.object({ finalizers: z.array(z.string()).optional() }).optional(),
  status: z
    .object({
      phase: z.string().optional(),
      conditions: z
        .array(
          z.object({
            type: z.string(),
            status: z.string(),
            lastTransitionTime: timeSchema,
            reason: z.string().optional(),
            message: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type Namespace = z.infer<typeof namespaceSchema>;

export const FinalizerKubernetes = 'kubernetes';
export const LabelMetadataName = 'kubernetes.io/metadata.name';
const standardFinalizers = ['kubernetes', 'orphan', 'foregroundDeletion'];

/** SetDefaults_Namespace(+Status): the immutable name label, phase Active. */
export function defaultNamespace(ns: Namespace): void {
  if (ns.metadata.name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [LabelMetadataName]: ns.metadata.name };
  ns.status ??= {};
  if (!ns.status.phase) ns.status.phase = 'Active';
}

/** On create: status Active and the `kubernetes` finalizer the namespace controller removes. */
export function prepareNamespaceForCreate(ns: Namespace): void {
  ns.status = { phase: 'Active' };
  const finalizers = ns.spec?.finalizers ?? [];
  if (!finalizers.includes(FinalizerKubernetes)) ns.spec = { ...(ns.spec ?? {}), finalizers: [...finalizers, FinalizerKubernetes] };
}

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs: FieldError[] = [];
  // metadata.name (a DNS label) is checked by the apiserver's metadata validation.
  for (const f of ns.spec?.finalizers ?? []) {
    errs.push(...invalidEach('spec.finalizers', f, isQualifiedName(f)));
    if (!f.includes('/') && !standardFinalizers.includes(f)) {
      errs.push(invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return errs;
}

const asNamespace = (o: KubeObject) => o as unknown as Namespace;

export const namespaceResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  schema: namespaceSchema,
  subresources: { status: true },
  hasGeneration: false,
  defaults: (o) => defaultNamespace(asNamespace(o)),
  validate: (o) => validateNamespace(asNamespace(o)),
  tableColumns: [nameColumn, column('Status', 'The status of the namespace'), ageColumn],
  tableRow: (o, now) => {
    const ns = asNamespace(o);
    return [ns.metadata.name ?? '', ns.status?.phase ?? '', age(o, now)];
  },
  fieldSelectors: {
    'status.phase': (o) => asNamespace(o).status?.phase ?? '',
  },
  prepareForCreate: (o) => prepareNamespaceForCreate(asNamespace(o)),
};
