import { describe, expect, it } from 'vitest';
import { slowStartBatch } from './slow-start.js';

describe('slowStartBatch', () => {
  it.each([
    { count: 0, failAt: -1, calls: 0, successes: 0 },
    { count: 7, failAt: -1, calls: 7, successes: 7 },
    // batches 1, 2, 4: the first call fails, nothing more is tried
    { count: 10, failAt: 0, calls: 1, successes: 0 },
    // the 4th call (second batch of 2 done, third batch of 4 starts at call 3) fails: that batch of 4 runs whole
    { count: 10, failAt: 4, calls: 7, successes: 6 },
  ])('count $count failing call $failAt', async ({ count, failAt, calls, successes }) => {
    let n = 0;
    const result = await slowStartBatch(count, 1, async () => {
      const i = n++;
      if (i === failAt) throw new Error('quota');
    });
    expect(n).toBe(calls);
    expect(result.successes).toBe(successes);
    expect(result.error !== undefined).toBe(failAt >= 0);
  });
});
