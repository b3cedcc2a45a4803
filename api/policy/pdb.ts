import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { conditionSchema, intOrStringSchema, labelSelectorSchema, objectSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { invalid, notSupported, validateLabelSelector } from '../validation.js';
import { goIntOrString, goLabelSelector, invalidRendered } from '../apps/go-format.js';
import { validateNotMoreThan100Percent, validatePositiveIntOrPercent } from '../apps/int-or-percent.js';

/** policy/v1 PodDisruptionBudget. An empty selector selects every pod of the namespace. */

export const pdbSpecSchema = z.object({
  minAvailable: intOrStringSchema.optional(),
  selector: labelSelectorSchema.optional(),
  maxUnavailable: intOrStringSchema.optional(),
  unhealthyPodEvictionPolicy: z.string().optional(),
});

export const pdbStatusSchema = z.object({
  observedGeneration: z.number().int().optional(),
  disruptedPods: z.record(z.string(), z.string()).optional(),
  disruptionsAllowed: z.number().int().optional(),
  currentHealthy: z.number().int().optional(),
  desiredHealthy: z.number().int().optional(),
  expectedPods: z.number().int().optional(),
  conditions: z.array(conditionSchema).optional(),
});

export const pdbSchema = objectSchema({
  spec: pdbSpecSchema.optional(),
  status: pdbStatusSchema.optional(),
});
export type PodDisruptionBudget = z.infer<typeof pdbSchema>;
export type PodDisruptionBudgetSpec = z.infer<typeof pdbSpecSchema>;
export type PodDisruptionBudgetStatus = z.infer<typeof pdbStatusSchema>;


const unhealthyPodEvictionPolicies = ['AlwaysAllow', 'IfHealthyBudget'];

function goPointer(type: string, set: boolean, rendered: () => string): string {
  return set ? `&${rendered()}` : `(*${type})(nil)`;
}

/** ValidatePodDisruptionBudgetSpec and the policy/v1 status counters. */
export function validatePDB(obj: KubeObject): FieldError[] {
  const pdb = obj as PodDisruptionBudget;
  const spec = pdb.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    const rendered =
      `policy.PodDisruptionBudgetSpec{MinAvailable:${goPointer('intstr.IntOrString', true, () => goIntOrString(spec.minAvailable))}, ` +
      `Selector:${goPointer('v1.LabelSelector', spec.selector !== undefined, () => goLabelSelector(spec.selector))}, ` +
      `MaxUnavailable:${goPointer('intstr.IntOrString', true, () => goIntOrString(spec.maxUnavailable))}, ` +
      `UnhealthyPodEvictionPolicy:${goPointer('policy.UnhealthyPodEvictionPolicyType', spec.unhealthyPodEvictionPolicy !== undefined, () => JSON.stringify(spec.unhealthyPodEvictionPolicy))}}`;
    errs.push(invalidRendered('spec', rendered, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const key of ['minAvailable', 'maxUnavailable'] as const) {
    if (spec[key] === undefined) continue;
    errs.push(...validatePositiveIntOrPercent(spec[key], `spec.${key}`));
    errs.push(...validateNotMoreThan100Percent(spec[key], `spec.${key}`));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  if (spec.unhealthyPodEvictionPolicy !== undefined && !unhealthyPodEvictionPolicies.includes(spec.unhealthyPodEvictionPolicy)) {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, unhealthyPodEvictionPolicies));
  }
  for (const key of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) {
    const v = pdb.status?.[key];
    if (v !== undefined && v < 0) errs.push(invalid(`status.${key}`, v, 'must be greater than or equal to 0'));
  }
  return errs;
}

/** IntOrString.String(): the int's digits or the string. */
function intOrStringCell(v: number | string | undefined): string {
  return v === undefined ? 'N/A' : String(v);
}

/** printPodDisruptionBudget: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE. */
export function pdbRow(obj: KubeObject, now: number): unknown[] {
  const pdb = obj as PodDisruptionBudget;
  return [
    pdb.metadata.name ?? '',
    intOrStringCell(pdb.spec?.minAvailable),
    intOrStringCell(pdb.spec?.maxUnavailable),
    pdb.status?.disruptionsAllowed ?? 0,
    age(obj, now),
  ];
}

export const pdbResource: ResourceType = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  listKind: 'PodDisruptionBudgetList',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: pdbSchema,
  subresources: { status: true },
  hasGeneration: true,
  defaults() {
    // policy/v1 defines no defaults for PodDisruptionBudget.
  },
  validate: validatePDB,
  tableColumns: [
    nameColumn,
    column('Min Available', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', { type: 'integer' }),
    ageColumn,
  ],
  tableRow: pdbRow,
  prepareForCreate(obj) {
    // The four counters are not omitempty in policy/v1.
    obj['status'] = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
};
