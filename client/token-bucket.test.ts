import { describe, expect, it } from 'vitest';
import { FakeClock } from '../lib/clock.js';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst, then spaces requests at 1/qps', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(10, 3, clock);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect(bucket.reserve()).toBe(100);
    expect(bucket.reserve()).toBe(200);
    clock.advance(1000);
    // 10 tokens refilled minus the 2 owed, capped at burst 3.
    expect(bucket.reserve()).toBe(0);
  });

  it('wait() resolves only after the clock moves', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(1, 1, clock);
    await bucket.wait();
    let done = false;
    void bucket.wait().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1000);
    await Promise.resolve();
    expect(done).toBe(true);
  });
});
