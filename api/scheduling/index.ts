import type { ResourceType } from '../types.js';
import { priorityClassResource } from './priorityclass.js';

export { priorityClassResource, priorityClassSchema, SYSTEM_PRIORITY_CLASSES, type PriorityClass } from './priorityclass.js';

/** scheduling.k8s.io kinds. */
export const schedulingResources: ResourceType[] = [priorityClassResource];
