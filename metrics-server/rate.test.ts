import { describe, expect, it } from 'vitest';
import { cpuQuantity, goDuration, memoryQuantity, usageBetween } from './rate.js';
import type { CpuMemPoint } from './scrape-parse.js';

const p = (cpu: number, ts: number, extra: Partial<CpuMemPoint> = {}): CpuMemPoint => ({ cpu, memory: 1024 * 1000, ts, ...extra });

describe('usageBetween (rate from two scrapes)', () => {
  it.each([
    { name: 'first scrape: no rate', prev: undefined, cur: p(10, 15_000), want: undefined },
    { name: '250m over 15 s', prev: p(10, 0), cur: p(13.75, 15_000), want: { cpu: 250_000_000, windowMs: 15_000, timestamp: 15_000 } },
    { name: 'samples out of order', prev: p(10, 15_000), cur: p(12, 15_000), want: undefined },
    { name: 'counter went back (restart)', prev: p(10, 0), cur: p(1, 15_000), want: undefined },
    { name: 'container start changed', prev: p(1, 0, { start: 1 }), cur: p(2, 15_000, { start: 2 }), want: undefined },
    { name: 'requests per second', prev: p(1, 0, { requests: 100 }), cur: p(1, 10_000, { requests: 150 }), want: { cpu: 0, requestsPerSecond: 5 } },
  ])('$name', ({ prev, cur, want }) => {
    const got = usageBetween(prev, cur);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(want);
  });
});

describe('quantities and durations as metrics-server writes them', () => {
  it.each([
    [0, '0'],
    [1_234_567, '1234567n'],
  ])('cpu %s → %s', (n, want) => expect(cpuQuantity(n)).toBe(want));
  it.each([
    [0, '0'],
    [45088768, '44032Ki'],
    [1000, '1000'],
  ])('memory %s → %s', (n, want) => expect(memoryQuantity(n)).toBe(want));
  it.each([
    [15_000, '15s'],
    [14_982, '14.982s'],
    [60_500, '1m0.5s'],
    [500, '500ms'],
  ])('duration %s → %s', (ms, want) => expect(goDuration(ms)).toBe(want));
});
