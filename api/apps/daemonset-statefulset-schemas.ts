import { z } from 'zod';
import { podTemplateSpecSchema } from '../core/pod-spec.js';
import { intOrStringSchema, labelSelectorSchema, objectMetaSchema, objectSchema, timeSchema } from '../meta.js';

/**
 * apps/v1 DaemonSet, StatefulSet and ControllerRevision (k8s.io/api/apps/v1 types.go).
 * As schemas.ts: plain objects, no zod defaults, selector/template optional so that
 * validate() reports a missing one in Kubernetes' words.
 */

export const workloadConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: timeSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const daemonSetUpdateStrategySchema = z.object({
  type: z.string().optional(),
  rollingUpdate: z.object({ maxUnavailable: intOrStringSchema.optional(), maxSurge: intOrStringSchema.optional() }).optional(),
});

export const daemonSetSpecSchema = z.object({
  selector: labelSelectorSchema.optional(),
  template: podTemplateSpecSchema.optional(),
  updateStrategy: daemonSetUpdateStrategySchema.optional(),
  minReadySeconds: z.number().int().optional(),
  revisionHistoryLimit: z.number().int().optional(),
});

export const daemonSetStatusSchema = z.object({
  currentNumberScheduled: z.number().int().optional(),
  numberMisscheduled: z.number().int().optional(),
  desiredNumberScheduled: z.number().int().optional(),
  numberReady: z.number().int().optional(),
  observedGeneration: z.number().int().optional(),
  updatedNumberScheduled: z.number().int().optional(),
  numberAvailable: z.number().int().optional(),
  numberUnavailable: z.number().int().optional(),
  collisionCount: z.number().int().optional(),
  conditions: z.array(workloadConditionSchema).optional(),
});

export const daemonSetSchema = objectSchema({
  spec: daemonSetSpecSchema.optional(),
  status: daemonSetStatusSchema.optional(),
});
export type DaemonSet = z.infer<typeof daemonSetSchema>;
export type DaemonSetSpec = z.infer<typeof daemonSetSpecSchema>;
export type DaemonSetStatus = z.infer<typeof daemonSetStatusSchema>;

/** A PersistentVolumeClaim template, as StatefulSet.spec.volumeClaimTemplates holds it. */
export const claimTemplateSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema.optional(),
  spec: z
    .object({
      accessModes: z.array(z.string()).optional(),
      selector: labelSelectorSchema.optional(),
      resources: z.object({ limits: z.record(z.string(), z.union([z.string(), z.number()])).optional(), requests: z.record(z.string(), z.union([z.string(), z.number()])).optional() }).optional(),
      volumeName: z.string().optional(),
      storageClassName: z.string().optional(),
      volumeMode: z.string().optional(),
    })
    .optional(),
});
export type ClaimTemplate = z.infer<typeof claimTemplateSchema>;

export const statefulSetSpecSchema = z.object({
  replicas: z.number().int().optional(),
  selector: labelSelectorSchema.optional(),
  template: podTemplateSpecSchema.optional(),
  volumeClaimTemplates: z.array(claimTemplateSchema).optional(),
  serviceName: z.string().optional(),
  podManagementPolicy: z.string().optional(),
  updateStrategy: z
    .object({
      type: z.string().optional(),
      rollingUpdate: z.object({ partition: z.number().int().optional(), maxUnavailable: intOrStringSchema.optional() }).optional(),
    })
    .optional(),
  revisionHistoryLimit: z.number().int().optional(),
  minReadySeconds: z.number().int().optional(),
  persistentVolumeClaimRetentionPolicy: z.object({ whenDeleted: z.string().optional(), whenScaled: z.string().optional() }).optional(),
  ordinals: z.object({ start: z.number().int().optional() }).optional(),
});

export const statefulSetStatusSchema = z.object({
  observedGeneration: z.number().int().optional(),
  replicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  currentReplicas: z.number().int().optional(),
  updatedReplicas: z.number().int().optional(),
  currentRevision: z.string().optional(),
  updateRevision: z.string().optional(),
  collisionCount: z.number().int().optional(),
  conditions: z.array(workloadConditionSchema).optional(),
  availableReplicas: z.number().int().optional(),
});

export const statefulSetSchema = objectSchema({
  spec: statefulSetSpecSchema.optional(),
  status: statefulSetStatusSchema.optional(),
});
export type StatefulSet = z.infer<typeof statefulSetSchema>;
export type StatefulSetSpec = z.infer<typeof statefulSetSpecSchema>;
export type StatefulSetStatus = z.infer<typeof statefulSetStatusSchema>;

export const controllerRevisionSchema = objectSchema({
  /** runtime.RawExtension: any object (kube stores a strategic merge patch of the template). */
  data: z.record(z.string(), z.unknown()).optional(),
  revision: z.number().int(),
});
export type ControllerRevision = z.infer<typeof controllerRevisionSchema>;
