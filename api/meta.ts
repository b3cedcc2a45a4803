import { z } from 'zod';

/**
 * Shared meta/v1 and core/v1 building blocks for every kind's schema.
 *
 * Contract (see ResourceType.schema in types.ts): plain z.object (unknown keys stripped),
 * no zod defaults or transforms, so a parsed object is always a subset of its input.
 */

/**
 * An RFC 3339 timestamp. Kubernetes accepts `null` for a time (it decodes to the zero
 * time): `kubectl create … --dry-run=client -o yaml` writes `creationTimestamp: null`, and
 * real apiservers keep `creationTimestamp: null` inside pod templates. We accept null at
 * runtime but type the field as an optional string so kind types stay assignable to
 * KubeObject/ObjectMeta; readers must treat any falsy value as "unset".
 */
export const timeSchema = z.string().nullable().optional() as unknown as z.ZodOptional<z.ZodString>;

/** A required timestamp (string), for fields Kubernetes always sets. */
export const requiredTimeSchema = z.string();

/** int-or-string (targetPort, maxSurge, …). */
export const intOrStringSchema = z.union([z.number().int(), z.string()]);
export type IntOrString = z.infer<typeof intOrStringSchema>;

/** A resource.Quantity: Kubernetes accepts both `"100m"` and a bare JSON number. */
export const quantitySchema = z.union([z.string(), z.number()]);
export type QuantityValue = z.infer<typeof quantitySchema>;

/** map[string]string (labels, annotations, nodeSelector, data, …). */
export const stringMapSchema = z.record(z.string(), z.string());

/** map[ResourceName]Quantity (capacity, requests, limits, …). */
export const resourceListSchema = z.record(z.string(), quantitySchema);
export type ResourceList = z.infer<typeof resourceListSchema>;

export const ownerReferenceSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

export const objectMetaSchema = z.object({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  selfLink: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: timeSchema,
  deletionTimestamp: timeSchema,
  deletionGracePeriodSeconds: z.number().int().optional(),
  labels: stringMapSchema.optional(),
  annotations: stringMapSchema.optional(),
  ownerReferences: z.array(ownerReferenceSchema).optional(),
  finalizers: z.array(z.string()).optional(),
  // Kept as opaque entries: the apiserver's field manager owns their shape.
  managedFields: z.array(z.unknown()).optional(),
});
export type ObjectMetaValue = z.infer<typeof objectMetaSchema>;

export const listMetaSchema = z.object({
  selfLink: z.string().optional(),
  resourceVersion: z.string().optional(),
  continue: z.string().optional(),
  remainingItemCount: z.number().int().optional(),
});

/** apiVersion and kind, spread into every top-level object schema. */
export const typeMetaFields = {
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
};

export const labelSelectorRequirementSchema = z.object({
  key: z.string(),
  operator: z.string(),
  values: z.array(z.string()).optional(),
});

export const labelSelectorSchema = z.object({
  matchLabels: stringMapSchema.optional(),
  matchExpressions: z.array(labelSelectorRequirementSchema).optional(),
});
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

/** metav1.Condition, used by newer APIs (apps conditions use their own shapes). */
export const conditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  observedGeneration: z.number().int().optional(),
  lastTransitionTime: timeSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
});

/** core/v1 ObjectReference. */
export const objectReferenceSchema = z.object({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});
export type ObjectReference = z.infer<typeof objectReferenceSchema>;

/** core/v1 LocalObjectReference ({ name }). */
export const localObjectReferenceSchema = z.object({
  name: z.string().optional(),
});

/** meta/v1 Preconditions, DeleteOptions (used by Eviction and DELETE bodies). */
export const preconditionsSchema = z.object({
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
});

export const deleteOptionsSchema = z.object({
  ...typeMetaFields,
  gracePeriodSeconds: z.number().int().optional(),
  preconditions: preconditionsSchema.optional(),
  orphanDependents: z.boolean().optional(),
  propagationPolicy: z.string().optional(),
  dryRun: z.array(z.string()).optional(),
  ignoreStoreReadErrorWithClusterBreakingPotential: z.boolean().optional(),
});

/**
 * A top-level object schema: apiVersion, kind, metadata (required, as KubeObject has it)
 * plus the kind's own fields.
 */
export function objectSchema<S extends z.ZodRawShape>(shape: S) {
  return z.object({ ...typeMetaFields, metadata: objectMetaSchema, ...shape });
}
