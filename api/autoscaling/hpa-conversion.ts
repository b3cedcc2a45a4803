import type { KubeObject, VersionConversion } from '../types.js';
import { defaultCPUUtilization, defaultScaleDownRules, defaultScaleUpRules } from './hpa-defaults.js';
import { quantityString } from './hpa-printer.js';
import {
  hpaV1Schema,
  type HPABehavior,
  type HPACondition,
  type HPAScalingRules,
  type HorizontalPodAutoscaler,
  type HorizontalPodAutoscalerV1,
  type MetricSpec,
  type MetricStatus,
} from './hpa-schemas.js';

/**
 * autoscaling/v1 ↔ autoscaling/v2 for HorizontalPodAutoscaler, as Kubernetes converts it
 * (pkg/apis/autoscaling/v1/conversion.go), so nothing is lost through a v1 round trip:
 *
 *  - spec.targetCPUUtilizationPercentage ↔ the first `Resource cpu` metric with an
 *    averageUtilization target; status.currentCPUUtilizationPercentage ↔ the cpu
 *    resource status's current.averageUtilization.
 *  - every other metric goes, in v1's (v2beta1-style) shape, into the annotation
 *    `autoscaling.alpha.kubernetes.io/metrics`; all status.currentMetrics into
 *    `…/current-metrics`; status.conditions into `…/conditions`; spec.behavior into
 *    `…/behavior` (Go field names, as Kubernetes marshals its internal type there).
 *  - v1 → v2 reads those annotations back (the cpu metric goes last, as in Kubernetes),
 *    removes them, and falls back to the cpu 80% default when no metric is left.
 *
 * Like Kubernetes, v1's non-pointer quantities (e.g. pods.targetAverageValue) print "0"
 * when v2 leaves them unset.
 */

export const metricsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
export const currentMetricsAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
export const behaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';
const roundTripAnnotations = [metricsAnnotation, currentMetricsAnnotation, conditionsAnnotation, behaviorAnnotation];

type Json = Record<string, unknown>;
type Selector = MetricSpec extends { pods?: { metric?: { selector?: infer S } } } ? S : never;

/** Drops undefined values (Go's omitempty on pointers) so JSON and equality stay clean. */
function compact<T extends Json>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function q(v: string | number | undefined): string | undefined {
  return v === undefined ? undefined : quantityString(v);
}

function ref(r: { kind?: string; name?: string; apiVersion?: string } | undefined): Json {
  return compact({ kind: r?.kind ?? '', name: r?.name ?? '', apiVersion: r?.apiVersion || undefined });
}

function identifier(name: string | undefined, selector: Selector | undefined): Json {
  return compact({ name: name ?? '', selector });
}

// ---------- v2 → v1 ----------

function metricSpecToV1(m: MetricSpec): Json {
  switch (m.type) {
    case 'Object': {
      const s = m.object ?? {};
      return {
        type: m.type,
        object: compact({
          target: ref(s.describedObject),
          metricName: s.metric?.name ?? '',
          targetValue: q(s.target?.value) ?? '0',
          selector: s.metric?.selector,
          averageValue: q(s.target?.averageValue),
        }),
      };
    }
    case 'Pods': {
      const s = m.pods ?? {};
      return {
        type: m.type,
        pods: compact({ metricName: s.metric?.name ?? '', targetAverageValue: q(s.target?.averageValue) ?? '0', selector: s.metric?.selector }),
      };
    }
    case 'Resource': {
      const s = m.resource ?? {};
      return {
        type: m.type,
        resource: compact({ name: s.name ?? '', targetAverageUtilization: s.target?.averageUtilization, targetAverageValue: q(s.target?.averageValue) }),
      };
    }
    case 'ContainerResource': {
      const s = m.containerResource ?? {};
      return {
        type: m.type,
        containerResource: compact({
          name: s.name ?? '',
          targetAverageUtilization: s.target?.averageUtilization,
          targetAverageValue: q(s.target?.averageValue),
          container: s.container ?? '',
        }),
      };
    }
    case 'External': {
      const s = m.external ?? {};
      return {
        type: m.type,
        external: compact({
          metricName: s.metric?.name ?? '',
          metricSelector: s.metric?.selector,
          targetValue: q(s.target?.value),
          targetAverageValue: q(s.target?.averageValue),
        }),
      };
    }
    default:
      return { type: m.type ?? '' };
  }
}

