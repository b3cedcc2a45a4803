import type { ResourceType } from '../types.js';
import { cronJobResource } from './cronjob.js';
import { jobResource } from './job.js';

export * from './schemas.js';
export { jobResource, defaultJob, validateJob, generateJobSelector } from './job.js';
export { cronJobResource, defaultCronJob, validateCronJob } from './cronjob.js';

/** batch/v1 kinds, in discovery order (kube serves cronjobs before jobs). */
export const batchResources: ResourceType[] = [cronJobResource, jobResource];
