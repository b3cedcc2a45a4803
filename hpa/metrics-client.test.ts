import { describe, expect, it } from 'vitest';
import { ApiError } from '../client/api-error.js';
import { FakeClock } from '../lib/clock.js';
import { createMetricsClient, parseGoDuration } from './metrics-client.js';
import type { RawGet } from './raw-get.js';
import { createRestMapper } from './rest-mapper.js';

/** A RawGet over canned documents by path; records what was asked. */
function canned(docs: Record<string, unknown>): { get: RawGet; asked: { path: string; query: Record<string, string | undefined> }[] } {
  const asked: { path: string; query: Record<string, string | undefined> }[] = [];
  return {
    asked,
    async get(path, query = {}) {
      asked.push({ path, query });
      const doc = docs[path];
      if (doc === undefined) throw ApiError.from(404, 'the server could not find the requested resource', 'NotFound');
      if (doc instanceof ApiError) throw doc;
      return structuredClone(doc);
    },
  };
}

const DISCOVERY = {
  '/api': { versions: ['v1'] },
  '/apis': {
    groups: [
      { name: 'apps', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
      { name: 'networking.k8s.io', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
    ],
  },
  '/api/v1': { resources: [{ name: 'services', kind: 'Service', namespaced: true }, { name: 'namespaces', kind: 'Namespace', namespaced: false }] },
  '/apis/apps/v1': { resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }, { name: 'deployments/scale', kind: 'Scale', namespaced: true }] },
  '/apis/networking.k8s.io/v1': { resources: [{ name: 'ingresses', kind: 'Ingress', namespaced: true }] },
};

