import type { Container } from '../api/core/container.js';
import { LOG, LOG_INTERVAL, parseDuration } from './annotations.js';
import type { OutputLine } from './command-plan.js';
import { formatNanoTime } from './time.js';

/**
 * What a simulated container "printed": deterministic lines computed from the pod and
 * the run's times, never stored. A run prints its start lines when it starts, then a
 * periodic line every interval while it runs, then a last line when it exits or is
 * stopped. Old lines roll off past MAX_LINES, as a rotated container log would.
 */

export interface LogLine {
  at: number;
  text: string;
  /** Printed without a newline (the program's line is not finished). */
  partial?: boolean;
}

export const MAX_LINES = 10_000;

export interface RunLogSpec {
  namespace: string;
  pod: string;
  container: Container;
  annotations?: Record<string, string>;
  image: string;
  node: string;
  startedAt: number;
  /** When the run ended, if it did. */
  finishedAt?: number;
  exitCode?: number;
  /** How it ended: a declared exit or a kill by the kubelet (pod deletion). */
  endedBy?: 'exit' | 'stop';
  /** Default periodic interval (stage config); 0 turns periodic lines off. */
  defaultIntervalMs: number;
  /**
   * What the container's planned command prints (pod-exit-plan.ts plannedOutput), by
   * offset from startedAt. When set, the run prints exactly these lines, each at its time
   * and none after the run ended: no banner, periodic or exit lines, as a real `echo`.
   */
  output?: OutputLine[];
}

/**
 * The start lines: the pod's kubeling.io/log annotation if set; else what `echo`s in the
 * container's command/args would print (`busybox -- echo hello` prints `hello`); else a
 * banner naming image, pod and node.
 */
export function startLines(spec: RunLogSpec): { lines: string[]; custom: boolean } {
  const annotated = spec.annotations?.[LOG];
  if (annotated !== undefined) return { lines: annotated.replace(/\n$/, '').split('\n'), custom: true };
  const echoed = echoLines([...(spec.container.command ?? []), ...(spec.container.args ?? [])]);
  if (echoed.length > 0) return { lines: echoed, custom: true };
  return {
    lines: [
      `kubeling-sim: starting container "${spec.container.name}" (image ${spec.image}) in pod ${spec.namespace}/${spec.pod} on node ${spec.node}`,
      `kubeling-sim: container "${spec.container.name}" is running`,
    ],
    custom: false,
  };
}

/** The echo statements of a command line: `sh -c 'echo a; sleep 1 && echo "b c"'` → [a, b c]. */
export function echoLines(argv: string[]): string[] {
  if (argv.length === 0) return [];
  if (argv[0] === 'echo' || argv[0]?.endsWith('/echo')) return [argv.slice(1).join(' ')];
  const out: string[] = [];
  for (const arg of argv) {
    for (const stmt of arg.split(/;|&&|\|\||\n/)) {
      const m = /^\s*echo\s+(.*?)\s*$/.exec(stmt);
      if (m) out.push(unquote(m[1]!));
    }
  }
  return out;
}

