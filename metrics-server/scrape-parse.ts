/**
 * Reads the kubelet's /metrics/resource text (kubelet-sim/usage/resource-metrics.ts, or a
 * real kubelet's) into the points metrics-server keeps. Only the families it uses are
 * read; anything else (HELP/TYPE lines, other families) is skipped. A malformed sample
 * line is skipped too, as metrics-server drops what it cannot decode.
 */

export interface CpuMemPoint {
  /** Cumulative core-seconds. */
  cpu: number;
  /** Working set, bytes. */
  memory: number;
  /** Sample time, ms. */
  ts: number;
  /** Container start, ms (a changed start means a restart: the counter began again). */
  start?: number;
  /** Cumulative simulated requests (Kubeling's traffic model), if reported. */
  requests?: number;
}

export interface NodeScrape {
  node?: CpuMemPoint;
  /** `namespace/pod` → container → point. */
  pods: Map<string, Map<string, CpuMemPoint>>;
}

const LINE = /^([a-z_]+)(?:\{([^}]*)\})?\s+(\S+)(?:\s+(-?\d+))?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function labels(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const m of text.matchAll(LABEL)) out[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  return out;
}

function num(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

export function parseResourceMetrics(text: string, fallbackTs: number): NodeScrape {
  const out: NodeScrape = { pods: new Map() };
  const point = (l: Record<string, string>): CpuMemPoint | undefined => {
    if (!l.namespace || !l.pod || !l.container) return undefined;
    const key = `${l.namespace}/${l.pod}`;
    let pod = out.pods.get(key);
    if (!pod) out.pods.set(key, (pod = new Map()));
    let p = pod.get(l.container);
    if (!p) pod.set(l.container, (p = { cpu: NaN, memory: NaN, ts: fallbackTs }));
    return p;
  };
  for (const line of text.split('\n')) {
    if (line === '' || line.charCodeAt(0) === 35 /* # */) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const [, name, labelText, valueText, tsText] = m;
    const value = num(valueText!);
    if (Number.isNaN(value)) continue;
    const ts = tsText !== undefined ? Number(tsText) : fallbackTs;
    switch (name) {
      case 'node_cpu_usage_seconds_total':
        out.node = { ...(out.node ?? { memory: NaN }), cpu: value, ts };
        break;
      case 'node_memory_working_set_bytes':
        out.node = { ...(out.node ?? { cpu: NaN, ts }), memory: value };
        break;
      case 'container_cpu_usage_seconds_total': {
        const p = point(labels(labelText));
        if (p) {
          p.cpu = value;
          p.ts = ts;
        }
        break;
      }
      case 'container_memory_working_set_bytes': {
        const p = point(labels(labelText));
        if (p) p.memory = value;
        break;
      }
      case 'container_start_time_seconds': {
        const p = point(labels(labelText));
        if (p) p.start = Math.round(value * 1000);
        break;
      }
      case 'kubeling_container_requests_total': {
        const p = point(labels(labelText));
        if (p) p.requests = value;
        break;
      }
    }
  }
  // A container without both CPU and memory is dropped, as metrics-server's decoder does.
  for (const [key, pod] of out.pods) {
    for (const [c, p] of pod) if (Number.isNaN(p.cpu) || Number.isNaN(p.memory)) pod.delete(c);
    if (pod.size === 0) out.pods.delete(key);
  }
  if (out.node && (Number.isNaN(out.node.cpu) || Number.isNaN(out.node.memory))) delete out.node;
  return out;
}
