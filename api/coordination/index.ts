import type { ResourceType } from '../types.js';
import { leaseResource } from './lease.js';

export { leaseSchema, leaseSpecSchema, leaseResource, validateLease, formatMicroTime, type Lease, type LeaseSpec } from './lease.js';

/** coordination.k8s.io kinds. */
export const coordinationResources: ResourceType[] = [leaseResource];
