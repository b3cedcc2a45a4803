import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { createScaledClock } from './scaled-clock.js';

describe('createScaledClock', () => {
  it('runs faster than its base clock, timers included', () => {
    const base = new FakeClock(1_000_000);
    const fast = createScaledClock(30, base);
    expect(fast.now()).toBe(1_000_000);
    let fired = 0;
    fast.setTimeout(() => fired++, 60_000);
    base.advance(1_999);
    expect(fired).toBe(0);
    base.advance(1);
    expect(fired).toBe(1);
    expect(fast.now()).toBe(1_000_000 + 60_000);
  });

  it.each([0, -1, Number.NaN])('refuses factor %s', (f) => {
    expect(() => createScaledClock(f)).toThrow('clock factor must be positive');
  });
});
