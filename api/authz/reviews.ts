import { z } from 'zod';
import type { ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { createdAtColumns, createdAtRow } from '../rbac/common.js';

/**
 * authorization.k8s.io/v1 access reviews (`kubectl auth can-i [--list]`): create-only
 * kinds, never stored; the apiserver answers them with its authorizer
 * (apiserver/auth/review-handler.ts).
 */

export const resourceAttributesSchema = z.object({
  namespace: z.string().optional(),
  verb: z.string().optional(),
  group: z.string().optional(),
  version: z.string().optional(),
  resource: z.string().optional(),
  subresource: z.string().optional(),
  name: z.string().optional(),
});
export type ResourceAttributes = z.infer<typeof resourceAttributesSchema>;

export const nonResourceAttributesSchema = z.object({ path: z.string().optional(), verb: z.string().optional() });
export type NonResourceAttributes = z.infer<typeof nonResourceAttributesSchema>;

const accessStatusSchema = z.object({
  allowed: z.boolean(),
  denied: z.boolean().optional(),
  reason: z.string().optional(),
  evaluationError: z.string().optional(),
});

const accessSpec = {
  resourceAttributes: resourceAttributesSchema.optional(),
  nonResourceAttributes: nonResourceAttributesSchema.optional(),
};

export const selfSubjectAccessReviewSchema = objectSchema({ spec: z.object(accessSpec), status: accessStatusSchema.optional() });
// One schema object per kind: the OpenAPI generator names definitions by schema object.
const subjectAccessSchema = () =>
  objectSchema({
    spec: z.object({
      ...accessSpec,
      user: z.string().optional(),
      groups: z.array(z.string()).optional(),
      uid: z.string().optional(),
      extra: z.record(z.string(), z.array(z.string())).optional(),
    }),
    status: accessStatusSchema.optional(),
  });
export const subjectAccessReviewSchema = subjectAccessSchema();
export const localSubjectAccessReviewSchema = subjectAccessSchema();

export const selfSubjectRulesReviewSchema = objectSchema({
  spec: z.object({ namespace: z.string().optional() }),
  status: z
    .object({
      resourceRules: z.array(z.object({ verbs: z.array(z.string()), apiGroups: z.array(z.string()).optional(), resources: z.array(z.string()).optional(), resourceNames: z.array(z.string()).optional() })),
      nonResourceRules: z.array(z.object({ verbs: z.array(z.string()), nonResourceURLs: z.array(z.string()).optional() })),
      incomplete: z.boolean(),
      evaluationError: z.string().optional(),
    })
    .optional(),
});

function review(kind: string, plural: string, namespaced: boolean, schema: ResourceType['schema']): ResourceType {
  return {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    plural,
    singular: plural.replace(/s$/, ''),
    shortNames: [],
    categories: [],
    namespaced,
    verbs: ['create'],
    schema,
    subresources: {},
    hasGeneration: false,
    defaults() {
      // Nothing to default: the answer is computed.
    },
    validate: () => [],
    tableColumns: createdAtColumns,
    tableRow: createdAtRow,
  };
}

export const localSubjectAccessReviewResource = review('LocalSubjectAccessReview', 'localsubjectaccessreviews', true, localSubjectAccessReviewSchema);
export const selfSubjectAccessReviewResource = review('SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, selfSubjectAccessReviewSchema);
export const selfSubjectRulesReviewResource = review('SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, selfSubjectRulesReviewSchema);
export const subjectAccessReviewResource = review('SubjectAccessReview', 'subjectaccessreviews', false, subjectAccessReviewSchema);
