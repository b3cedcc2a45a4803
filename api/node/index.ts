import type { ResourceType } from '../types.js';
import { runtimeClassResource } from './runtimeclass.js';

export { runtimeClassResource, runtimeClassSchema, type RuntimeClass } from './runtimeclass.js';

/** node.k8s.io kinds. */
export const nodeResources: ResourceType[] = [runtimeClassResource];
