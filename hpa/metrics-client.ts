import { toMilli } from '../api/quantity.js';
import type { RawGet } from './raw-get.js';
import type { PodMetricsInfo } from './replica-calculator.js';
import type { RestMapper } from './rest-mapper.js';

/**
 * The HPA's metrics client (kube's podautoscaler/metrics/client.go): reads the resource
 * metrics API (metrics.k8s.io/v1beta1 PodMetrics), the custom metrics API
 * (custom.metrics.k8s.io/v1beta2, for Pods and Object metrics) and the external metrics
 * API (external.metrics.k8s.io/v1beta1) through the apiserver, exactly the paths kube's
 * clients call, so any metrics server registered by an APIService serves it. Values come
 * back in milli-units; errors are worded as kube words them.
 */

export type MetricsResult<T> = ({ ok: true } & T) | { ok: false; error: string };

export interface MetricsClient {
  /** Per-pod usage of a resource (summed over containers, or the one container named). */
  getResourceMetric(resource: string, namespace: string, selector: string, container: string): Promise<MetricsResult<{ metrics: PodMetricsInfo; timestampMs: number }>>;
  /** A custom per-pod metric for the pods the selector matches. */
  getRawMetric(metricName: string, namespace: string, selector: string, metricSelector: string): Promise<MetricsResult<{ metrics: PodMetricsInfo; timestampMs: number }>>;
  /** A custom metric describing one object. */
  getObjectMetric(
    metricName: string,
    namespace: string,
    object: { apiVersion?: string; kind?: string; name?: string },
    metricSelector: string,
  ): Promise<MetricsResult<{ value: number; timestampMs: number }>>;
  /** The values of an external metric (one per series). */
  getExternalMetric(metricName: string, namespace: string, metricSelector: string): Promise<MetricsResult<{ values: number[]; timestampMs: number }>>;
}

/** metrics-server's default window when a custom metric does not say (kube's metricServerDefaultMetricWindow). */
const DEFAULT_WINDOW_MS = 60_000;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** metav1.Duration text ("30s", "1m0s", "1.5s") → ms; undefined when unreadable. */
export function parseGoDuration(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = '';
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]!]!;
    matched += m[0];
  }
  return matched === s ? total : undefined;
}

const timeOf = (t: unknown): number => {
  const ms = typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
};

const milli = (q: unknown): number | undefined => {
  if (typeof q !== 'string' && typeof q !== 'number') return undefined;
  try {
    return toMilli(q);
  } catch {
    return undefined;
  }
};

interface PodMetricsItem {
  metadata?: { name?: string; namespace?: string };
  timestamp?: string;
  window?: string;
  containers?: { name?: string; usage?: Record<string, string | number> }[];
}

interface MetricValueItem {
  describedObject?: { name?: string };
  metricName?: string;
  timestamp?: string;
  windowSeconds?: number;
  value?: string | number;
}

