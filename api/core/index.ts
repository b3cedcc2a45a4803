import type { ResourceType } from '../types.js';
import { configMapResource } from './configmap.js';
import { endpointsResource } from './endpoints.js';
import { eventResource } from './event.js';
import { limitRangeResource } from './limit-range.js';
import { namespaceResource } from './namespace.js';
import { nodeResource } from './node.js';
import { podResource } from './pod.js';
import { persistentVolumeClaimResource, persistentVolumeResource } from './persistent-volume.js';
import { secretResource } from './secret.js';
import { replicationControllerResource } from './replication-controller.js';
import { resourceQuotaResource } from './resource-quota.js';
import { serviceAccountResource } from './serviceaccount.js';
import { serviceResource } from './service.js';

/** core/v1 kinds, in /api/v1 discovery order (alphabetical by plural). */
export const coreResources: ResourceType[] = [
  configMapResource,
  endpointsResource,
  eventResource,
  limitRangeResource,
  namespaceResource,
  nodeResource,
  persistentVolumeClaimResource,
  persistentVolumeResource,
  podResource,
  replicationControllerResource,
  resourceQuotaResource,
  secretResource,
  serviceAccountResource,
  serviceResource,
];

export * from './binding.js';
export * from './configmap.js';
export * from './container.js';
export * from './endpoints.js';
export * from './event.js';
export * from './limit-range.js';
export * from './eviction.js';
export * from './namespace.js';
export * from './node.js';
export * from './pod.js';
export * from './persistent-volume.js';
export * from './pod-defaults.js';
export * from './pod-printer.js';
export * from './pod-spec.js';
export * from './pod-validation.js';
export * from './qos.js';
export * from './quota-usage.js';
export * from './resource-quota.js';
export * from './secret.js';
export * from './replication-controller.js';
export * from './service.js';
export * from './serviceaccount.js';
