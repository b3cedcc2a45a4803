import { z } from 'zod';
import { labelSelectorSchema, objectSchema, quantitySchema, timeSchema } from '../meta.js';

/**
 * HorizontalPodAutoscaler in autoscaling/v2 (the storage version) and autoscaling/v1
 * (served through conversions). Required-in-Go fields are optional here so that validate()
 * reports them the way Kubernetes does (`spec.scaleTargetRef.kind: Required value`).
 */

export const crossVersionObjectReferenceSchema = z.object({
  kind: z.string().optional(),
  name: z.string().optional(),
  apiVersion: z.string().optional(),
});
export type CrossVersionObjectReference = z.infer<typeof crossVersionObjectReferenceSchema>;

export const metricIdentifierSchema = z.object({
  name: z.string().optional(),
  selector: labelSelectorSchema.optional(),
});

export const metricTargetSchema = z.object({
  type: z.string().optional(),
  value: quantitySchema.optional(),
  averageValue: quantitySchema.optional(),
  averageUtilization: z.number().int().optional(),
});
export type MetricTarget = z.infer<typeof metricTargetSchema>;

export const metricValueStatusSchema = z.object({
  value: quantitySchema.optional(),
  averageValue: quantitySchema.optional(),
  averageUtilization: z.number().int().optional(),
});

export const metricSpecSchema = z.object({
  type: z.string().optional(),
  object: z
    .object({ describedObject: crossVersionObjectReferenceSchema.optional(), target: metricTargetSchema.optional(), metric: metricIdentifierSchema.optional() })
    .optional(),
  pods: z.object({ metric: metricIdentifierSchema.optional(), target: metricTargetSchema.optional() }).optional(),
  resource: z.object({ name: z.string().optional(), target: metricTargetSchema.optional() }).optional(),
  containerResource: z
    .object({ name: z.string().optional(), target: metricTargetSchema.optional(), container: z.string().optional() })
    .optional(),
  external: z.object({ metric: metricIdentifierSchema.optional(), target: metricTargetSchema.optional() }).optional(),
});
export type MetricSpec = z.infer<typeof metricSpecSchema>;

export const metricStatusSchema = z.object({
  type: z.string().optional(),
  object: z
    .object({ metric: metricIdentifierSchema.optional(), current: metricValueStatusSchema.optional(), describedObject: crossVersionObjectReferenceSchema.optional() })
    .optional(),
  pods: z.object({ metric: metricIdentifierSchema.optional(), current: metricValueStatusSchema.optional() }).optional(),
  resource: z.object({ name: z.string().optional(), current: metricValueStatusSchema.optional() }).optional(),
  containerResource: z
    .object({ name: z.string().optional(), current: metricValueStatusSchema.optional(), container: z.string().optional() })
    .optional(),
  external: z.object({ metric: metricIdentifierSchema.optional(), current: metricValueStatusSchema.optional() }).optional(),
});
export type MetricStatus = z.infer<typeof metricStatusSchema>;

export const hpaScalingPolicySchema = z.object({
  type: z.string().optional(),
  value: z.number().int().optional(),
  periodSeconds: z.number().int().optional(),
});
export type HPAScalingPolicy = z.infer<typeof hpaScalingPolicySchema>;

export const hpaScalingRulesSchema = z.object({
  stabilizationWindowSeconds: z.number().int().optional(),
  selectPolicy: z.string().optional(),
  policies: z.array(hpaScalingPolicySchema).optional(),
});
export type HPAScalingRules = z.infer<typeof hpaScalingRulesSchema>;

export const hpaBehaviorSchema = z.object({
  scaleUp: hpaScalingRulesSchema.optional(),
  scaleDown: hpaScalingRulesSchema.optional(),
});
export type HPABehavior = z.infer<typeof hpaBehaviorSchema>;

export const hpaConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: timeSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type HPACondition = z.infer<typeof hpaConditionSchema>;

export const hpaSpecSchema = z.object({
  scaleTargetRef: crossVersionObjectReferenceSchema.optional(),
  minReplicas: z.number().int().optional(),
  maxReplicas: z.number().int().optional(),
  metrics: z.array(metricSpecSchema).optional(),
  behavior: hpaBehaviorSchema.optional(),
});

export const hpaStatusSchema = z.object({
  observedGeneration: z.number().int().optional(),
  lastScaleTime: timeSchema,
  currentReplicas: z.number().int().optional(),
  desiredReplicas: z.number().int().optional(),
  // Kubernetes serializes an unset list here as `currentMetrics: null` (no omitempty).
  currentMetrics: z.array(metricStatusSchema).nullable().optional(),
  conditions: z.array(hpaConditionSchema).optional(),
});

export const hpaSchema = objectSchema({
  spec: hpaSpecSchema.optional(),
  status: hpaStatusSchema.optional(),
});
export type HorizontalPodAutoscaler = z.infer<typeof hpaSchema>;

export const hpaV1Schema = objectSchema({
  spec: z
    .object({
      scaleTargetRef: crossVersionObjectReferenceSchema.optional(),
      minReplicas: z.number().int().optional(),
      maxReplicas: z.number().int().optional(),
      targetCPUUtilizationPercentage: z.number().int().optional(),
    })
    .optional(),
  status: z
    .object({
      observedGeneration: z.number().int().optional(),
      lastScaleTime: timeSchema,
      currentReplicas: z.number().int().optional(),
      desiredReplicas: z.number().int().optional(),
      currentCPUUtilizationPercentage: z.number().int().optional(),
    })
    .optional(),
});
export type HorizontalPodAutoscalerV1 = z.infer<typeof hpaV1Schema>;
