import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { forbidden, notSupported, required } from '../validation.js';

/**
 * scheduling.k8s.io/v1 PriorityClass: a name for a pod priority. The Priority admission
 * plugin (apiserver/admission/priority.ts) turns a pod's priorityClassName into
 * spec.priority; the apiserver creates the two system classes at start.
 */

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
export const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'] as const;

export const priorityClassSchema = objectSchema({
  value: z.number().int(),
  globalDefault: z.boolean().optional(),
  description: z.string().optional(),
  preemptionPolicy: z.string().optional(),
});
export type PriorityClass = z.infer<typeof priorityClassSchema>;

/** kube's built-in classes, created at start (scheduling/v1 SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: PriorityClass[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-node-critical' },
    value: SYSTEM_CRITICAL_PRIORITY + 1000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-cluster-critical' },
    value: SYSTEM_CRITICAL_PRIORITY,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

/** ValidatePriorityClass: user classes stay at or below one billion; system- names are reserved. */
export function validatePriorityClass(obj: KubeObject): FieldError[] {
  const pc = obj as PriorityClass;
  const errs: FieldError[] = [];
  const name = pc.metadata.name ?? '';
  const system = SYSTEM_PRIORITY_CLASSES.find((s) => s.metadata.name === name);
  if (system) {
    if (pc.value !== system.value) errs.push(forbidden('metadata.name', `${name} is a system priority class and its value cannot be changed`));
  } else if (name.startsWith('system-')) {
    errs.push(forbidden('metadata.name', 'priority class names with \'system-\' prefix are reserved for system use only'));
  } else if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (pc.value === undefined) errs.push(required('value'));
  if (pc.preemptionPolicy !== undefined && !(PREEMPTION_POLICIES as readonly string[]).includes(pc.preemptionPolicy)) {
    errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, PREEMPTION_POLICIES));
  }
  return errs;
}

export const priorityClassResource: ResourceType = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  listKind: 'PriorityClassList',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  shortNames: ['pc'],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: priorityClassSchema,
  subresources: {},
  hasGeneration: false,
  defaults(obj: KubeObject) {
    const pc = obj as PriorityClass;
    pc.preemptionPolicy ??= 'PreemptLowerPriority';
    pc.globalDefault ??= false;
  },
  validate: validatePriorityClass,
  tableColumns: [
    nameColumn,
    column('Value', 'value represents the integer value of this priority class.', { type: 'integer' }),
    column('Global-Default', 'globalDefault specifies whether this PriorityClass should be considered as the default priority.', { type: 'boolean' }),
    ageColumn,
    column('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority.', { priority: 0 }),
  ],
  tableRow: (obj: KubeObject, now: number) => {
    const pc = obj as PriorityClass;
    return [pc.metadata.name ?? '', pc.value, pc.globalDefault ?? false, age(obj, now), pc.preemptionPolicy ?? ''];
  },
};
