import { compileMessages, type MessageRegistry } from './descriptor.js';
import { metaMessages } from './messages/meta.js';
import { coreContainerMessages } from './messages/core-container.js';
import { corePodMessages } from './messages/core-pod.js';
import { coreMessages } from './messages/core.js';
import { appsMessages } from './messages/apps.js';
import { autoscalingMessages } from './messages/autoscaling.js';
import { batchMessages } from './messages/batch.js';
import { otherGroupMessages } from './messages/other-groups.js';
import { authzMessages } from './messages/authz.js';
import { corePolicyMessages } from './messages/core-policy.js';
import { coreStorageMessages } from './messages/core-storage.js';
import { appsStatefulMessages } from './messages/apps-stateful.js';
import { storageMessages } from './messages/storage.js';

/** Every message descriptor, compiled (and cross-checked) once at load. */
export const messageRegistry: MessageRegistry = compileMessages(
  metaMessages,
  coreContainerMessages,
  corePodMessages,
  coreMessages,
  appsMessages,
  autoscalingMessages,
  batchMessages,
  otherGroupMessages,
  authzMessages,
  corePolicyMessages,
  coreStorageMessages,
  appsStatefulMessages,
  storageMessages,
);

/**
 * apiVersion + kind → root message, for every kind api/registry.ts serves plus the
 * bodies of subresources (Binding, Eviction, Scale). DeleteOptions is accepted under any
 * apiVersion, as Kubernetes registers it in every group version.
 */
const ROOTS: Readonly<Record<string, string>> = {
  'v1 Namespace': 'Namespace',
  'v1 Pod': 'Pod',
  'v1 Node': 'Node',
  'v1 Service': 'Service',
  'v1 Endpoints': 'Endpoints',
  'v1 Event': 'Event',
  'v1 ConfigMap': 'ConfigMap',
  'v1 Secret': 'Secret',
  'v1 ServiceAccount': 'ServiceAccount',
  'v1 LimitRange': 'LimitRange',
  'v1 ResourceQuota': 'ResourceQuota',
  'v1 Binding': 'Binding',
  'apps/v1 Deployment': 'Deployment',
  'apps/v1 ReplicaSet': 'ReplicaSet',
  'autoscaling/v1 HorizontalPodAutoscaler': 'HorizontalPodAutoscalerV1',
  'autoscaling/v1 Scale': 'ScaleV1',
  'autoscaling/v2 HorizontalPodAutoscaler': 'HorizontalPodAutoscalerV2',
  'batch/v1 Job': 'Job',
  'batch/v1 CronJob': 'CronJob',
  'coordination.k8s.io/v1 Lease': 'Lease',
  'events.k8s.io/v1 Event': 'EventsV1Event',
  'discovery.k8s.io/v1 EndpointSlice': 'EndpointSlice',
  'policy/v1 PodDisruptionBudget': 'PodDisruptionBudget',
  'policy/v1 Eviction': 'Eviction',
  'rbac.authorization.k8s.io/v1 Role': 'Role',
  'rbac.authorization.k8s.io/v1 ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1 RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': 'ClusterRoleBinding',
  'networking.k8s.io/v1 NetworkPolicy': 'NetworkPolicy',
  'networking.k8s.io/v1 Ingress': 'Ingress',
  'networking.k8s.io/v1 IngressClass': 'IngressClass',
  'apiregistration.k8s.io/v1 APIService': 'APIService',
  'authorization.k8s.io/v1 SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1 SelfSubjectRulesReview': 'SelfSubjectRulesReview',
  'authorization.k8s.io/v1 SubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1 LocalSubjectAccessReview': 'LocalSubjectAccessReview',
  'authentication.k8s.io/v1 SelfSubjectReview': 'SelfSubjectReview',
  'authentication.k8s.io/v1beta1 SelfSubjectReview': 'SelfSubjectReview',
  'authentication.k8s.io/v1 TokenRequest': 'TokenRequest',
  'authentication.k8s.io/v1 TokenReview': 'TokenReview',
  'certificates.k8s.io/v1 CertificateSigningRequest': 'CertificateSigningRequest',
  'scheduling.k8s.io/v1 PriorityClass': 'PriorityClass',
  'node.k8s.io/v1 RuntimeClass': 'RuntimeClass',
  'v1 PersistentVolume': 'PersistentVolume',
  'v1 PersistentVolumeClaim': 'PersistentVolumeClaim',
  'v1 ReplicationController': 'ReplicationController',
  'apps/v1 DaemonSet': 'DaemonSet',
  'apps/v1 StatefulSet': 'StatefulSet',
  'apps/v1 ControllerRevision': 'ControllerRevision',
  'storage.k8s.io/v1 StorageClass': 'StorageClass',
  'storage.k8s.io/v1 CSIDriver': 'CSIDriver',
  'storage.k8s.io/v1 CSINode': 'CSINode',
  'storage.k8s.io/v1 VolumeAttachment': 'VolumeAttachment',
};

/** The root message for a kind, or undefined when we cannot decode it. */
export function rootMessageFor(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return 'DeleteOptions';
  return ROOTS[`${apiVersion} ${kind}`];
}

/** The `apiVersion kind` pairs with a descriptor (for tests and docs). */
export const protobufKinds: readonly string[] = [...Object.keys(ROOTS), '* DeleteOptions'];
