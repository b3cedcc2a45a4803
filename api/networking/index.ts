import type { ResourceType } from '../types.js';
import { networkPolicyResource } from './network-policy.js';
import { ingressClassResource, ingressResource } from './ingress.js';

export {
  networkPolicySchema,
  networkPolicyResource,
  defaultNetworkPolicy,
  validateNetworkPolicy,
  type NetworkPolicy,
  type NetworkPolicySpec,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
} from './network-policy.js';

/** networking.k8s.io kinds. */
export const networkingResources: ResourceType[] = [ingressClassResource, ingressResource, networkPolicyResource];
export { ingressResource, ingressClassResource, ingressSchema, ingressClassSchema, type Ingress, type IngressClass } from './ingress.js';
