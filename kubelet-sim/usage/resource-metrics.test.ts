import { describe, expect, it } from 'vitest';
import { goFloat, renderResourceMetrics } from './resource-metrics.js';
import { renderSummary } from './summary.js';
import type { NodeSample } from './usage-model.js';

const at = Date.UTC(2026, 0, 1, 12, 0, 0);
const sample: NodeSample = {
  name: 'n1',
  atMs: at,
  startedAtMs: at - 3_600_000,
  cpuSecondsTotal: 1234.5,
  cpuCores: 0.291,
  memoryBytes: 359661568,
  memoryCapacity: 2 ** 33,
  pods: [
    {
      uid: 'u1',
      namespace: 'default',
      name: 'web',
      startedAtMs: at - 60_000,
      containers: [{ name: 'nginx', startedAtMs: at - 59_000, cpuSecondsTotal: 14.75, cpuCores: 0.25, memoryBytes: 45088768, requestsTotal: 12 }],
    },
  ],
};

describe('goFloat (strconv.FormatFloat(v, g, -1, 64))', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [14.75, '14.75'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [123456, '123456'],
    [1234567, '1.234567e+06'],
    [45088768, '4.5088768e+07'],
    [1.7671968e9, '1.7671968e+09'],
  ])('%s → %s', (v, want) => expect(goFloat(v)).toBe(want));
});

describe('renderResourceMetrics', () => {
  it('writes the kubelet /metrics/resource text', () => {
    expect(renderResourceMetrics(sample)).toMatchInlineSnapshot(`
      "# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
      # TYPE container_cpu_usage_seconds_total counter
      container_cpu_usage_seconds_total{container="nginx",namespace="default",pod="web"} 14.75 1767268800000
      # HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes
      # TYPE container_memory_working_set_bytes gauge
      container_memory_working_set_bytes{container="nginx",namespace="default",pod="web"} 4.5088768e+07 1767268800000
      # HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds
      # TYPE container_start_time_seconds gauge
      container_start_time_seconds{container="nginx",namespace="default",pod="web"} 1.767268741e+09 1767268741000
      # HELP kubeling_container_requests_total [ALPHA] Cumulative simulated requests served by the container (Kubeling traffic model)
      # TYPE kubeling_container_requests_total counter
      kubeling_container_requests_total{container="nginx",namespace="default",pod="web"} 12 1767268800000
      # HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds
      # TYPE node_cpu_usage_seconds_total counter
      node_cpu_usage_seconds_total 1234.5 1767268800000
      # HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes
      # TYPE node_memory_working_set_bytes gauge
      node_memory_working_set_bytes 3.59661568e+08 1767268800000
      # HELP pod_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the pod in core-seconds
      # TYPE pod_cpu_usage_seconds_total counter
      pod_cpu_usage_seconds_total{namespace="default",pod="web"} 14.75 1767268800000
      # HELP pod_memory_working_set_bytes [STABLE] Current working set of the pod in bytes
      # TYPE pod_memory_working_set_bytes gauge
      pod_memory_working_set_bytes{namespace="default",pod="web"} 4.5088768e+07 1767268800000
      # HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise
      # TYPE resource_scrape_error gauge
      resource_scrape_error 0
      "
    `);
  });

  it('escapes label values', () => {
    const odd = { ...sample, pods: [{ ...sample.pods[0]!, name: 'a"b\\c' }] };
    expect(renderResourceMetrics(odd)).toContain('pod="a\\"b\\\\c"');
  });
});

describe('renderSummary', () => {
  it('writes the Summary API JSON', () => {
    const s = renderSummary(sample) as { node: Record<string, unknown>; pods: Array<Record<string, unknown>> };
    expect(s.node).toEqual({
      nodeName: 'n1',
      startTime: '2026-01-01T11:00:00Z',
      cpu: { time: '2026-01-01T12:00:00Z', usageNanoCores: 291000000, usageCoreNanoSeconds: 1234500000000 },
      memory: {
        time: '2026-01-01T12:00:00Z',
        availableBytes: 2 ** 33 - 359661568,
        usageBytes: 359661568,
        workingSetBytes: 359661568,
        rssBytes: 359661568,
        pageFaults: 0,
        majorPageFaults: 0,
      },
    });
    expect(s.pods[0]).toMatchObject({
      podRef: { name: 'web', namespace: 'default', uid: 'u1' },
      containers: [{ name: 'nginx', startTime: '2026-01-01T11:59:01Z', cpu: { usageNanoCores: 250000000, usageCoreNanoSeconds: 14750000000 } }],
      cpu: { usageNanoCores: 250000000 },
      memory: { workingSetBytes: 45088768 },
    });
  });
});
