import type { KubeObject } from '../api/types.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, type FieldRequirement, type LabelRequirement } from '../api/selector.js';
import { cpuQuantity, goDuration, memoryQuantity } from './rate.js';
import type { MetricsStorage, PodUsage } from './storage.js';

/**
 * The metrics server's API, as metrics-server serves it behind the aggregator:
 * metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics (get, list with labelSelector and
 * fieldSelector), and Kubeling's custom.metrics.k8s.io/v1beta2 metric
 * `http_requests_per_second` for pods (the rate of served simulated requests), with
 * their discovery documents. A pure function of the request and the caches, so tests
 * call it without HTTP.
 */

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
export const CUSTOM_GROUP = 'custom.metrics.k8s.io';
export const CUSTOM_VERSION = 'v1beta2';
export const REQUESTS_METRIC = 'http_requests_per_second';

export interface MetricsApiContext {
  storage: MetricsStorage;
  node(name: string): KubeObject | undefined;
  pod(namespace: string, name: string): KubeObject | undefined;
  /** The metric resolution, for custom metrics' windowSeconds when no window is known. */
  resolutionMs: number;
}

export interface ApiAnswer {
  code: number;
  body: unknown;
}

function time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): ApiAnswer {
  return { code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code } };
}

const notFoundPage = () => status(404, 'NotFound', 'the server could not find the requested resource');

function objectMeta(obj: KubeObject | undefined, name: string, namespace?: string): Record<string, unknown> {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    creationTimestamp: time(Date.now()),
    ...(obj?.metadata.labels ? { labels: obj.metadata.labels } : {}),
  };
}

function podMetrics(u: PodUsage, pod: KubeObject | undefined, now: number): Record<string, unknown> {
  return {
    metadata: { ...objectMeta(pod, u.name, u.namespace), creationTimestamp: time(now) },
    timestamp: time(u.timestamp),
    window: goDuration(u.windowMs),
    containers: u.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.usage.cpu), memory: memoryQuantity(c.usage.memory) } })),
  };
}

