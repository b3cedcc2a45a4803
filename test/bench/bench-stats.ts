/** Small helpers for the benchmark scripts: percentiles, formatting and verdicts. */

/** The q-quantile (0..1) of unsorted samples, nearest-rank; NaN when empty. */
export function percentile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(samples: number[]): number {
  return percentile(samples, 0.5);
}

export const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/**
 * The wording for a figure against its target: says plainly whether the target is met,
 * and by how much it is missed.
 */
export function verdict(value: number, target: number, better: 'higher' | 'lower'): string {
  if (!Number.isFinite(value)) return 'not measured';
  const met = better === 'higher' ? value >= target : value <= target;
  if (met) return 'meets target';
  const factor = better === 'higher' ? target / value : value / target;
  return `misses target (${factor.toFixed(2)}× off)`;
}

/** Prints rows as an aligned text table. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/**
 * Runs `total` async jobs with at most `concurrency` in flight; returns each job's
 * latency in ms (in completion order) and the wall time.
 */
export async function runPool(total: number, concurrency: number, job: (i: number) => Promise<void>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = performance.now();
      await job(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { latencies, wallMs: performance.now() - started };
}
