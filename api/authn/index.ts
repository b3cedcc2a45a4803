import type { ResourceType } from '../types.js';
import { selfSubjectReviewBetaResource, selfSubjectReviewResource } from './self-subject-review.js';
import { tokenReviewResource } from './token-review.js';

export { selfSubjectReviewResource, selfSubjectReviewBetaResource, userInfoSchema } from './self-subject-review.js';

/** authentication.k8s.io kinds (create-only reviews, never stored). */
export const authnResources: ResourceType[] = [selfSubjectReviewResource, selfSubjectReviewBetaResource, tokenReviewResource];
export { tokenReviewResource, tokenRequestSchema } from './token-review.js';
