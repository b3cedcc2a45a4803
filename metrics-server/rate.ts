import type { CpuMemPoint } from './scrape-parse.js';

/**
 * Usage from two scrapes, as metrics-server computes it: CPU is the rate of the
 * cumulative counter between the two samples (nanocores over the window between their
 * timestamps), memory is the newer working set. No rate when the samples are not in
 * order, the counter went backwards, or the container restarted in between. Pure.
 */

export interface Usage {
  /** Nanocores. */
  cpu: number;
  /** Bytes. */
  memory: number;
  /** The newer sample's time, ms. */
  timestamp: number;
  windowMs: number;
  /** Requests per second over the window, when both samples carry a request counter. */
  requestsPerSecond?: number;
}

export function usageBetween(prev: CpuMemPoint | undefined, cur: CpuMemPoint): Usage | undefined {
  if (!prev) return undefined;
  const windowMs = cur.ts - prev.ts;
  if (windowMs <= 0) return undefined;
  if (cur.start !== undefined && prev.start !== undefined && cur.start !== prev.start) return undefined;
  if (cur.cpu < prev.cpu) return undefined;
  const out: Usage = {
    cpu: Math.round(((cur.cpu - prev.cpu) / (windowMs / 1000)) * 1e9),
    memory: Math.round(cur.memory),
    timestamp: cur.ts,
    windowMs,
  };
  if (cur.requests !== undefined && prev.requests !== undefined && cur.requests >= prev.requests) {
    out.requestsPerSecond = (cur.requests - prev.requests) / (windowMs / 1000);
  }
  return out;
}

/** metav1.Duration's text (Go's time.Duration.String()): `15s`, `14.98s`, `1m0.5s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = (rest / 1000).toFixed(3).replace(/\.?0+$/, '');
  if (h === 0 && m === 0 && Math.abs(ms) < 1000) return `${neg ? '-' : ''}${Math.round(Math.abs(ms))}ms`;
  return `${neg ? '-' : ''}${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

/** CPU as metrics-server writes it: a nanocore Quantity (`123456n`, `0`). */
export function cpuQuantity(nanocores: number): string {
  const n = Math.max(0, Math.round(nanocores));
  return n === 0 ? '0' : `${n}n`;
}

/** Memory as a BinarySI Quantity: `Ki` when whole KiB, else bytes. */
export function memoryQuantity(bytes: number): string {
  const b = Math.max(0, Math.round(bytes));
  if (b === 0) return '0';
  if (b % 1024 === 0) return `${b / 1024}Ki`;
  return String(b);
}
