import type { FieldError, KubeObject } from '../types.js';
import { parseQuantity } from '../quantity.js';
import {
  forbidden,
  invalid,
  invalidEach,
  isDNS1123Label,
  notSupported,
  required,
  validateLabelSelector,
  validatePathSegmentName,
} from '../validation.js';
import type { CrossVersionObjectReference, HPAScalingRules, HorizontalPodAutoscaler, MetricSpec, MetricTarget } from './hpa-schemas.js';

/** autoscaling validation (ValidateHorizontalPodAutoscaler[Update]), messages as Kubernetes words them. */

const maxPeriodSeconds = 1800;
const maxStabilizationWindowSeconds = 3600;
const metricSourceTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];

export function validateCrossVersionObjectReference(ref: CrossVersionObjectReference | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['kind', 'name'] as const) {
    const v = ref?.[key];
    if (!v) errs.push(required(`${field}.${key}`));
    else errs.push(...invalidEach(`${field}.${key}`, v, validatePathSegmentName(v, false)));
  }
  return errs;
}

function quantitySign(q: string | number | undefined): number {
  try {
    return Math.sign(parseQuantity(q ?? 0));
  } catch {
    return 0;
  }
}

function validateMetricTarget(t: MetricTarget | undefined, field: string): FieldError[] {
  const mt = t ?? {};
  const errs: FieldError[] = [];
  if (!mt.type) errs.push(required(`${field}.type`, 'must specify a metric target type'));
  if (mt.type !== 'Utilization' && mt.type !== 'Value' && mt.type !== 'AverageValue') {
    errs.push(invalid(`${field}.type`, mt.type ?? '', 'must be either Utilization, Value, or AverageValue'));
  }
  if (mt.value !== undefined && quantitySign(mt.value) !== 1) errs.push(invalid(`${field}.value`, mt.value, 'must be positive'));
  if (mt.averageValue !== undefined && quantitySign(mt.averageValue) !== 1) {
    errs.push(invalid(`${field}.averageValue`, mt.averageValue, 'must be positive'));
  }
  if (mt.averageUtilization !== undefined && mt.averageUtilization < 1) {
    errs.push(invalid(`${field}.averageUtilization`, mt.averageUtilization, 'must be greater than 0'));
  }
  return errs;
}

function validateMetricIdentifier(id: { name?: string; selector?: unknown } | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!id?.name) errs.push(required(`${field}.name`, 'must specify a metric name'));
  else errs.push(...invalidEach(`${field}.name`, id.name, validatePathSegmentName(id.name, false)));
  errs.push(...validateLabelSelector(id?.selector as never, `${field}.selector`));
  return errs;
}

function validateResourceTarget(
  name: string | undefined,
  target: MetricTarget | undefined,
  field: string,
  container?: { value: string | undefined },
): FieldError[] {
  const errs: FieldError[] = [];
  if (!name) errs.push(required(`${field}.name`, 'must specify a resource name'));
  if (container) {
    if (!container.value) errs.push(required(`${field}.container`, 'must specify a container'));
    else errs.push(...invalidEach(`${field}.container`, container.value, isDNS1123Label(container.value)));
  }
  errs.push(...validateMetricTarget(target, `${field}.target`));
  const t = target ?? {};
  if (t.averageUtilization === undefined && t.averageValue === undefined) {
    errs.push(required(`${field}.target.averageUtilization`, 'must set either a target raw value or a target utilization'));
  }
  if (t.averageUtilization !== undefined && t.averageValue !== undefined) {
    errs.push(forbidden(`${field}.target.averageValue`, 'may not set both a target raw value and a target utilization'));
  }
  return errs;
}

function validateSource(key: string, spec: MetricSpec, field: string): FieldError[] {
  switch (key) {
    case 'object': {
      const src = spec.object!;
      const errs = [
        ...validateCrossVersionObjectReference(src.describedObject, `${field}.describedObject`),
        ...validateMetricIdentifier(src.metric, `${field}.metric`),
        ...validateMetricTarget(src.target, `${field}.target`),
      ];
      if (src.target?.value === undefined && src.target?.averageValue === undefined) {
        errs.push(required(`${field}.target.averageValue`, 'must set either a target value or averageValue'));
      }
      return errs;
    }
    case 'external': {
      const src = spec.external!;
      const errs = [...validateMetricIdentifier(src.metric, `${field}.metric`), ...validateMetricTarget(src.target, `${field}.target`)];
      if (src.target?.value === undefined && src.target?.averageValue === undefined) {
        errs.push(required(`${field}.target.averageValue`, 'must set either a target value for metric or a per-pod target'));
      }
      if (src.target?.value !== undefined && src.target?.averageValue !== undefined) {
        errs.push(forbidden(`${field}.target.value`, 'may not set both a target value for metric and a per-pod target'));
      }
      return errs;
    }
    case 'pods': {
      const src = spec.pods!;
      const errs = [...validateMetricIdentifier(src.metric, `${field}.metric`), ...validateMetricTarget(src.target, `${field}.target`)];
      if (src.target?.averageValue === undefined) {
        errs.push(required(`${field}.target.averageValue`, 'must specify a positive target averageValue'));
      }
      return errs;
    }
    case 'resource':
      return validateResourceTarget(spec.resource!.name, spec.resource!.target, field);
    case 'containerResource': {
      const src = spec.containerResource!;
      return validateResourceTarget(src.name, src.target, field, { value: src.container });
    }
    default:
      return [];
  }
}

