import { z } from 'zod';
import { podTemplateSpecSchema } from '../core/pod-spec.js';
import { intOrStringSchema, labelSelectorSchema, objectSchema, timeSchema } from '../meta.js';

/**
 * apps/v1 Deployment and ReplicaSet, with the fields users and Kubeling's controllers
 * write. Plain objects (unknown keys stripped), no zod defaults: defaults() fills them.
 * selector and template are optional here so that a missing one is reported by
 * validate() in Kubernetes' words ("spec.selector: Required value") instead of a parse error.
 */

export const rollingUpdateDeploymentSchema = z.object({
  maxUnavailable: intOrStringSchema.optional(),
  maxSurge: intOrStringSchema.optional(),
});

export const deploymentStrategySchema = z.object({
  type: z.string().optional(),
  rollingUpdate: rollingUpdateDeploymentSchema.optional(),
});

export const deploymentSpecSchema = z.object({
  replicas: z.number().int().optional(),
  selector: labelSelectorSchema.optional(),
  template: podTemplateSpecSchema.optional(),
  strategy: deploymentStrategySchema.optional(),
  minReadySeconds: z.number().int().optional(),
  revisionHistoryLimit: z.number().int().optional(),
  paused: z.boolean().optional(),
  progressDeadlineSeconds: z.number().int().optional(),
});

export const deploymentConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  lastUpdateTime: timeSchema,
  lastTransitionTime: timeSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const deploymentStatusSchema = z.object({
  observedGeneration: z.number().int().optional(),
  replicas: z.number().int().optional(),
  updatedReplicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  availableReplicas: z.number().int().optional(),
  unavailableReplicas: z.number().int().optional(),
  conditions: z.array(deploymentConditionSchema).optional(),
  collisionCount: z.number().int().optional(),
});

export const deploymentSchema = objectSchema({
  spec: deploymentSpecSchema.optional(),
  status: deploymentStatusSchema.optional(),
});
export type Deployment = z.infer<typeof deploymentSchema>;
export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;
export type DeploymentStatus = z.infer<typeof deploymentStatusSchema>;
export type DeploymentCondition = z.infer<typeof deploymentConditionSchema>;

export const replicaSetSpecSchema = z.object({
  replicas: z.number().int().optional(),
  minReadySeconds: z.number().int().optional(),
  selector: labelSelectorSchema.optional(),
  template: podTemplateSpecSchema.optional(),
});

export const replicaSetConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: timeSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const replicaSetStatusSchema = z.object({
  replicas: z.number().int().optional(),
  fullyLabeledReplicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  availableReplicas: z.number().int().optional(),
  observedGeneration: z.number().int().optional(),
  conditions: z.array(replicaSetConditionSchema).optional(),
});

export const replicaSetSchema = objectSchema({
  spec: replicaSetSpecSchema.optional(),
  status: replicaSetStatusSchema.optional(),
});
export type ReplicaSet = z.infer<typeof replicaSetSchema>;
export type ReplicaSetSpec = z.infer<typeof replicaSetSpecSchema>;
export type ReplicaSetStatus = z.infer<typeof replicaSetStatusSchema>;
