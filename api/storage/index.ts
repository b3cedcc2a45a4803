import type { ResourceType } from '../types.js';
import { storageClassResource } from './storageclass.js';
import { csiDriverResource, csiNodeResource, volumeAttachmentResource } from './csi.js';

export * from './storageclass.js';
export * from './csi.js';

/** storage.k8s.io/v1 kinds. */
export const storageResources: ResourceType[] = [storageClassResource, csiDriverResource, csiNodeResource, volumeAttachmentResource];
