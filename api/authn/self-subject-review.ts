import { z } from 'zod';
import type { ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { createdAtColumns, createdAtRow } from '../rbac/common.js';

/**
 * authentication.k8s.io SelfSubjectReview (`kubectl auth whoami`): a create-only kind that
 * is never stored; the apiserver answers with the caller's user info
 * (apiserver/auth/review-handler.ts). Served as v1 and v1beta1 (kubectl 1.27 asks beta).
 */

export const userInfoSchema = z.object({
  username: z.string().optional(),
  uid: z.string().optional(),
  groups: z.array(z.string()).optional(),
  extra: z.record(z.string(), z.array(z.string())).optional(),
});

// One schema object per version: the OpenAPI generator names definitions by schema object.
const selfSubjectReviewSchema = () =>
  objectSchema({
    status: z.object({ userInfo: userInfoSchema.optional() }).optional(),
  });

function selfSubjectReview(version: string): ResourceType {
  return {
    group: 'authentication.k8s.io',
    version,
    kind: 'SelfSubjectReview',
    listKind: 'SelfSubjectReviewList',
    plural: 'selfsubjectreviews',
    singular: 'selfsubjectreview',
    shortNames: [],
    categories: [],
    namespaced: false,
    verbs: ['create'],
    schema: selfSubjectReviewSchema(),
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

export const selfSubjectReviewResource = selfSubjectReview('v1');
export const selfSubjectReviewBetaResource = selfSubjectReview('v1beta1');
