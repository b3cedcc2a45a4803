import { describe, expect, it } from 'vitest';
import { percentile, runPool, table, verdict } from './bench-stats.js';

describe('percentile', () => {
  it.each([
    [[], 0.5, Number.NaN],
    [[5], 0.99, 5],
    [[1, 2, 3, 4], 0.5, 2],
    [[4, 3, 2, 1], 0.75, 3],
    [Array.from({ length: 100 }, (_, i) => 100 - i), 0.99, 99],
    [Array.from({ length: 100 }, (_, i) => i + 1), 1, 100],
  ])('%j at %d is %d', (samples, q, want) => {
    expect(percentile(samples, q)).toBe(want);
  });
});

describe('verdict', () => {
  it.each([
    [0.75, 0.7, 'higher', 'meets target'],
    [0.35, 0.7, 'higher', 'misses target (2.00× off)'],
    [80, 100, 'lower', 'meets target'],
    [250, 100, 'lower', 'misses target (2.50× off)'],
    [Number.NaN, 1, 'lower', 'not measured'],
  ] as const)('%d vs %d (%s is better)', (value, target, better, want) => {
    expect(verdict(value, target, better)).toBe(want);
  });
});

describe('table', () => {
  it('aligns columns', () => {
    expect(table([['a', 'bb'], ['ccc', 'd']])).toBe('a    bb\nccc  d');
  });
});

describe('runPool', () => {
  it('runs every job once with bounded concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const { latencies } = await runPool(20, 3, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      seen.push(i);
      await Promise.resolve();
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(latencies).toHaveLength(20);
    expect(peak).toBe(3);
  });
});
