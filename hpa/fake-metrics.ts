import type { Pod } from '../api/core/pod.js';
import { matchesLabels, parseLabelSelector } from '../api/selector.js';
import { ApiError } from '../client/api-error.js';
import type { RestClient } from '../client/rest-client.js';
import type { Clock } from '../lib/clock.js';
import type { RawGet } from './raw-get.js';

/**
 * A RawGet for HPA tests and the in-process benchmark: answers the discovery documents
 * of the built-in kinds the HPA scales (and a ConfigMap, which has no scale), and serves
 * metrics.k8s.io PodMetrics and custom.metrics.k8s.io pod metrics from usage the test
 * sets, for the pods the client lists (so label selectors are applied as a metrics server
 * would). `down` makes every metrics call fail as an unreachable APIService does.
 */

export interface FakeUsage {
  /** Per container name → resource → quantity; a pod absent here has no sample. */
  containers: Record<string, Record<string, string>>;
  /** Custom per-pod metrics (e.g. http_requests_per_second) as quantities. */
  custom?: Record<string, string>;
}

export interface FakeMetricsApi {
  get: RawGet;
  /** Usage by `namespace/pod`. */
  usage: Map<string, FakeUsage>;
  setCpu(namespace: string, pod: string, cpu: string, container?: string): void;
  down: boolean;
  /**
   * Usage computed per request instead of read from `usage` (a load model): given a
   * selected pod and every pod the selector matched. Undefined: the pod has no sample.
   */
  model?: (pod: Pod, selected: readonly Pod[]) => FakeUsage | undefined;
  /** The PodMetrics window, metav1.Duration text; default 30s (metrics-server's resolution). */
  window: string;
  /** Every path asked, in order. */
  readonly calls: string[];
}

const DISCOVERY: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [
      { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } },
      { name: 'autoscaling', versions: [{ groupVersion: 'autoscaling/v2', version: 'v2' }, { groupVersion: 'autoscaling/v1', version: 'v1' }], preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' } },
    ],
  },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'pods', kind: 'Pod', namespaced: true },
      { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    ],
  },
  '/apis/apps/v1': {
    kind: 'APIResourceList',
    groupVersion: 'apps/v1',
    resources: [
      { name: 'deployments', kind: 'Deployment', namespaced: true },
      { name: 'deployments/scale', kind: 'Scale', group: 'autoscaling', version: 'v1', namespaced: true },
      { name: 'replicasets', kind: 'ReplicaSet', namespaced: true },
      { name: 'replicasets/scale', kind: 'Scale', group: 'autoscaling', version: 'v1', namespaced: true },
    ],
  },
  '/apis/autoscaling/v2': { kind: 'APIResourceList', groupVersion: 'autoscaling/v2', resources: [{ name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true }] },
};

const podsRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };

/** Where the fake lists pods: the client (default), or an indexed cache (benchmarks). */
export type PodSource = (namespace: string) => Promise<readonly Pod[]> | readonly Pod[];

export function createFakeMetricsApi(client: RestClient, clock: Clock, podSource?: PodSource): FakeMetricsApi {
  const listPods: PodSource = podSource ?? (async (namespace) => (await client.list<Pod>(podsRef, { namespace })).items);
  const usage = new Map<string, FakeUsage>();
  const calls: string[] = [];
  const api: FakeMetricsApi = {
    usage,
    calls,
    down: false,
    window: '30s',
    setCpu(namespace, pod, cpu, container = 'app') {
      const u = usage.get(`${namespace}/${pod}`) ?? { containers: {} };
      u.containers[container] = { ...u.containers[container], cpu };
      usage.set(`${namespace}/${pod}`, u);
    },
    async get(path, query = {}) {
      calls.push(path);
      const doc = DISCOVERY[path];
      if (doc) return structuredClone(doc);
      const metricsPath = /^\/apis\/(metrics\.k8s\.io\/v1beta1|custom\.metrics\.k8s\.io\/v1beta2)\/namespaces\/([^/]+)\/pods(?:\/\*\/([^/]+))?$/.exec(path);
      if (!metricsPath) throw ApiError.from(404, 'the server could not find the requested resource', 'NotFound');
      if (api.down) throw ApiError.from(503, 'the server is currently unable to handle the request', 'ServiceUnavailable');
      const namespace = decodeURIComponent(metricsPath[2]!);
      const selector = parseLabelSelector(query.labelSelector ?? '');
      const pods = (await listPods(namespace)).filter((p) => matchesLabels(selector, p.metadata.labels));
      const timestamp = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const custom = metricsPath[3] ? decodeURIComponent(metricsPath[3]) : undefined;
      const items: unknown[] = [];
      for (const p of pods) {
        const u = api.model ? api.model(p, pods) : usage.get(`${namespace}/${p.metadata.name}`);
        if (!u) continue;
        if (custom) {
          const value = u.custom?.[custom];
          if (value !== undefined) {
            items.push({ describedObject: { kind: 'Pod', namespace, name: p.metadata.name, apiVersion: '/v1' }, metric: { name: custom }, timestamp, value });
          }
          continue;
        }
        items.push({
          metadata: { name: p.metadata.name, namespace, labels: p.metadata.labels },
          timestamp,
          window: api.window,
          containers: Object.entries(u.containers).map(([name, res]) => ({ name, usage: res })),
        });
      }
      return custom ? { kind: 'MetricValueList', apiVersion: 'custom.metrics.k8s.io/v1beta2', items } : { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', items };
    },
  };
  return api;
}