function metricStatusToV1(m: MetricStatus): Json {
  switch (m.type) {
    case 'Object': {
      const s = m.object ?? {};
      return {
        type: m.type,
        object: compact({
          target: ref(s.describedObject),
          metricName: s.metric?.name ?? '',
          currentValue: q(s.current?.value) ?? '0',
          selector: s.metric?.selector,
          averageValue: q(s.current?.averageValue),
        }),
      };
    }
    case 'Pods': {
      const s = m.pods ?? {};
      return {
        type: m.type,
        pods: compact({ metricName: s.metric?.name ?? '', currentAverageValue: q(s.current?.averageValue) ?? '0', selector: s.metric?.selector }),
      };
    }
    case 'Resource':
    case 'ContainerResource': {
      const s = (m.type === 'Resource' ? m.resource : m.containerResource) ?? {};
      const body = compact({
        name: s.name ?? '',
        currentAverageUtilization: s.current?.averageUtilization,
        currentAverageValue: q(s.current?.averageValue) ?? '0',
        container: m.type === 'ContainerResource' ? ((s as { container?: string }).container ?? '') : undefined,
      });
      return m.type === 'Resource' ? { type: m.type, resource: body } : { type: m.type, containerResource: body };
    }
    case 'External': {
      const s = m.external ?? {};
      return {
        type: m.type,
        external: compact({
          metricName: s.metric?.name ?? '',
          metricSelector: s.metric?.selector,
          currentValue: q(s.current?.value) ?? '0',
          currentAverageValue: q(s.current?.averageValue),
        }),
      };
    }
    default:
      return { type: m.type ?? '' };
  }
}

function rulesToInternal(r: HPAScalingRules | undefined): Json | null {
  if (!r) return null;
  return {
    StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
    SelectPolicy: r.selectPolicy ?? null,
    Policies: r.policies ? r.policies.map((p) => ({ Type: p.type ?? '', Value: p.value ?? 0, PeriodSeconds: p.periodSeconds ?? 0 })) : null,
  };
}

function isCPUUtilizationMetric(m: MetricSpec): boolean {
  return m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.averageUtilization !== undefined;
}

function withoutRoundTripAnnotations(annotations: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { ...(annotations ?? {}) };
  for (const k of roundTripAnnotations) delete out[k];
  return out;
}

/** Stored (v2) → autoscaling/v1. Does not mutate its input. */
export function hpaToV1(obj: KubeObject): KubeObject {
  const hpa = structuredClone(obj) as HorizontalPodAutoscaler;
  const spec = hpa.spec ?? {};
  const status = hpa.status ?? {};
  const metrics = spec.metrics ?? [];
  const annotations = withoutRoundTripAnnotations(hpa.metadata.annotations);

  const others = metrics.filter((m) => !isCPUUtilizationMetric(m)).map(metricSpecToV1);
  if (others.length > 0) annotations[metricsAnnotation] = JSON.stringify(others);
  const currentMetrics = status.currentMetrics ?? [];
  if (currentMetrics.length > 0) annotations[currentMetricsAnnotation] = JSON.stringify(currentMetrics.map(metricStatusToV1));
  if (spec.behavior) {
    annotations[behaviorAnnotation] = JSON.stringify({ ScaleUp: rulesToInternal(spec.behavior.scaleUp), ScaleDown: rulesToInternal(spec.behavior.scaleDown) });
  }
  const conditions = status.conditions ?? [];
  if (conditions.length > 0) annotations[conditionsAnnotation] = JSON.stringify(conditions.map((c) => compact({ ...c })));

  const cpu = metrics.find(isCPUUtilizationMetric);
  let currentCPU: number | undefined;
  for (const m of currentMetrics) {
    if (m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.current?.averageUtilization !== undefined) {
      currentCPU = m.resource.current.averageUtilization;
    }
  }

  const metadata = { ...hpa.metadata };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;

  const out: HorizontalPodAutoscalerV1 = {
    ...(hpa.apiVersion !== undefined ? { apiVersion: 'autoscaling/v1' } : {}),
    ...(hpa.kind !== undefined ? { kind: hpa.kind } : {}),
    metadata,
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas ?? 0,
      targetCPUUtilizationPercentage: cpu?.resource?.target?.averageUtilization,
    }),
    status: compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: currentCPU,
    }),
  };
  return out as KubeObject;
}

