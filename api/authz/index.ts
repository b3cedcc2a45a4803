import type { ResourceType } from '../types.js';
import { localSubjectAccessReviewResource, selfSubjectAccessReviewResource, selfSubjectRulesReviewResource, subjectAccessReviewResource } from './reviews.js';

export * from './reviews.js';

/** authorization.k8s.io kinds (create-only reviews, never stored), in discovery order. */
export const authzResources: ResourceType[] = [localSubjectAccessReviewResource, selfSubjectAccessReviewResource, selfSubjectRulesReviewResource, subjectAccessReviewResource];
