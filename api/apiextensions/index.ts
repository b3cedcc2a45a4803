import type { ResourceType } from '../types.js';
import { crdResource } from './crd.js';

export { crdResource, crdSchema, validateCRD, CLEANUP_FINALIZER, type CRD, type CRDVersion, type CRDNames } from './crd.js';
export type { JSONSchemaProps, ValidationRule } from './schema-types.js';

/** apiextensions.k8s.io kinds. */
export const apiextensionsResources: ResourceType[] = [crdResource];
