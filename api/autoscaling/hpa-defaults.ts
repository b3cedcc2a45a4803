import type { KubeObject } from '../types.js';
import type { HPAScalingRules, HorizontalPodAutoscaler, MetricSpec } from './hpa-schemas.js';

/**
 * autoscaling/v2 SetDefaults_HorizontalPodAutoscaler (Kubernetes 1.32):
 * minReplicas 1; no metrics → cpu at 80% average utilization; a behavior that is set gets
 * every unset rule field filled. scaleDown.stabilizationWindowSeconds stays unset on
 * purpose, as in Kubernetes: the controller then applies its own flag
 * (--horizontal-pod-autoscaler-downscale-stabilization, 300s by default).
 */

export const defaultCPUUtilization = 80;

export function defaultMetrics(): MetricSpec[] {
  return [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } }];
}

/** Kubernetes' default scale-up rules: no stabilization, max of 4 pods or 100% per 15s. */
export function defaultScaleUpRules(): HPAScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** Kubernetes' default scale-down rules: 100% per 15s; stabilization left to the controller. */
export function defaultScaleDownRules(): HPAScalingRules {
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** copyHPAScalingRules: the set fields of `from` over the defaults. */
export function fillScalingRules(from: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  if (!from) return defaults;
  const out: HPAScalingRules = { ...defaults };
  if (from.selectPolicy !== undefined) out.selectPolicy = from.selectPolicy;
  if (from.stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = from.stabilizationWindowSeconds;
  if (from.policies !== undefined) out.policies = from.policies;
  // Key order as Kubernetes serializes HPAScalingRules.
  const ordered: HPAScalingRules = {};
  if (out.stabilizationWindowSeconds !== undefined) ordered.stabilizationWindowSeconds = out.stabilizationWindowSeconds;
  if (out.selectPolicy !== undefined) ordered.selectPolicy = out.selectPolicy;
  if (out.policies !== undefined) ordered.policies = out.policies;
  return ordered;
}

export function defaultHPA(obj: KubeObject): void {
  const hpa = obj as HorizontalPodAutoscaler;
  const spec = (hpa.spec ??= {});
  spec.minReplicas ??= 1;
  if (!spec.metrics || spec.metrics.length === 0) spec.metrics = defaultMetrics();
  if (spec.behavior) {
    spec.behavior.scaleUp = fillScalingRules(spec.behavior.scaleUp, defaultScaleUpRules());
    spec.behavior.scaleDown = fillScalingRules(spec.behavior.scaleDown, defaultScaleDownRules());
  }
}