// ---------- v1 → v2 ----------

function parseJSON(s: string | undefined): unknown {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function target(type: string, fields: { value?: string; averageValue?: string; averageUtilization?: number }): Json {
  return compact({ type, value: fields.value, averageValue: fields.averageValue, averageUtilization: fields.averageUtilization });
}

function metricSpecFromV1(m: Json): MetricSpec {
  const type = str(m['type']) ?? '';
  switch (type) {
    case 'Object': {
      const s = obj(m['object']);
      const avg = str(s['averageValue']);
      return {
        type,
        object: {
          describedObject: ref(obj(s['target'])),
          target: target(avg === undefined ? 'Value' : 'AverageValue', { value: str(s['targetValue']) ?? '0', averageValue: avg }),
          metric: identifier(str(s['metricName']), s['selector'] as Selector),
        },
      } as MetricSpec;
    }
    case 'Pods': {
      const s = obj(m['pods']);
      return {
        type,
        pods: {
          metric: identifier(str(s['metricName']), s['selector'] as Selector),
          target: target('AverageValue', { averageValue: str(s['targetAverageValue']) ?? '0' }),
        },
      } as MetricSpec;
    }
    case 'Resource':
    case 'ContainerResource': {
      const s = obj(m[type === 'Resource' ? 'resource' : 'containerResource']);
      const util = num(s['targetAverageUtilization']);
      const body = compact({
        name: str(s['name']) ?? '',
        target: target(util === undefined ? 'AverageValue' : 'Utilization', { averageValue: str(s['targetAverageValue']), averageUtilization: util }),
        container: type === 'ContainerResource' ? (str(s['container']) ?? '') : undefined,
      });
      return (type === 'Resource' ? { type, resource: body } : { type, containerResource: body }) as MetricSpec;
    }
    case 'External': {
      const s = obj(m['external']);
      const value = str(s['targetValue']);
      return {
        type,
        external: {
          metric: identifier(str(s['metricName']), s['metricSelector'] as Selector),
          target: target(value === undefined ? 'AverageValue' : 'Value', { value, averageValue: str(s['targetAverageValue']) }),
        },
      } as MetricSpec;
    }
    default:
      return { type };
  }
}

function current(fields: { value?: string; averageValue?: string; averageUtilization?: number }): Json {
  return compact({ value: fields.value, averageValue: fields.averageValue, averageUtilization: fields.averageUtilization });
}

function metricStatusFromV1(m: Json): MetricStatus {
  const type = str(m['type']) ?? '';
  switch (type) {
    case 'Object': {
      const s = obj(m['object']);
      return {
        type,
        object: {
          metric: identifier(str(s['metricName']), s['selector'] as Selector),
          current: current({ value: str(s['currentValue']) ?? '0', averageValue: str(s['averageValue']) }),
          describedObject: ref(obj(s['target'])),
        },
      } as MetricStatus;
    }
    case 'Pods': {
      const s = obj(m['pods']);
      return {
        type,
        pods: {
          metric: identifier(str(s['metricName']), s['selector'] as Selector),
          current: current({ averageValue: str(s['currentAverageValue']) ?? '0' }),
        },
      } as MetricStatus;
    }
    case 'Resource':
    case 'ContainerResource': {
      const s = obj(m[type === 'Resource' ? 'resource' : 'containerResource']);
      const body = compact({
        name: str(s['name']) ?? '',
        current: current({ averageValue: str(s['currentAverageValue']) ?? '0', averageUtilization: num(s['currentAverageUtilization']) }),
        container: type === 'ContainerResource' ? (str(s['container']) ?? '') : undefined,
      });
      return (type === 'Resource' ? { type, resource: body } : { type, containerResource: body }) as MetricStatus;
    }
    case 'External': {
      const s = obj(m['external']);
      return {
        type,
        external: {
          metric: identifier(str(s['metricName']), s['metricSelector'] as Selector),
          current: current({ value: str(s['currentValue']) ?? '0', averageValue: str(s['currentAverageValue']) }),
        },
      } as MetricStatus;
    }
    default:
      return { type };
  }
}

/** Go's json.Unmarshal matches field names case-insensitively. */
function field(o: Json, name: string): unknown {
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
}

function rulesFromInternal(v: unknown): HPAScalingRules | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Json;
  const policies = field(o, 'Policies');
  return compact({
    stabilizationWindowSeconds: num(field(o, 'StabilizationWindowSeconds')),
    selectPolicy: str(field(o, 'SelectPolicy')),
    policies: Array.isArray(policies)
      ? policies.map((p) => {
          const po = obj(p);
          return { type: str(field(po, 'Type')) ?? '', value: num(field(po, 'Value')) ?? 0, periodSeconds: num(field(po, 'PeriodSeconds')) ?? 0 };
        })
      : undefined,
  }) as HPAScalingRules;
}

