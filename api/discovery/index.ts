import type { ResourceType } from '../types.js';
import { endpointSliceResource } from './endpointslice.js';

export {
  endpointSliceSchema,
  endpointSchema,
  endpointPortSchema,
  endpointSliceResource,
  defaultEndpointSlice,
  validateEndpointSlice,
  formatEndpointSlicePorts,
  formatEndpointSliceEndpoints,
  type EndpointSlice,
  type Endpoint,
  type EndpointPort,
} from './endpointslice.js';

/** discovery.k8s.io kinds. */
export const discoveryResources: ResourceType[] = [endpointSliceResource];
