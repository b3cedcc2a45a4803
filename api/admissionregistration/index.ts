import type { ResourceType } from '../types.js';
import { mutatingWebhookConfigurationResource, validatingWebhookConfigurationResource } from './webhooks.js';
import { validatingAdmissionPolicyBindingResource, validatingAdmissionPolicyResource } from './policies.js';

export * from './webhooks.js';
export * from './policies.js';
export { type MatchCondition, type RuleWithOperations, type NamedRuleWithOperations } from './common.js';

/** admissionregistration.k8s.io kinds. */
export const admissionregistrationResources: ResourceType[] = [
  mutatingWebhookConfigurationResource,
  validatingWebhookConfigurationResource,
  validatingAdmissionPolicyResource,
  validatingAdmissionPolicyBindingResource,
];
