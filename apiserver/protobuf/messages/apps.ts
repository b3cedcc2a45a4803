import type { MessageTable } from '../descriptor.js';

/** apps/v1 Deployment and ReplicaSet (api/apps/v1/generated.proto, types.go). */
export const appsMessages: MessageTable = {
  Deployment: ['1 metadata ObjectMeta', '2 spec DeploymentSpec', '3 status DeploymentStatus'],
  DeploymentSpec: [
    '1 replicas *int32',
    '2 selector *LabelSelector!',
    '3 template PodTemplateSpec!',
    '4 strategy DeploymentStrategy',
    '5 minReadySeconds int32',
    '6 revisionHistoryLimit *int32',
    '7 paused bool',
    '9 progressDeadlineSeconds *int32',
    '10 podReplacementPolicy *string',
  ],
  DeploymentStrategy: ['1 type string', '2 rollingUpdate *RollingUpdateDeployment'],
  RollingUpdateDeployment: ['1 maxUnavailable *IntOrString', '2 maxSurge *IntOrString'],
  DeploymentStatus: [
    '1 observedGeneration int64',
    '2 replicas int32',
    '3 updatedReplicas int32',
    '7 readyReplicas int32',
    '4 availableReplicas int32',
    '5 unavailableReplicas int32',
    '9 terminatingReplicas *int32',
    '6 conditions []DeploymentCondition',
    '8 collisionCount *int32',
  ],
  DeploymentCondition: [
    '1 type string!',
    '2 status string!',
    '6 lastUpdateTime Time',
    '7 lastTransitionTime Time',
    '4 reason string',
    '5 message string',
  ],

  ReplicaSet: ['1 metadata ObjectMeta', '2 spec ReplicaSetSpec', '3 status ReplicaSetStatus'],
  ReplicaSetSpec: ['1 replicas *int32', '4 minReadySeconds int32', '2 selector *LabelSelector!', '3 template PodTemplateSpec'],
  ReplicaSetStatus: [
    '1 replicas int32!',
    '2 fullyLabeledReplicas int32',
    '4 readyReplicas int32',
    '5 availableReplicas int32',
    '7 terminatingReplicas *int32',
    '3 observedGeneration int64',
    '6 conditions []ReplicaSetCondition',
  ],
  ReplicaSetCondition: ['1 type string!', '2 status string!', '3 lastTransitionTime Time', '4 reason string', '5 message string'],
};
