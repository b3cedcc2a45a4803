import type { ResourceType } from '../types.js';
import { apiServiceResource } from './apiservice.js';

export { apiServiceSchema, apiServiceResource, availableCondition, validateAPIService, type APIService, type APIServiceSpec } from './apiservice.js';

/** apiregistration.k8s.io kinds. */
export const apiregistrationResources: ResourceType[] = [apiServiceResource];
