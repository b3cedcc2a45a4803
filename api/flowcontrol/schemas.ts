import { z } from 'zod';
import { conditionSchema, objectSchema } from '../meta.js';

/**
 * flowcontrol.apiserver.k8s.io/v1 (API Priority and Fairness): FlowSchemas classify
 * requests by who sends them and what they touch; each names the
 * PriorityLevelConfiguration whose concurrency shares and queues it is served by.
 */

const subjectSchema = z.object({
  kind: z.string(),
  user: z.object({ name: z.string() }).optional(),
  group: z.object({ name: z.string() }).optional(),
  serviceAccount: z.object({ namespace: z.string(), name: z.string() }).optional(),
});

const resourceRuleSchema = z.object({
  verbs: z.array(z.string()),
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()),
  clusterScope: z.boolean().optional(),
  namespaces: z.array(z.string()).optional(),
});

const nonResourceRuleSchema = z.object({
  verbs: z.array(z.string()),
  nonResourceURLs: z.array(z.string()),
});

const policyRulesWithSubjectsSchema = z.object({
  subjects: z.array(subjectSchema),
  resourceRules: z.array(resourceRuleSchema).optional(),
  nonResourceRules: z.array(nonResourceRuleSchema).optional(),
});

export const flowSchemaSpecSchema = z.object({
  priorityLevelConfiguration: z.object({ name: z.string() }),
  matchingPrecedence: z.number().int().optional(),
  distinguisherMethod: z.object({ type: z.string() }).nullable().optional(),
  rules: z.array(policyRulesWithSubjectsSchema).optional(),
});

export const flowSchemaSchema = objectSchema({
  spec: flowSchemaSpecSchema,
  status: z.object({ conditions: z.array(conditionSchema).optional() }).optional(),
});
export type FlowSchema = z.infer<typeof flowSchemaSchema>;
export type FlowSubject = z.infer<typeof subjectSchema>;
export type ResourceRule = z.infer<typeof resourceRuleSchema>;
export type NonResourceRule = z.infer<typeof nonResourceRuleSchema>;

const limitResponseSchema = z.object({
  type: z.string(),
  queuing: z.object({ queues: z.number().int().optional(), handSize: z.number().int().optional(), queueLengthLimit: z.number().int().optional() }).optional(),
});

export const priorityLevelSpecSchema = z.object({
  type: z.string(),
  limited: z
    .object({
      nominalConcurrencyShares: z.number().int().optional(),
      limitResponse: limitResponseSchema.optional(),
      lendablePercent: z.number().int().optional(),
      borrowingLimitPercent: z.number().int().optional(),
    })
    .optional(),
  exempt: z.object({ nominalConcurrencyShares: z.number().int().optional(), lendablePercent: z.number().int().optional() }).optional(),
});

export const priorityLevelConfigurationSchema = objectSchema({
  spec: priorityLevelSpecSchema,
  status: z.object({ conditions: z.array(conditionSchema).optional() }).optional(),
});
export type PriorityLevelConfiguration = z.infer<typeof priorityLevelConfigurationSchema>;
