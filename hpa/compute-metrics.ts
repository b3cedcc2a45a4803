import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget } from '../api/autoscaling/hpa-schemas.js';
import type { Pod } from '../api/core/pod.js';
import { formatQuantity, toMilli } from '../api/quantity.js';
import { labelSelectorToString, type LabelSelectorObject } from '../api/selector.js';
import type { MetricsClient } from './metrics-client.js';
import {
  perPodReplicas,
  plainMetricReplicas,
  resourceReplicas,
  usageRatioReplicas,
  type CalculatorConfig,
} from './replica-calculator.js';

/**
 * computeReplicasForMetric(s) of kube's HPA controller: one proposal per metric spec
 * (fetching its samples through the metrics client, then the pure calculator), the
 * MetricStatus each writes, and the highest proposal wins. A failed metric yields the
 * ScalingActive=False condition and the warning event kube records
 * (FailedGetResourceMetric, FailedGetPodsMetric, …); when every metric failed, or some
 * failed and the others would scale down, there is no proposal at all: the HPA must not
 * shrink on partial data.
 */

export interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface HpaEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface MetricInputs {
  hpa: HorizontalPodAutoscaler;
  specReplicas: number;
  statusReplicas: number;
  /** The target's selector, query-string form (Scale status.selector). */
  selector: string;
  /** The pods that selector matches in the HPA's namespace. */
  pods: readonly Pod[];
  metrics: MetricsClient;
  config: CalculatorConfig;
  now: number;
}

type MetricOutcome =
  | { ok: true; replicas: number; metricName: string; status: MetricStatus; timestampMs: number }
  | { ok: false; error: string; condition: Condition; events: HpaEvent[] };

/** MilliValue → Quantity text (NewMilliQuantity(v, DecimalSI).String()). */
export const milliQuantity = (milli: number): string => formatQuantity(milli / 1000, 'DecimalSI');

const targetMilli = (q: string | number | undefined): number | undefined => {
  if (q === undefined) return undefined;
  try {
    return toMilli(q);
  } catch {
    return undefined;
  }
};

/** getUnableComputeReplicaCountCondition: the event and the ScalingActive=False condition. */
function unable(reason: string, error: string, wrapped: string): MetricOutcome {
  return {
    ok: false,
    error: wrapped,
    condition: { type: 'ScalingActive', status: 'False', reason, message: `the HPA was unable to compute the replica count: ${error}` },
    events: [{ type: 'Warning', reason, message: error }],
  };
}

const selectorText = (sel: unknown): string => labelSelectorToString(sel as LabelSelectorObject | undefined);

