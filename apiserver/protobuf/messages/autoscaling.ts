import type { MessageTable } from '../descriptor.js';

/**
 * autoscaling/v1 (HorizontalPodAutoscaler, Scale) and autoscaling/v2
 * (HorizontalPodAutoscaler) — api/autoscaling/v{1,2}/generated.proto, types.go.
 * v1 and v2 messages of the same proto name differ, so they carry a V1/V2 suffix here.
 */
export const autoscalingMessages: MessageTable = {
  CrossVersionObjectReference: ['1 kind string!', '2 name string!', '3 apiVersion string'],

  HorizontalPodAutoscalerV1: ['1 metadata ObjectMeta', '2 spec HorizontalPodAutoscalerSpecV1', '3 status HorizontalPodAutoscalerStatusV1'],
  HorizontalPodAutoscalerSpecV1: [
    '1 scaleTargetRef CrossVersionObjectReference!',
    '2 minReplicas *int32',
    '3 maxReplicas int32!',
    '4 targetCPUUtilizationPercentage *int32',
  ],
  HorizontalPodAutoscalerStatusV1: [
    '1 observedGeneration *int64',
    '2 lastScaleTime *Time',
    '3 currentReplicas int32!',
    '4 desiredReplicas int32!',
    '5 currentCPUUtilizationPercentage *int32',
  ],

  ScaleV1: ['1 metadata ObjectMeta', '2 spec ScaleSpecV1', '3 status ScaleStatusV1'],
  ScaleSpecV1: ['1 replicas int32'],
  ScaleStatusV1: ['1 replicas int32!', '2 selector string'],

  HorizontalPodAutoscalerV2: ['1 metadata ObjectMeta', '2 spec HorizontalPodAutoscalerSpecV2', '3 status HorizontalPodAutoscalerStatusV2'],
  HorizontalPodAutoscalerSpecV2: [
    '1 scaleTargetRef CrossVersionObjectReference!',
    '2 minReplicas *int32',
    '3 maxReplicas int32!',
    '4 metrics []MetricSpecV2',
    '5 behavior *HorizontalPodAutoscalerBehaviorV2',
  ],
  HorizontalPodAutoscalerBehaviorV2: ['1 scaleUp *HPAScalingRulesV2', '2 scaleDown *HPAScalingRulesV2'],
  HPAScalingRulesV2: [
    '3 stabilizationWindowSeconds *int32',
    '1 selectPolicy *string',
    '2 policies []HPAScalingPolicyV2',
    '4 tolerance *Quantity',
  ],
  HPAScalingPolicyV2: ['1 type string!', '2 value int32!', '3 periodSeconds int32!'],
  MetricSpecV2: [
    '1 type string!',
    '2 object *ObjectMetricSourceV2',
    '3 pods *PodsMetricSourceV2',
    '4 resource *ResourceMetricSourceV2',
    '7 containerResource *ContainerResourceMetricSourceV2',
    '5 external *ExternalMetricSourceV2',
  ],
  MetricTargetV2: ['1 type string!', '2 value *Quantity', '3 averageValue *Quantity', '4 averageUtilization *int32'],
  MetricIdentifierV2: ['1 name string!', '2 selector *LabelSelector'],
  ObjectMetricSourceV2: ['1 describedObject CrossVersionObjectReference!', '2 target MetricTargetV2!', '3 metric MetricIdentifierV2!'],
  PodsMetricSourceV2: ['1 metric MetricIdentifierV2!', '2 target MetricTargetV2!'],
  ResourceMetricSourceV2: ['1 name string!', '2 target MetricTargetV2!'],
  ContainerResourceMetricSourceV2: ['1 name string!', '2 target MetricTargetV2!', '3 container string!'],
  ExternalMetricSourceV2: ['1 metric MetricIdentifierV2!', '2 target MetricTargetV2!'],
  HorizontalPodAutoscalerStatusV2: [
    '1 observedGeneration *int64',
    '2 lastScaleTime *Time',
    '3 currentReplicas int32',
    '4 desiredReplicas int32!',
    '5 currentMetrics []MetricStatusV2!',
    '6 conditions []HorizontalPodAutoscalerConditionV2',
  ],
  HorizontalPodAutoscalerConditionV2: [
    '1 type string!',
    '2 status string!',
    '3 lastTransitionTime Time',
    '4 reason string',
    '5 message string',
  ],
  MetricStatusV2: [
    '1 type string!',
    '2 object *ObjectMetricStatusV2',
    '3 pods *PodsMetricStatusV2',
    '4 resource *ResourceMetricStatusV2',
    '7 containerResource *ContainerResourceMetricStatusV2',
    '5 external *ExternalMetricStatusV2',
  ],
  MetricValueStatusV2: ['1 value *Quantity', '2 averageValue *Quantity', '3 averageUtilization *int32'],
  ObjectMetricStatusV2: ['1 metric MetricIdentifierV2!', '2 current MetricValueStatusV2!', '3 describedObject CrossVersionObjectReference!'],
  PodsMetricStatusV2: ['1 metric MetricIdentifierV2!', '2 current MetricValueStatusV2!'],
  ResourceMetricStatusV2: ['1 name string!', '2 current MetricValueStatusV2!'],
  ContainerResourceMetricStatusV2: ['1 name string!', '2 current MetricValueStatusV2!', '3 container string!'],
  ExternalMetricStatusV2: ['1 metric MetricIdentifierV2!', '2 current MetricValueStatusV2!'],
};
