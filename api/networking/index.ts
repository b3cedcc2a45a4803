import type { ResourceType } from '../types.js';
import { networkPolicyResource } from './network-policy.js';

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
export const networkingResources: ResourceType[] = [networkPolicyResource];