/** Go's %+v of a *metav1.LabelSelector, as kube prints it in the external metric's name. */
function goSelector(sel: LabelSelectorObject | undefined): string {
  if (!sel) return '<nil>';
  const labels = Object.entries(sel.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
  const exprs = (sel.matchExpressions ?? []).map((e) => `{Key:${e.key} Operator:${e.operator} Values:[${(e.values ?? []).join(' ')}]}`).join(' ');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

async function resourceMetric(
  input: MetricInputs,
  name: string,
  target: MetricTarget,
  container: string,
  sourceType: 'Resource' | 'ContainerResource',
): Promise<{ ok: true; replicas: number; metricName: string; current: NonNullable<MetricStatus['resource']>['current']; timestampMs: number } | { ok: false; error: string }> {
  const ns = input.hpa.metadata.namespace ?? '';
  const fetched = await input.metrics.getResourceMetric(name, ns, input.selector, container);
  const averageValue = targetMilli(target.averageValue);
  if (averageValue !== undefined) {
    if (!fetched.ok) return { ok: false, error: `failed to get ${name} usage: unable to get metrics for resource ${name}: ${fetched.error}` };
    const r = plainMetricReplicas({
      currentReplicas: input.specReplicas,
      targetUsage: averageValue,
      resource: name,
      pods: input.pods,
      metrics: fetched.metrics,
      config: input.config,
      now: input.now,
    });
    if (!r.ok) return { ok: false, error: `failed to get ${name} usage: ${r.error}` };
    return { ok: true, replicas: r.replicas, metricName: `${name} resource`, current: { averageValue: milliQuantity(r.usage) }, timestampMs: fetched.timestampMs };
  }
  if (target.averageUtilization === undefined) {
    return { ok: false, error: 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set' };
  }
  if (!fetched.ok) return { ok: false, error: `failed to get ${name} utilization: unable to get metrics for resource ${name}: ${fetched.error}` };
  const r = resourceReplicas({
    currentReplicas: input.specReplicas,
    targetUtilization: target.averageUtilization,
    resource: name,
    container,
    pods: input.pods,
    metrics: fetched.metrics,
    config: input.config,
    now: input.now,
  });
  if (!r.ok) return { ok: false, error: `failed to get ${name} utilization: ${r.error}` };
  const metricName =
    sourceType === 'ContainerResource' ? `${name} container resource utilization (percentage of request)` : `${name} resource utilization (percentage of request)`;
  return {
    ok: true,
    replicas: r.replicas,
    metricName,
    current: { averageValue: milliQuantity(r.rawAverage), averageUtilization: r.utilization },
    timestampMs: fetched.timestampMs,
  };
}

/** computeReplicasForMetric: one metric spec's proposal and status, or its failure. */
export async function computeReplicasForMetric(input: MetricInputs, spec: MetricSpec): Promise<MetricOutcome> {
  const ns = input.hpa.metadata.namespace ?? '';
  switch (spec.type) {
    case 'Resource': {
      const name = spec.resource?.name ?? '';
      const r = await resourceMetric(input, name, spec.resource?.target ?? {}, '', 'Resource');
      if (!r.ok) return unable('FailedGetResourceMetric', r.error, `failed to get ${name} resource metric value: ${r.error}`);
      return { ok: true, replicas: r.replicas, metricName: r.metricName, timestampMs: r.timestampMs, status: { type: 'Resource', resource: { name, current: r.current } } };
    }
    case 'ContainerResource': {
      const src = spec.containerResource ?? {};
      const name = src.name ?? '';
      const container = src.container ?? '';
      const r = await resourceMetric(input, name, src.target ?? {}, container, 'ContainerResource');
      if (!r.ok) return unable('FailedGetContainerResourceMetric', r.error, `failed to get ${container} container metric value: ${r.error}`);
      return {
        ok: true,
        replicas: r.replicas,
        metricName: r.metricName,
        timestampMs: r.timestampMs,
        status: { type: 'ContainerResource', containerResource: { name, container, current: r.current } },
      };
    }
    case 'Pods': {
      const metric = spec.pods?.metric ?? {};
      const metricName = metric.name ?? '';
      const fail = (error: string) => unable('FailedGetPodsMetric', error, `failed to get pods metric value: ${error}`);
      let metricSelector: string;
      try {
        metricSelector = selectorText(metric.selector);
      } catch (err) {
        return fail(err instanceof Error ? err.message : String(err));
      }
      const target = targetMilli(spec.pods?.target?.averageValue);
      if (target === undefined) return fail('invalid pods metric source: the target average value is not set');
      const fetched = await input.metrics.getRawMetric(metricName, ns, input.selector, metricSelector);
      if (!fetched.ok) return fail(`unable to get metric ${metricName}: ${fetched.error}`);
      const r = plainMetricReplicas({
        currentReplicas: input.specReplicas,
        targetUsage: target,
        resource: metricName,
        pods: input.pods,
        metrics: fetched.metrics,
        config: input.config,
        now: input.now,
      });
      if (!r.ok) return fail(r.error);
      return {
        ok: true,
        replicas: r.replicas,
        metricName: `pods metric ${metricName}`,
        timestampMs: fetched.timestampMs,
        status: { type: 'Pods', pods: { metric: { name: metricName, ...(metric.selector ? { selector: metric.selector } : {}) }, current: { averageValue: milliQuantity(r.usage) } } },
      };
    }
    case 'Object': {
      const src = spec.object ?? {};
      const metric = src.metric ?? {};
      const metricName = metric.name ?? '';
      const fail = (error: string) => unable('FailedGetObjectMetric', error, `failed to get object metric value: ${error}`);
      let metricSelector: string;
      try {
        metricSelector = selectorText(metric.selector);
      } catch (err) {
        return fail(err instanceof Error ? err.message : String(err));
      }
      const described = src.describedObject ?? {};
      const value = src.target?.type === 'Value' ? targetMilli(src.target.value) : undefined;
      const average = targetMilli(src.target?.averageValue);
      if (value === undefined && average === undefined) return fail('invalid object metric source: neither a value target nor an average value target was set');
      const fetched = await input.metrics.getObjectMetric(metricName, ns, described, metricSelector);
      if (!fetched.ok) return fail(`unable to get metric ${metricName}: ${described.kind ?? ''} on ${ns} ${described.name ?? ''}/${fetched.error}`);
      let replicas: number;
      let current: { value?: string; averageValue?: string };
      if (value !== undefined) {
        const r = usageRatioReplicas(input.specReplicas, fetched.value / value, input.pods, input.config);
        if (!r.ok) return fail(r.error);
        replicas = r.replicas;
        current = { value: milliQuantity(fetched.value) };
      } else {
        const r = perPodReplicas(input.statusReplicas, fetched.value, average!, input.config);
        replicas = r.replicas;
        current = { averageValue: milliQuantity(r.usage) };
      }
      return {
        ok: true,
        replicas,
        metricName: `${described.kind ?? ''} metric ${metricName}`,
        timestampMs: fetched.timestampMs,
        status: {
          type: 'Object',
          object: { describedObject: described, metric: { name: metricName, ...(metric.selector ? { selector: metric.selector } : {}) }, current },
        },
      };
    }
    case 'External': {
      const metric = spec.external?.metric ?? {};
      const metricName = metric.name ?? '';
      const fail = (error: string) => unable('FailedGetExternalMetric', error, `failed to get ${metricName} external metric value: ${error}`);
      let metricSelector: string;
      try {
        metricSelector = selectorText(metric.selector);
      } catch (err) {
        return fail(err instanceof Error ? err.message : String(err));
      }
      const t = spec.external?.target ?? {};
      const average = targetMilli(t.averageValue);
      const value = targetMilli(t.value);
      if (average === undefined && value === undefined) return fail('invalid external metric source: neither a value target nor an average value target was set');
      const fetched = await input.metrics.getExternalMetric(metricName, ns, metricSelector);
      if (!fetched.ok) return fail(`unable to get external metric ${ns}/${metricName}/${goSelector(metric.selector as LabelSelectorObject | undefined)}: ${fetched.error}`);
      const total = fetched.values.reduce((a, b) => a + b, 0);
      let replicas: number;
      let current: { value?: string; averageValue?: string };
      if (average !== undefined) {
        const r = perPodReplicas(input.statusReplicas, total, average, input.config);
        replicas = r.replicas;
        current = { averageValue: milliQuantity(r.usage) };
      } else {
        const r = usageRatioReplicas(input.specReplicas, total / value!, input.pods, input.config);
        if (!r.ok) return fail(r.error);
        replicas = r.replicas;
        current = { value: milliQuantity(total) };
      }
      return {
        ok: true,
        replicas,
        metricName: `external metric ${metricName}(${goSelector(metric.selector as LabelSelectorObject | undefined)})`,
        timestampMs: fetched.timestampMs,
        status: { type: 'External', external: { metric: { name: metricName, ...(metric.selector ? { selector: metric.selector } : {}) }, current } },
      };
    }
    default: {
      const error = `unknown metric source type "${spec.type ?? ''}"`;
      return unable('InvalidMetricSourceType', error, error);
    }
  }
}

export type MetricsOutcome =
  | { ok: true; replicas: number; metricName: string; statuses: MetricStatus[]; condition: Condition; events: HpaEvent[]; partialError?: string }
  | { ok: false; error: string; statuses: MetricStatus[]; condition: Condition; events: HpaEvent[] };

/**
 * computeReplicasForMetrics: the highest proposal over all metric specs. Statuses keep one
 * slot per spec (an empty object where the metric failed, as kube's zero MetricStatus).
 */
export async function computeReplicasForMetrics(input: MetricInputs, specs: readonly MetricSpec[]): Promise<MetricsOutcome> {
  const outcomes = await Promise.all(specs.map((s) => computeReplicasForMetric(input, s)));
  const statuses: MetricStatus[] = [];
  const events: HpaEvent[] = [];
  let replicas = 0;
  let metricName = '';
  let invalid = 0;
  let firstError: { error: string; condition: Condition } | undefined;
  for (const o of outcomes) {
    if (!o.ok) {
      statuses.push({ type: '' });
      events.push(...o.events);
      if (!firstError) firstError = { error: o.error, condition: o.condition };
      invalid++;
      continue;
    }
    statuses.push(o.status);
    if (replicas === 0 || o.replicas > replicas) {
      replicas = o.replicas;
      metricName = o.metricName;
    }
  }
  const partialError = firstError ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.error}` : undefined;
  if (firstError && (invalid >= specs.length || replicas < input.specReplicas)) {
    return { ok: false, error: partialError!, statuses, condition: firstError.condition, events };
  }
  return {
    ok: true,
    replicas,
    metricName,
    statuses,
    events,
    condition: { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: `the HPA was able to successfully calculate a replica count from ${metricName}` },
    ...(partialError ? { partialError } : {}),
  };
}