const podMetrics = (items: unknown[]) => ({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', items });
const TS = '2026-01-01T12:00:00Z';

function client(docs: Record<string, unknown>) {
  const c = canned({ ...DISCOVERY, ...docs });
  const mapper = createRestMapper(c.get, new FakeClock());
  return { metrics: createMetricsClient(c.get, mapper), asked: c.asked, mapper };
}

describe('metrics client: resource metrics (metrics.k8s.io/v1beta1)', () => {
  const path = '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods';
  const items = [
    { metadata: { name: 'a', namespace: 'default' }, timestamp: TS, window: '30s', containers: [{ name: 'app', usage: { cpu: '250m', memory: '100Mi' } }, { name: 'side', usage: { cpu: '1', memory: '1Mi' } }] },
    { metadata: { name: 'b', namespace: 'default' }, timestamp: TS, window: '1m0s', containers: [{ name: 'app', usage: { memory: '10Mi' } }] },
  ];

  it('sums containers per pod in milli-units, skips pods missing the resource, and sends the selector', async () => {
    const { metrics, asked } = client({ [path]: podMetrics(items) });
    const got = await metrics.getResourceMetric('cpu', 'default', 'app=web', '');
    expect(got).toEqual({ ok: true, timestampMs: Date.parse(TS), metrics: new Map([['a', { value: 1250, timestampMs: Date.parse(TS), windowMs: 30_000 }]]) });
    expect(asked.at(-1)).toEqual({ path, query: { labelSelector: 'app=web' } });
  });

  it('reads one container for ContainerResource metrics, failing as kube does when a pod lacks it', async () => {
    const { metrics } = client({ [path]: podMetrics(items) });
    const memory = await metrics.getResourceMetric('memory', 'default', '', 'app');
    expect(memory.ok && [...memory.metrics].map(([k, v]) => [k, v.value])).toEqual([
      ['a', 104857600000],
      ['b', 10485760000],
    ]);
    expect(await metrics.getResourceMetric('cpu', 'default', '', 'side')).toEqual({
      ok: false,
      error: 'failed to get container metrics: container side not present in metrics for pod default/b',
    });
  });

  it.each([
    { doc: podMetrics([]), error: 'no metrics returned from resource metrics API' },
    { doc: undefined, error: 'unable to fetch metrics from resource metrics API: the server could not find the requested resource' },
    {
      doc: ApiError.from(503, 'the server is currently unable to handle the request', 'ServiceUnavailable'),
      error: 'unable to fetch metrics from resource metrics API: the server is currently unable to handle the request',
    },
  ])('fails with kube’s wording: $error', async ({ doc, error }) => {
    const { metrics } = client(doc === undefined ? {} : { [path]: doc });
    expect(await metrics.getResourceMetric('cpu', 'default', '', '')).toEqual({ ok: false, error });
  });
});

describe('metrics client: custom and external metrics', () => {
  it('reads a per-pod custom metric at kube’s path, with both selectors', async () => {
    const path = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_per_second';
    const { metrics, asked } = client({
      [path]: { items: [{ describedObject: { kind: 'Pod', name: 'a' }, metric: { name: 'http_requests_per_second' }, timestamp: TS, windowSeconds: 15, value: '1500m' }] },
    });
    expect(await metrics.getRawMetric('http_requests_per_second', 'default', 'app=web', 'verb=GET')).toEqual({
      ok: true,
      timestampMs: Date.parse(TS),
      metrics: new Map([['a', { value: 1500, timestampMs: Date.parse(TS), windowMs: 15_000 }]]),
    });
    expect(asked.at(-1)).toEqual({ path, query: { labelSelector: 'app=web', metricLabelSelector: 'verb=GET' } });
  });

  it('reads an object metric through the resource the kind maps to (group-qualified)', async () => {
    const path = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/ingresses.networking.k8s.io/main/requests-per-second';
    const { metrics } = client({ [path]: { items: [{ describedObject: { kind: 'Ingress', name: 'main' }, timestamp: TS, value: '2k' }] } });
    expect(await metrics.getObjectMetric('requests-per-second', 'default', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' }, '')).toEqual({
      ok: true,
      value: 2_000_000,
      timestampMs: Date.parse(TS),
    });
    expect(await metrics.getObjectMetric('x', 'default', { apiVersion: 'v1', kind: 'Gadget', name: 'g' }, '')).toEqual({
      ok: false,
      error: 'unable to fetch metrics from custom metrics API: no matches for kind "Gadget" in group ""',
    });
  });

  it('reads external metric series, summed by the caller', async () => {
    const path = '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_messages_ready';
    const { metrics, asked } = client({ [path]: { items: [{ timestamp: TS, value: '30' }, { timestamp: TS, value: '12' }] } });
    expect(await metrics.getExternalMetric('queue_messages_ready', 'default', 'queue=worker')).toEqual({ ok: true, values: [30_000, 12_000], timestampMs: Date.parse(TS) });
    expect(asked.at(-1)?.query).toEqual({ labelSelector: 'queue=worker' });
    expect(await metrics.getExternalMetric('absent', 'default', '')).toEqual({
      ok: false,
      error: 'unable to fetch metrics from external metrics API: the server could not find the requested resource',
    });
  });
});

describe('REST mapper', () => {
  it('maps kinds with their scale subresource and refreshes discovery once on a miss', async () => {
    const docs: Record<string, unknown> = { ...DISCOVERY };
    const c = canned(docs);
    const mapper = createRestMapper(c.get, new FakeClock());
    expect(await mapper.scaleMapping('apps', 'Deployment')).toEqual({
      ok: true,
      mapping: { ref: { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' }, hasScale: true },
    });
    expect(await mapper.scaleMapping('', 'Service')).toMatchObject({ ok: true, mapping: { hasScale: false } });
    // A CRD appears after the first discovery: found on the refresh a miss triggers.
    docs['/apis'] = { groups: [...(DISCOVERY['/apis'].groups as object[]), { name: 'example.com', versions: [{ version: 'v1' }] }] };
    docs['/apis/example.com/v1'] = { resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }, { name: 'widgets/scale', kind: 'Scale', namespaced: true }] };
    expect(await mapper.scaleMapping('example.com', 'Widget')).toMatchObject({ ok: true, mapping: { hasScale: true, ref: { plural: 'widgets' } } });
    expect(await mapper.scaleMapping('apps', 'Nope')).toEqual({ ok: false, error: 'no matches for kind "Nope" in group "apps"' });
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['30s', 30_000],
    ['1m0s', 60_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['', undefined],
    ['soon', undefined],
  ])('%s → %s', (s, want) => {
    expect(parseGoDuration(s)).toBe(want);
  });
});
