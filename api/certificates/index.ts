import type { ResourceType } from '../types.js';
import { csrResource } from './csr.js';

export { csrResource, csrSchema, csrCondition, validateCsr, type CertificateSigningRequest } from './csr.js';

/** certificates.k8s.io kinds. */
export const certificatesResources: ResourceType[] = [csrResource];