function unquote(s: string): string {
  return s.replace(/^-n\s+/, '').replace(/(["'])(.*?)\1/g, '$2');
}

/** The gap between periodic lines: the annotation, else none after custom lines, else the default. */
export function intervalOf(spec: RunLogSpec, custom: boolean): number {
  const annotated = parseDuration(spec.annotations?.[LOG_INTERVAL]);
  if (annotated !== undefined) return annotated;
  return custom ? 0 : spec.defaultIntervalMs;
}

/** How many planned lines a run has printed by `now`. */
function plannedCount(output: OutputLine[], spec: RunLogSpec, now: number): number {
  const end = Math.min(now, spec.finishedAt ?? now) - spec.startedAt;
  let n = 0;
  while (n < output.length && output[n]!.atMs <= end) n++;
  return n;
}

/** How many lines a run has printed by `now` (before roll-off). */
export function lineCount(spec: RunLogSpec, now: number): number {
  if (spec.output) return plannedCount(spec.output, spec, now);
  const { lines: first, custom } = startLines(spec);
  if (now < spec.startedAt) return 0;
  const interval = intervalOf(spec, custom);
  const end = Math.min(now, spec.finishedAt ?? now);
  const periodic = interval > 0 && end > spec.startedAt ? Math.floor((end - spec.startedAt) / interval) : 0;
  const last = spec.finishedAt !== undefined && spec.finishedAt <= now ? 1 : 0;
  return first.length + periodic + last;
}

/** Line i (0-based) of a run whose count at `now` is at least i+1. */
export function lineAt(spec: RunLogSpec, i: number, now: number): LogLine {
  if (spec.output) {
    const o = spec.output[i]!;
    return o.partial ? { at: spec.startedAt + o.atMs, text: o.text, partial: true } : { at: spec.startedAt + o.atMs, text: o.text };
  }
  const { lines: first, custom } = startLines(spec);
  if (i < first.length) return { at: spec.startedAt, text: first[i]! };
  const interval = intervalOf(spec, custom);
  const end = Math.min(now, spec.finishedAt ?? now);
  const periodic = interval > 0 && end > spec.startedAt ? Math.floor((end - spec.startedAt) / interval) : 0;
  const k = i - first.length + 1;
  if (k <= periodic) return { at: spec.startedAt + k * interval, text: periodicLine(spec, k, k * interval) };
  return { at: spec.finishedAt!, text: lastLine(spec) };
}

/**
 * The lines a run has printed by `now` (at most MAX_LINES, the newest), in order.
 * Lines are produced by index, so a tail of N costs O(N) however long the run.
 */
export function runLines(spec: RunLogSpec, now: number, tail?: number): LogLine[] {
  const total = lineCount(spec, now);
  const keep = Math.min(MAX_LINES, tail ?? MAX_LINES);
  const out: LogLine[] = [];
  for (let i = Math.max(0, total - keep); i < total; i++) out.push(lineAt(spec, i, now));
  return out;
}

/** When the next periodic line of a running run is due after `now`, or undefined if none. */
export function nextLineAt(spec: RunLogSpec, now: number): number | undefined {
  if (spec.output) {
    const next = spec.finishedAt === undefined ? spec.output.find((l) => spec.startedAt + l.atMs > now) : undefined;
    return next && spec.startedAt + next.atMs;
  }
  const interval = intervalOf(spec, startLines(spec).custom);
  if (interval <= 0 || spec.finishedAt !== undefined) return undefined;
  const k = Math.floor((now - spec.startedAt) / interval) + 1;
  return spec.startedAt + k * interval;
}

export function periodicLine(spec: RunLogSpec, k: number, upMs: number): string {
  return `kubeling-sim: container "${spec.container.name}" heartbeat ${k} (up ${Math.round(upMs / 1000)}s)`;
}

export function lastLine(spec: RunLogSpec): string {
  if (spec.endedBy === 'stop') return `kubeling-sim: container "${spec.container.name}" received SIGTERM, shutting down`;
  return `kubeling-sim: container "${spec.container.name}" exiting with code ${spec.exitCode ?? 0}`;
}

export interface LogQuery {
  tailLines?: number;
  /** Only lines at or after this time. */
  since?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

/** Applies since, tail, timestamps and limitBytes (cut mid-line, as kubelet's limit writer). */
export function renderLog(lines: LogLine[], q: LogQuery): string {
  let selected = q.since !== undefined ? lines.filter((l) => l.at >= q.since!) : lines;
  if (q.tailLines !== undefined) selected = q.tailLines === 0 ? [] : selected.slice(-q.tailLines);
  let text = selected.map((l) => formatLine(l, q.timestamps ?? false)).join('');
  if (q.limitBytes !== undefined) text = truncateBytes(text, q.limitBytes);
  return text;
}

export function formatLine(l: LogLine, timestamps: boolean): string {
  return `${timestamps ? `${formatNanoTime(l.at)} ` : ''}${l.text}${l.partial ? '' : '\n'}`;
}

export function truncateBytes(text: string, limit: number): string {
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= limit ? text : buf.subarray(0, limit).toString('utf8');
}
