import { z } from 'zod';
import { podTemplateSpecSchema } from '../core/pod-spec.js';
import { labelSelectorSchema, objectMetaSchema, objectReferenceSchema, objectSchema, timeSchema } from '../meta.js';

/**
 * batch/v1 Job and CronJob (k8s.io/api/batch/v1 types.go), with the fields users and
 * Kubeling's controllers write. Plain objects (unknown keys stripped), no zod defaults:
 * defaults() fills them, validate() reports missing ones in Kubernetes' words.
 */

export const podFailurePolicyOnExitCodesSchema = z.object({
  containerName: z.string().optional(),
  operator: z.string(),
  values: z.array(z.number().int()),
});

export const podFailurePolicyOnPodConditionSchema = z.object({
  type: z.string(),
  status: z.string().optional(),
});

export const podFailurePolicyRuleSchema = z.object({
  action: z.string(),
  onExitCodes: podFailurePolicyOnExitCodesSchema.optional(),
  onPodConditions: z.array(podFailurePolicyOnPodConditionSchema).optional(),
});

export const podFailurePolicySchema = z.object({
  rules: z.array(podFailurePolicyRuleSchema),
});

export const successPolicyRuleSchema = z.object({
  succeededIndexes: z.string().optional(),
  succeededCount: z.number().int().optional(),
});

export const successPolicySchema = z.object({
  rules: z.array(successPolicyRuleSchema),
});

export const jobSpecSchema = z.object({
  parallelism: z.number().int().optional(),
  completions: z.number().int().optional(),
  activeDeadlineSeconds: z.number().int().optional(),
  podFailurePolicy: podFailurePolicySchema.optional(),
  successPolicy: successPolicySchema.optional(),
  backoffLimit: z.number().int().optional(),
  backoffLimitPerIndex: z.number().int().optional(),
  maxFailedIndexes: z.number().int().optional(),
  selector: labelSelectorSchema.optional(),
  manualSelector: z.boolean().optional(),
  template: podTemplateSpecSchema.optional(),
  ttlSecondsAfterFinished: z.number().int().optional(),
  completionMode: z.string().optional(),
  suspend: z.boolean().optional(),
  podReplacementPolicy: z.string().optional(),
  managedBy: z.string().optional(),
});

export const jobConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  lastProbeTime: timeSchema,
  lastTransitionTime: timeSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const uncountedTerminatedPodsSchema = z.object({
  succeeded: z.array(z.string()).optional(),
  failed: z.array(z.string()).optional(),
});

export const jobStatusSchema = z.object({
  conditions: z.array(jobConditionSchema).optional(),
  startTime: timeSchema,
  completionTime: timeSchema,
  active: z.number().int().optional(),
  succeeded: z.number().int().optional(),
  failed: z.number().int().optional(),
  terminating: z.number().int().optional(),
  completedIndexes: z.string().optional(),
  failedIndexes: z.string().optional(),
  uncountedTerminatedPods: uncountedTerminatedPodsSchema.optional(),
  ready: z.number().int().optional(),
});

export const jobSchema = objectSchema({
  spec: jobSpecSchema.optional(),
  status: jobStatusSchema.optional(),
});
export type Job = z.infer<typeof jobSchema>;
export type JobSpec = z.infer<typeof jobSpecSchema>;
export type JobStatus = z.infer<typeof jobStatusSchema>;
export type JobCondition = z.infer<typeof jobConditionSchema>;
export type PodFailurePolicyRule = z.infer<typeof podFailurePolicyRuleSchema>;
export type SuccessPolicyRule = z.infer<typeof successPolicyRuleSchema>;

export const jobTemplateSpecSchema = z.object({
  metadata: objectMetaSchema.optional(),
  spec: jobSpecSchema.optional(),
});

export const cronJobSpecSchema = z.object({
  schedule: z.string().optional(),
  timeZone: z.string().optional(),
  startingDeadlineSeconds: z.number().int().optional(),
  concurrencyPolicy: z.string().optional(),
  suspend: z.boolean().optional(),
  jobTemplate: jobTemplateSpecSchema.optional(),
  successfulJobsHistoryLimit: z.number().int().optional(),
  failedJobsHistoryLimit: z.number().int().optional(),
});

export const cronJobStatusSchema = z.object({
  active: z.array(objectReferenceSchema).optional(),
  lastScheduleTime: timeSchema,
  lastSuccessfulTime: timeSchema,
});

export const cronJobSchema = objectSchema({
  spec: cronJobSpecSchema.optional(),
  status: cronJobStatusSchema.optional(),
});
export type CronJob = z.infer<typeof cronJobSchema>;
export type CronJobSpec = z.infer<typeof cronJobSpecSchema>;
export type CronJobStatus = z.infer<typeof cronJobStatusSchema>;