/** A canonical Quantity of a rate: `10`, `1500m`, `0`. */
export function milliQuantity(v: number): string {
  const milli = Math.round(Math.max(0, v) * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export function discoveryGroups(): Record<string, unknown>[] {
  return [
    { name: METRICS_GROUP, versions: [{ groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, version: METRICS_VERSION }], preferredVersion: { groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, version: METRICS_VERSION } },
    { name: CUSTOM_GROUP, versions: [{ groupVersion: `${CUSTOM_GROUP}/${CUSTOM_VERSION}`, version: CUSTOM_VERSION }], preferredVersion: { groupVersion: `${CUSTOM_GROUP}/${CUSTOM_VERSION}`, version: CUSTOM_VERSION } },
  ];
}

function resourceList(groupVersion: string, resources: Record<string, unknown>[]): ApiAnswer {
  return { code: 200, body: { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources } };
}

interface Selectors {
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

function selectors(q: URLSearchParams): Selectors | ApiAnswer {
  try {
    return { labels: parseLabelSelector(q.get('labelSelector') ?? ''), fields: parseFieldSelector(q.get('fieldSelector') ?? '') };
  } catch (err) {
    return status(400, 'BadRequest', (err as Error).message);
  }
}

export function handleMetricsApi(ctx: MetricsApiContext, method: string, rawUrl: string, now: number): ApiAnswer {
  const url = new URL(rawUrl, 'https://127.0.0.1');
  const p = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  if (p[0] !== 'apis') return notFoundPage();
  if (method !== 'GET' && method !== 'HEAD') return status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  if (p.length === 1) return { code: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups: discoveryGroups() } };
  const group = discoveryGroups().find((g) => g.name === p[1]);
  if (!group) return notFoundPage();
  if (p.length === 2) return { code: 200, body: { kind: 'APIGroup', apiVersion: 'v1', ...group } };
  if (p[1] === METRICS_GROUP && p[2] === METRICS_VERSION) return metricsApi(ctx, p.slice(3), url.searchParams, now);
  if (p[1] === CUSTOM_GROUP && p[2] === CUSTOM_VERSION) return customApi(ctx, p.slice(3), url.searchParams, now);
  return notFoundPage();
}

function metricsApi(ctx: MetricsApiContext, rest: string[], q: URLSearchParams, now: number): ApiAnswer {
  if (rest.length === 0) {
    return resourceList(`${METRICS_GROUP}/${METRICS_VERSION}`, [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ]);
  }
  const sel = selectors(q);
  if ('code' in sel) return sel;
  if (rest[0] === 'nodes' && rest.length <= 2) {
    const item = (name: string) => {
      const u = ctx.storage.nodeUsage(name);
      const node = ctx.node(name);
      if (!u || !node) return undefined;
      return {
        metadata: { ...objectMeta(node, name), creationTimestamp: time(now) },
        timestamp: time(u.timestamp),
        window: goDuration(u.windowMs),
        usage: { cpu: cpuQuantity(u.cpu), memory: memoryQuantity(u.memory) },
      };
    };
    if (rest[1] !== undefined) {
      const one = item(rest[1]);
      if (!one) return status(404, 'NotFound', `nodemetrics.metrics.k8s.io "${rest[1]}" not found`, { name: rest[1], group: METRICS_GROUP, kind: 'nodes' });
      return { code: 200, body: { kind: 'NodeMetrics', apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, ...one } };
    }
    const items = ctx.storage
      .nodeNames()
      .filter((n) => {
        const node = ctx.node(n);
        return node && matchesLabels(sel.labels, node.metadata.labels) && matchesFields(sel.fields, (f) => (f === 'metadata.name' ? n : undefined));
      })
      .sort()
      .map(item)
      .filter((x) => x !== undefined);
    return { code: 200, body: { kind: 'NodeMetricsList', apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, metadata: {}, items } };
  }
  let namespace: string | undefined;
  let r = rest;
  if (r[0] === 'namespaces' && r.length >= 3) {
    namespace = r[1];
    r = r.slice(2);
  }
  if (r[0] === 'pods' && r.length <= 2) {
    if (r[1] !== undefined) {
      const u = namespace !== undefined ? ctx.storage.pod(namespace, r[1]) : undefined;
      const pod = namespace !== undefined ? ctx.pod(namespace, r[1]) : undefined;
      if (!u || !pod) return status(404, 'NotFound', `podmetrics.metrics.k8s.io "${namespace}/${r[1]}" not found`, { name: `${namespace}/${r[1]}`, group: METRICS_GROUP, kind: 'pods' });
      return { code: 200, body: { kind: 'PodMetrics', apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, ...podMetrics(u, pod, now) } };
    }
    const items: Record<string, unknown>[] = [];
    for (const u of ctx.storage.pods()) {
      if (namespace !== undefined && namespace !== '' && u.namespace !== namespace) continue;
      const pod = ctx.pod(u.namespace, u.name);
      if (!pod || !matchesLabels(sel.labels, pod.metadata.labels)) continue;
      if (!matchesFields(sel.fields, (f) => (f === 'metadata.name' ? u.name : f === 'metadata.namespace' ? u.namespace : undefined))) continue;
      items.push(podMetrics(u, pod, now));
    }
    items.sort((a, b) => {
      const ma = a.metadata as { namespace: string; name: string };
      const mb = b.metadata as { namespace: string; name: string };
      return ma.namespace.localeCompare(mb.namespace) || ma.name.localeCompare(mb.name);
    });
    return { code: 200, body: { kind: 'PodMetricsList', apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, metadata: {}, items } };
  }
  return notFoundPage();
}

function customApi(ctx: MetricsApiContext, rest: string[], q: URLSearchParams, now: number): ApiAnswer {
  if (rest.length === 0) {
    return resourceList(`${CUSTOM_GROUP}/${CUSTOM_VERSION}`, [
      { name: `pods/${REQUESTS_METRIC}`, singularName: '', namespaced: true, kind: 'MetricValueList', verbs: ['get'] },
    ]);
  }
  // namespaces/{ns}/pods/{name|*}/{metric}
  if (rest.length !== 5 || rest[0] !== 'namespaces' || rest[2] !== 'pods') return notFoundPage();
  const [, namespace, , name, metric] = rest as [string, string, string, string, string];
  if (metric !== REQUESTS_METRIC) {
    return status(404, 'NotFound', `the server could not find the metric ${metric} for pods`, { group: CUSTOM_GROUP, kind: 'pods' });
  }
  const sel = selectors(q);
  if ('code' in sel) return sel;
  const value = (u: PodUsage) => {
    let rps: number | undefined;
    for (const c of u.containers) if (c.usage.requestsPerSecond !== undefined) rps = (rps ?? 0) + c.usage.requestsPerSecond;
    return rps;
  };
  const item = (u: PodUsage, rps: number) => ({
    describedObject: { kind: 'Pod', namespace: u.namespace, name: u.name, apiVersion: '/v1' },
    metric: { name: metric, selector: null },
    timestamp: time(u.timestamp),
    windowSeconds: Math.round((u.windowMs || ctx.resolutionMs) / 1000),
    value: milliQuantity(rps),
  });
  const items: Record<string, unknown>[] = [];
  if (name !== '*') {
    const u = ctx.storage.pod(namespace, name);
    const rps = u ? value(u) : undefined;
    if (!u || rps === undefined || !ctx.pod(namespace, name)) {
      return status(404, 'NotFound', `the server could not find the metric ${metric} for pods ${name}`, { name, group: CUSTOM_GROUP, kind: 'pods' });
    }
    items.push(item(u, rps));
  } else {
    for (const u of ctx.storage.pods()) {
      if (u.namespace !== namespace) continue;
      const pod = ctx.pod(u.namespace, u.name);
      const rps = value(u);
      if (!pod || rps === undefined || !matchesLabels(sel.labels, pod.metadata.labels)) continue;
      items.push(item(u, rps));
    }
  }
  void now;
  return { code: 200, body: { kind: 'MetricValueList', apiVersion: `${CUSTOM_GROUP}/${CUSTOM_VERSION}`, metadata: {}, items } };
}
