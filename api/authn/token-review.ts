import { z } from 'zod';
import type { ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { createdAtColumns, createdAtRow } from '../rbac/common.js';
import { userInfoSchema } from './self-subject-review.js';

/**
 * authentication.k8s.io/v1 TokenReview: a create-only kind, never stored. The apiserver
 * says whether a bearer token authenticates and as whom (apiserver/auth/review-handler.ts).
 */
export const tokenReviewSchema = objectSchema({
  spec: z.object({ token: z.string().optional(), audiences: z.array(z.string()).optional() }).optional(),
  status: z
    .object({
      authenticated: z.boolean().optional(),
      user: userInfoSchema.optional(),
      audiences: z.array(z.string()).optional(),
      error: z.string().optional(),
    })
    .optional(),
});

export const tokenReviewResource: ResourceType = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenReview',
  listKind: 'TokenReviewList',
  plural: 'tokenreviews',
  singular: 'tokenreview',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: ['create'],
  schema: tokenReviewSchema,
  subresources: {},
  hasGeneration: false,
  defaults() {
    // Nothing to default: the answer is computed.
  },
  validate: () => [],
  tableColumns: createdAtColumns,
  tableRow: createdAtRow,
};

/** The body of serviceaccounts/token (TokenRequest), documented with the subresource. */
export const tokenRequestSchema = objectSchema({
  spec: z.object({
    audiences: z.array(z.string()).optional(),
    expirationSeconds: z.number().int().optional(),
    boundObjectRef: z.object({ kind: z.string().optional(), apiVersion: z.string().optional(), name: z.string().optional(), uid: z.string().optional() }).nullable().optional(),
  }),
  status: z.object({ token: z.string(), expirationTimestamp: z.string() }).optional(),
});