export function createMetricsClient(get: RawGet, mapper: Pick<RestMapper, 'pluralOf'>): MetricsClient {
  return {
    async getResourceMetric(resource, namespace, selector, container) {
      let items: PodMetricsItem[];
      try {
        const list = (await get(`/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`, { labelSelector: selector })) as {
          items?: PodMetricsItem[];
        };
        items = list.items ?? [];
      } catch (err) {
        return { ok: false, error: `unable to fetch metrics from resource metrics API: ${message(err)}` };
      }
      if (items.length === 0) return { ok: false, error: 'no metrics returned from resource metrics API' };
      const metrics: PodMetricsInfo = new Map();
      for (const item of items) {
        const name = item.metadata?.name ?? '';
        const timestampMs = timeOf(item.timestamp);
        const windowMs = parseGoDuration(item.window) ?? 0;
        if (container !== '') {
          const c = (item.containers ?? []).find((x) => x.name === container);
          if (!c) {
            return {
              ok: false,
              error: `failed to get container metrics: container ${container} not present in metrics for pod ${item.metadata?.namespace ?? namespace}/${name}`,
            };
          }
          const v = milli(c.usage?.[resource]);
          if (v !== undefined) metrics.set(name, { value: v, timestampMs, windowMs });
          continue;
        }
        // A pod missing the resource in any container gets no sample at all (kube skips it).
        let sum = 0;
        let missing = false;
        for (const c of item.containers ?? []) {
          const v = milli(c.usage?.[resource]);
          if (v === undefined) {
            missing = true;
            break;
          }
          sum += v;
        }
        if (!missing) metrics.set(name, { value: sum, timestampMs, windowMs });
      }
      return { ok: true, metrics, timestampMs: timeOf(items[0]!.timestamp) };
    },

    async getRawMetric(metricName, namespace, selector, metricSelector) {
      let items: MetricValueItem[];
      try {
        const list = (await get(
          `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${encodeURIComponent(namespace)}/pods/*/${encodeURIComponent(metricName)}`,
          { labelSelector: selector, metricLabelSelector: metricSelector },
        )) as { items?: MetricValueItem[] };
        items = list.items ?? [];
      } catch (err) {
        return { ok: false, error: `unable to fetch metrics from custom metrics API: ${message(err)}` };
      }
      if (items.length === 0) return { ok: false, error: 'no metrics returned from custom metrics API' };
      const metrics: PodMetricsInfo = new Map();
      for (const m of items) {
        const v = milli(m.value);
        if (v === undefined) continue;
        metrics.set(m.describedObject?.name ?? '', {
          value: v,
          timestampMs: timeOf(m.timestamp),
          windowMs: m.windowSeconds !== undefined ? m.windowSeconds * 1000 : DEFAULT_WINDOW_MS,
        });
      }
      return { ok: true, metrics, timestampMs: timeOf(items[0]!.timestamp) };
    },

    async getObjectMetric(metricName, namespace, object, metricSelector) {
      const apiVersion = object.apiVersion ?? '';
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
      const kind = object.kind ?? '';
      const plural = await mapper.pluralOf(group, kind);
      if (!plural) return { ok: false, error: `unable to fetch metrics from custom metrics API: no matches for kind "${kind}" in group "${group}"` };
      const resource = group === '' ? plural : `${plural}.${group}`;
      // A Namespace is described at the root: /namespaces/NS/metrics/NAME in kube's client.
      const path =
        kind === 'Namespace' && group === ''
          ? `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${encodeURIComponent(namespace)}/metrics/${encodeURIComponent(metricName)}`
          : `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(object.name ?? '')}/${encodeURIComponent(metricName)}`;
      let items: MetricValueItem[];
      try {
        const body = (await get(path, { metricLabelSelector: metricSelector })) as { items?: MetricValueItem[] } & MetricValueItem;
        items = body.items ?? (body.value !== undefined ? [body] : []);
      } catch (err) {
        return { ok: false, error: `unable to fetch metrics from custom metrics API: ${message(err)}` };
      }
      if (items.length !== 1) {
        return { ok: false, error: `unable to fetch metrics from custom metrics API: the server returned ${items.length} results when 1 was expected` };
      }
      const v = milli(items[0]!.value);
      if (v === undefined) return { ok: false, error: 'unable to fetch metrics from custom metrics API: the metric value is not a quantity' };
      return { ok: true, value: v, timestampMs: timeOf(items[0]!.timestamp) };
    },

    async getExternalMetric(metricName, namespace, metricSelector) {
      let items: MetricValueItem[];
      try {
        const list = (await get(`/apis/external.metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/${encodeURIComponent(metricName)}`, {
          labelSelector: metricSelector,
        })) as { items?: MetricValueItem[] };
        items = list.items ?? [];
      } catch (err) {
        return { ok: false, error: `unable to fetch metrics from external metrics API: ${message(err)}` };
      }
      if (items.length === 0) return { ok: false, error: 'no metrics returned from external metrics API' };
      const values = items.map((m) => milli(m.value) ?? 0);
      return { ok: true, values, timestampMs: timeOf(items[0]!.timestamp) };
    },
  };
}
