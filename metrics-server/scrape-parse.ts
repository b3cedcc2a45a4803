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

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const FAMILIES = new Set([
  'node_cpu_usage_seconds_total',
  'node_memory_working_set_bytes',
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
  'container_start_time_seconds',
  'kubeling_container_requests_total',
]);

function labels(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  // The kubelet writes plain values; only escaped ones need the general parse.
  if (!text.includes('\\')) {
    for (const part of text.split('",')) {
      const eq = part.indexOf('="');
      if (eq > 0) out[part.slice(0, eq)] = part.endsWith('"') ? part.slice(eq + 2, -1) : part.slice(eq + 2);
    }
    return out;
  }
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
  // The four container families of one container carry the same label text: parse it once.
  const byLabels = new Map<string, CpuMemPoint | null>();
  const point = (labelText: string | undefined): CpuMemPoint | undefined => {
    if (labelText === undefined) return undefined;
    const hit = byLabels.get(labelText);
    if (hit !== undefined) return hit ?? undefined;
    const l = labels(labelText);
    if (!l.namespace || !l.pod || !l.container) {
      byLabels.set(labelText, null);
      return undefined;
    }
    const key = `${l.namespace}/${l.pod}`;
    let pod = out.pods.get(key);
    if (!pod) out.pods.set(key, (pod = new Map()));
    let p = pod.get(l.container);
    if (!p) pod.set(l.container, (p = { cpu: NaN, memory: NaN, ts: fallbackTs }));
    byLabels.set(labelText, p);
    return p;
  };
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const line = text.slice(pos, eol);
    pos = eol + 1;
    if (line === '' || line.charCodeAt(0) === 35 /* # */) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const hasLabels = brace >= 0 && brace < space;
    const family = line.slice(0, hasLabels ? brace : space);
    if (!FAMILIES.has(family)) continue;
    let labelText: string | undefined;
    let rest: string;
    if (hasLabels) {
      const close = line.lastIndexOf('}');
      if (close < brace) continue;
      labelText = line.slice(brace + 1, close);
      rest = line.slice(close + 1);
    } else rest = line.slice(space);
    const fields = rest.trim().split(/\s+/);
    if (fields.length < 1 || fields.length > 2) continue;
    const value = num(fields[0]!);
    if (Number.isNaN(value)) continue;
    const ts = fields[1] !== undefined && /^-?\d+$/.test(fields[1]) ? Number(fields[1]) : fallbackTs;
    switch (family) {
      case 'node_cpu_usage_seconds_total':
        out.node = { ...(out.node ?? { memory: NaN }), cpu: value, ts };
        break;
      case 'node_memory_working_set_bytes':
        out.node = { ...(out.node ?? { cpu: NaN, ts }), memory: value };
        break;
      case 'container_cpu_usage_seconds_total': {
        const p = point(labelText);
        if (p) {
          p.cpu = value;
          p.ts = ts;
        }
        break;
      }
      case 'container_memory_working_set_bytes': {
        const p = point(labelText);
        if (p) p.memory = value;
        break;
      }
      case 'container_start_time_seconds': {
        const p = point(labelText);
        if (p) p.start = Math.round(value * 1000);
        break;
      }
      case 'kubeling_container_requests_total': {
        const p = point(labelText);
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
