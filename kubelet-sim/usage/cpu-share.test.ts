import { describe, expect, it } from 'vitest';
import { shareCpu, slowdown, type CpuClaim } from './cpu-share.js';

describe('shareCpu', () => {
  const cases: Array<{ name: string; claims: CpuClaim[]; capacity: number; want: number[] }> = [
    { name: 'room for everyone', claims: [{ demand: 0.5, request: 0.1 }, { demand: 1, request: 0.1 }], capacity: 4, want: [0.5, 1] },
    { name: 'the limit throttles', claims: [{ demand: 2, limit: 0.5, request: 0.2 }], capacity: 4, want: [0.5] },
    { name: 'saturated node: shares by request', claims: [{ demand: 4, request: 0.3 }, { demand: 4, request: 0.1 }], capacity: 2, want: [1.5, 0.5] },
    {
      name: 'a small claim keeps what it wants, the rest is shared',
      claims: [{ demand: 0.2, request: 1 }, { demand: 4, request: 1 }, { demand: 4, request: 2 }],
      capacity: 2,
      want: [0.2, 0.6, 1.2],
    },
    { name: 'best effort gets the minimum weight', claims: [{ demand: 4, request: 0 }, { demand: 4, request: 0.998 }], capacity: 1, want: [0.002, 0.998] },
    { name: 'nothing wanted', claims: [{ demand: 0, request: 0.1 }], capacity: 1, want: [0] },
  ];
  it.each(cases)('$name', ({ claims, capacity, want }) => {
    const got = shareCpu(claims, capacity);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 9));
    expect(got.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(capacity + 1e-9);
  });
});

describe('slowdown', () => {
  it.each([
    [1, 1, 1],
    [2, 0.5, 4],
    [0, 0, 1],
    [0.3, 0.6, 1],
    [1, 0, 1000],
  ])('demand %s granted %s → %s', (d, g, want) => expect(slowdown(d, g)).toBe(want));
});