const sourceKeys = ['object', 'external', 'pods', 'resource', 'containerResource'] as const;
const typeToKey: Record<string, string> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  External: 'external',
  ContainerResource: 'containerResource',
};

function validateMetricSpec(spec: MetricSpec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.type) errs.push(required(`${field}.type`, 'must specify a metric source type'));
  if (!metricSourceTypes.includes(spec.type ?? '')) errs.push(notSupported(`${field}.type`, spec.type ?? '', metricSourceTypes));
  const present = sourceKeys.filter((k) => spec[k] !== undefined && spec[k] !== null);
  // Kubernetes validates only the first source present; the others are reported below.
  if (present.length > 0) errs.push(...validateSource(present[0]!, spec, `${field}.${present[0]}`));
  const expected = typeToKey[spec.type ?? ''];
  if (expected) {
    if (spec[expected as keyof MetricSpec] === undefined) {
      errs.push(required(`${field}.${expected}`, 'must populate information for the given metric source'));
    }
  } else {
    errs.push(notSupported(`${field}.type`, spec.type ?? '', metricSourceTypes));
  }
  if (present.length !== 1) {
    for (const k of present) if (k !== expected) errs.push(forbidden(`${field}.${k}`, 'must populate the given metric source only'));
  }
  return errs;
}

function validateScalingRules(rules: HPAScalingRules | undefined, field: string): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (w !== undefined && w < 0) errs.push(invalid(`${field}.stabilizationWindowSeconds`, w, 'must be greater than or equal to zero'));
  if (w !== undefined && w > maxStabilizationWindowSeconds) {
    errs.push(invalid(`${field}.stabilizationWindowSeconds`, w, `must be less than or equal to ${maxStabilizationWindowSeconds}`));
  }
  if (rules.selectPolicy !== undefined && !['Disabled', 'Max', 'Min'].includes(rules.selectPolicy)) {
    errs.push(notSupported(`${field}.selectPolicy`, rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  }
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(required(`${field}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = `${field}.policies[${i}]`;
    if (p.type !== 'Pods' && p.type !== 'Percent') errs.push(notSupported(`${pp}.type`, p.type ?? '', ['Percent', 'Pods']));
    if ((p.value ?? 0) <= 0) errs.push(invalid(`${pp}.value`, p.value ?? 0, 'must be greater than zero'));
    if ((p.periodSeconds ?? 0) <= 0) errs.push(invalid(`${pp}.periodSeconds`, p.periodSeconds ?? 0, 'must be greater than zero'));
    if ((p.periodSeconds ?? 0) > maxPeriodSeconds) {
      errs.push(invalid(`${pp}.periodSeconds`, p.periodSeconds, `must be less than or equal to ${maxPeriodSeconds}`));
    }
  });
  return errs;
}

/**
 * minReplicas ≥ 1 (HPAScaleToZero is alpha and off; an update keeps an existing 0 legal),
 * maxReplicas ≥ 1 and ≥ minReplicas, scaleTargetRef, metrics, behavior, status counters.
 */
export function validateHPA(obj: KubeObject, old?: KubeObject): FieldError[] {
  const hpa = obj as HorizontalPodAutoscaler;
  const spec = hpa.spec ?? {};
  const errs: FieldError[] = [];
  const oldMin = (old as HorizontalPodAutoscaler | undefined)?.spec?.minReplicas;
  const lowerBound = oldMin === 0 ? 0 : 1;
  const min = spec.minReplicas;
  const max = spec.maxReplicas ?? 0;
  if (min !== undefined && min < lowerBound) errs.push(invalid('spec.minReplicas', min, `must be greater than or equal to ${lowerBound}`));
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionObjectReference(spec.scaleTargetRef, 'spec.scaleTargetRef'));
  const metrics = spec.metrics ?? [];
  metrics.forEach((m, i) => errs.push(...validateMetricSpec(m, `spec.metrics[${i}]`)));
  if (min === 0 && !metrics.some((m) => m.type === 'Object' || m.type === 'External')) {
    errs.push(forbidden('spec.metrics', 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
  if (spec.behavior) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp'));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  for (const k of ['currentReplicas', 'desiredReplicas'] as const) {
    const v = hpa.status?.[k];
    if (v !== undefined && v < 0) errs.push(invalid(`status.${k}`, v, 'must be greater than or equal to 0'));
  }
  return errs;
}
