import type { NodeSample } from './usage-model.js';

/**
 * The kubelet's /metrics/resource endpoint: the Prometheus text metrics-server scrapes.
 * Families, help texts, label order and number formatting as the kubelet writes them
 * (client_golang's text format: families sorted by name, floats in Go's shortest %g form,
 * cumulative counters with millisecond timestamps). `kubeling_container_requests_total`
 * is Kubeling's own addition (the requests the traffic model delivered), which the
 * metrics server turns into the custom metric http_requests_per_second.
 */

/** strconv.FormatFloat(v, 'g', -1, 64), as client_golang writes sample values. */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return '0';
  const [mant, e] = v.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 21 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(v);
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function family(out: string[], name: string, type: 'counter' | 'gauge', help: string, lines: string[]): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
}

export function renderResourceMetrics(s: NodeSample): string {
  const ts = Math.round(s.atMs);
  const c = (ns: string, pod: string, container: string) => `{container="${esc(container)}",namespace="${esc(ns)}",pod="${esc(pod)}"}`;
  const p = (ns: string, pod: string) => `{namespace="${esc(ns)}",pod="${esc(pod)}"}`;
  const cpu: string[] = [];
  const mem: string[] = [];
  const start: string[] = [];
  const reqs: string[] = [];
  const podCpu: string[] = [];
  const podMem: string[] = [];
  for (const pod of s.pods) {
    let pc = 0;
    let pm = 0;
    for (const ct of pod.containers) {
      const l = c(pod.namespace, pod.name, ct.name);
      cpu.push(`container_cpu_usage_seconds_total${l} ${goFloat(ct.cpuSecondsTotal)} ${ts}`);
      mem.push(`container_memory_working_set_bytes${l} ${goFloat(ct.memoryBytes)} ${ts}`);
      start.push(`container_start_time_seconds${l} ${goFloat(ct.startedAtMs / 1000)} ${Math.round(ct.startedAtMs)}`);
      reqs.push(`kubeling_container_requests_total${l} ${goFloat(ct.requestsTotal)} ${ts}`);
      pc += ct.cpuSecondsTotal;
      pm += ct.memoryBytes;
    }
    podCpu.push(`pod_cpu_usage_seconds_total${p(pod.namespace, pod.name)} ${goFloat(pc)} ${ts}`);
    podMem.push(`pod_memory_working_set_bytes${p(pod.namespace, pod.name)} ${goFloat(pm)} ${ts}`);
  }
  const out: string[] = [];
  family(out, 'container_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the container in core-seconds', cpu);
  family(out, 'container_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the container in bytes', mem);
  family(out, 'container_start_time_seconds', 'gauge', '[STABLE] Start time of the container since unix epoch in seconds', start);
  family(out, 'kubeling_container_requests_total', 'counter', '[ALPHA] Cumulative simulated requests served by the container (Kubeling traffic model)', reqs);
  family(out, 'node_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the node in core-seconds', [`node_cpu_usage_seconds_total ${goFloat(s.cpuSecondsTotal)} ${ts}`]);
  family(out, 'node_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the node in bytes', [`node_memory_working_set_bytes ${goFloat(s.memoryBytes)} ${ts}`]);
  family(out, 'pod_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the pod in core-seconds', podCpu);
  family(out, 'pod_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the pod in bytes', podMem);
  family(out, 'resource_scrape_error', 'gauge', '[STABLE] 1 if there was an error while getting container metrics, 0 otherwise', ['resource_scrape_error 0']);
  return `${out.join('\n')}\n`;
}
