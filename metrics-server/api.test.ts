import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { handleMetricsApi, type MetricsApiContext } from './api.js';
import { parseResourceMetrics } from './scrape-parse.js';
import { MetricsStorage } from './storage.js';

const node = (name: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, labels } });
const pod = (ns: string, name: string, labels: Record<string, string>): KubeObject => ({ metadata: { namespace: ns, name, labels } });

function scrape(ts: number, cpuNode: number, pods: Array<[string, string, string, number, number?]>): string {
  const lines = [`node_cpu_usage_seconds_total ${cpuNode} ${ts}`, `node_memory_working_set_bytes 1048576 ${ts}`];
  for (const [ns, p, c, cpu, req] of pods) {
    lines.push(`container_cpu_usage_seconds_total{container="${c}",namespace="${ns}",pod="${p}"} ${cpu} ${ts}`);
    lines.push(`container_memory_working_set_bytes{container="${c}",namespace="${ns}",pod="${p}"} 2048 ${ts}`);
    if (req !== undefined) lines.push(`kubeling_container_requests_total{container="${c}",namespace="${ns}",pod="${p}"} ${req} ${ts}`);
  }
  return lines.join('\n');
}

function ctx(): MetricsApiContext {
  const storage = new MetricsStorage();
  storage.store('n1', parseResourceMetrics(scrape(0, 10, [['default', 'web-1', 'php', 1, 0], ['default', 'web-2', 'php', 1, 0], ['kube-system', 'dns', 'coredns', 1]]), 0));
  storage.store('n1', parseResourceMetrics(scrape(15_000, 13, [['default', 'web-1', 'php', 7, 150], ['default', 'web-2', 'php', 2.5, 30], ['kube-system', 'dns', 'coredns', 1.15]]), 0));
  storage.store('n2', parseResourceMetrics(scrape(15_000, 1, []), 0));
  const nodes = new Map([['n1', node('n1', { zone: 'a' })], ['n2', node('n2', { zone: 'b' })]]);
  const pods = new Map([
    ['default/web-1', pod('default', 'web-1', { app: 'web' })],
    ['default/web-2', pod('default', 'web-2', { app: 'web' })],
    ['kube-system/dns', pod('kube-system', 'dns', { app: 'dns' })],
  ]);
  return { storage, resolutionMs: 15_000, node: (n) => nodes.get(n), pod: (ns, n) => pods.get(`${ns}/${n}`) };
}

const get = (url: string) => handleMetricsApi(ctx(), 'GET', url, Date.UTC(2026, 0, 1));
const items = (url: string) => (get(url).body as { items: Array<Record<string, any>> }).items;

describe('metrics.k8s.io', () => {
  it('lists node metrics that have two scrapes', () => {
    const list = items('/apis/metrics.k8s.io/v1beta1/nodes');
    expect(list.map((i) => i.metadata.name)).toEqual(['n1']);
    expect(list[0]).toMatchObject({ window: '15s', usage: { cpu: '200000000n', memory: '1024Ki' }, metadata: { labels: { zone: 'a' } } });
  });

  it('lists pods of a namespace by label selector, CPU from the rate', () => {
    const list = items('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb');
    expect(list.map((i) => [i.metadata.name, i.containers[0].usage.cpu])).toEqual([
      ['web-1', '400000000n'],
      ['web-2', '100000000n'],
    ]);
  });

  it('lists pods of every namespace and gets one', () => {
    expect(items('/apis/metrics.k8s.io/v1beta1/pods').map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['default/web-1', 'default/web-2', 'kube-system/dns']);
    expect(get('/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods/dns').body).toMatchObject({ kind: 'PodMetrics', containers: [{ name: 'coredns', usage: { cpu: '10000000n' } }] });
  });

  it('answers 404 NotFound for a pod or node without metrics', () => {
    expect(get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope')).toMatchObject({ code: 404, body: { reason: 'NotFound', message: 'podmetrics.metrics.k8s.io "default/nope" not found' } });
    expect(get('/apis/metrics.k8s.io/v1beta1/nodes/n2')).toMatchObject({ code: 404, body: { message: 'nodemetrics.metrics.k8s.io "n2" not found' } });
  });

  it('answers 400 for a bad selector and 405 for writes', () => {
    expect(get('/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3D%3D%3Dx')).toMatchObject({ code: 400, body: { reason: 'BadRequest' } });
    expect(handleMetricsApi(ctx(), 'POST', '/apis/metrics.k8s.io/v1beta1/pods', 0)).toMatchObject({ code: 405, body: { reason: 'MethodNotAllowed' } });
  });

  it('serves discovery', () => {
    expect(get('/apis/metrics.k8s.io/v1beta1').body).toMatchObject({ kind: 'APIResourceList', resources: [{ name: 'nodes', kind: 'NodeMetrics' }, { name: 'pods', kind: 'PodMetrics' }] });
    expect(get('/apis/metrics.k8s.io').body).toMatchObject({ kind: 'APIGroup', preferredVersion: { version: 'v1beta1' } });
  });
});

describe('custom.metrics.k8s.io http_requests_per_second', () => {
  it('gives each matching pod its request rate', () => {
    const list = items('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_per_second?labelSelector=app%3Dweb');
    expect(list.map((i) => [i.describedObject.name, i.value])).toEqual([
      ['web-1', '10'],
      ['web-2', '2'],
    ]);
  });
  it('refuses an unknown metric', () => {
    expect(get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/bogus')).toMatchObject({ code: 404, body: { message: 'the server could not find the metric bogus for pods' } });
  });
});
