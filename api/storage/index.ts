import type { ResourceType } from '../types.js';
import { storageClassResource } from './storageclass.js';

export * from './storageclass.js';

/** storage.k8s.io/v1 kinds. */
export const storageResources: ResourceType[] = [storageClassResource];