/** autoscaling/v1 → stored (v2). Does not mutate its input. */
export function hpaFromV1(input: KubeObject): KubeObject {
  const v1 = structuredClone(input) as HorizontalPodAutoscalerV1;
  const spec = v1.spec ?? {};
  const annotations = v1.metadata.annotations ?? {};

  let metrics: MetricSpec[] = [];
  const otherMetrics = parseJSON(annotations[metricsAnnotation]);
  if (Array.isArray(otherMetrics)) metrics = otherMetrics.map((m) => metricSpecFromV1(obj(m)));
  if (spec.targetCPUUtilizationPercentage !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  if (metrics.length === 0) {
    metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } }];
  }

  let behavior: HPABehavior | undefined;
  const b = parseJSON(annotations[behaviorAnnotation]);
  if (b !== null && typeof b === 'object' && !Array.isArray(b)) {
    const scaleUp = rulesFromInternal(field(b as Json, 'ScaleUp'));
    const scaleDown = rulesFromInternal(field(b as Json, 'ScaleDown'));
    if (scaleUp || scaleDown) behavior = { scaleUp: scaleUp ?? defaultScaleUpRules(), scaleDown: scaleDown ?? defaultScaleDownRules() };
  }

  const st = v1.status;
  let currentMetrics: MetricStatus[] | undefined;
  const cm = parseJSON(annotations[currentMetricsAnnotation]);
  if (Array.isArray(cm)) currentMetrics = cm.map((m) => metricStatusFromV1(obj(m)));
  else if (st?.currentCPUUtilizationPercentage !== undefined) {
    currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: st.currentCPUUtilizationPercentage } } }];
  }
  let conditions: HPACondition[] | undefined;
  const cc = parseJSON(annotations[conditionsAnnotation]);
  if (Array.isArray(cc)) {
    conditions = cc.map((c) => {
      const co = obj(c);
      return compact({
        type: str(co['type']) ?? '',
        status: str(co['status']) ?? '',
        lastTransitionTime: str(co['lastTransitionTime']),
        reason: str(co['reason']),
        message: str(co['message']),
      }) as HPACondition;
    });
  }

  const metadata = { ...v1.metadata };
  const kept = withoutRoundTripAnnotations(v1.metadata.annotations);
  if (Object.keys(kept).length > 0) metadata.annotations = kept;
  else delete metadata.annotations;

  const out: HorizontalPodAutoscaler = {
    ...(v1.apiVersion !== undefined ? { apiVersion: 'autoscaling/v2' } : {}),
    ...(v1.kind !== undefined ? { kind: v1.kind } : {}),
    metadata,
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics,
      behavior,
    }),
  };
  if (st !== undefined || currentMetrics !== undefined || conditions !== undefined) {
    out.status = compact({
      observedGeneration: st?.observedGeneration,
      lastScaleTime: st?.lastScaleTime,
      currentReplicas: st?.currentReplicas,
      desiredReplicas: st?.desiredReplicas ?? 0,
      currentMetrics,
      conditions,
    });
  }
  return out as KubeObject;
}

export const hpaV1Conversion: VersionConversion = {
  version: 'v1',
  schema: hpaV1Schema,
  fromStorage: hpaToV1,
  toStorage: hpaFromV1,
};
