import { describe, expect, it } from 'vitest';
import { renderResourceMetrics } from '../kubelet-sim/usage/resource-metrics.js';
import { parseResourceMetrics } from './scrape-parse.js';

describe('parseResourceMetrics', () => {
  it('reads back what the kubelet-sim writes', () => {
    const text = renderResourceMetrics({
      name: 'n1',
      atMs: 1_000_000,
      startedAtMs: 0,
      cpuSecondsTotal: 12.5,
      cpuCores: 0.1,
      memoryBytes: 300 * 2 ** 20,
      memoryCapacity: 2 ** 30,
      pods: [{ uid: 'u', namespace: 'ns', name: 'p', startedAtMs: 0, containers: [{ name: 'c', startedAtMs: 500_000, cpuSecondsTotal: 3.25, cpuCores: 0, memoryBytes: 45088768, requestsTotal: 7 }] }],
    });
    const s = parseResourceMetrics(text, 0);
    expect(s.node).toEqual({ cpu: 12.5, memory: 300 * 2 ** 20, ts: 1_000_000 });
    expect(s.pods.get('ns/p')?.get('c')).toEqual({ cpu: 3.25, memory: 45088768, ts: 1_000_000, start: 500_000, requests: 7 });
  });

  it('skips malformed lines, unknown families and containers missing a value', () => {
    const text = [
      'container_cpu_usage_seconds_total{container="a",namespace="n",pod="p"} oops 1',
      'container_cpu_usage_seconds_total{container="b",namespace="n",pod="p"} 2 5',
      'container_memory_working_set_bytes{container="b",namespace="n",pod="p"} 100 5',
      'container_memory_working_set_bytes{container="c",namespace="n",pod="p"} 100 5',
      'something_else 1',
      'garbage line',
    ].join('\n');
    const s = parseResourceMetrics(text, 9);
    expect([...s.pods.get('n/p')!.keys()]).toEqual(['b']);
    expect(s.node).toBeUndefined();
  });
});
