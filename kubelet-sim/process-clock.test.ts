import { describe, expect, it } from 'vitest';
import { FakeClock } from '../lib/clock.js';
import { processClock } from './process-clock.js';

/** A wait chained on the previous one counts from when that one was due (late timers do not slow a loop). */
describe('processClock', () => {
  it('a wait set right after a late timer fired is shortened by the lateness', () => {
    const base = new FakeClock(0);
    const clock = processClock(base);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(base.now()), 10);
    base.advance(10);
    expect(fired).toEqual([10]);
    base.advance(4); // the process got to its next wait 4 ms later (a busy host)
    clock.setTimeout(() => fired.push(base.now()), 25);
    base.advance(20);
    expect(fired).toEqual([10]);
    base.advance(1);
    expect(fired).toEqual([10, 35]); // due at 10 + 25, not 14 + 25
  });

  it('a wait after an idle spell (or far behind) starts from now', () => {
    const base = new FakeClock(0);
    const clock = processClock(base);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(base.now()), 10);
    base.advance(10);
    base.advance(500); // waiting for input, say
    clock.setTimeout(() => fired.push(base.now()), 100);
    base.advance(99);
    expect(fired).toEqual([10]);
    base.advance(1);
    expect(fired).toEqual([10, 610]);
    // Fired 2 s late: the debt is dropped, not paid back in a burst.
    clock.setTimeout(() => fired.push(base.now()), 10);
    base.advance(2010);
    clock.setTimeout(() => fired.push(base.now()), 10);
    base.advance(9);
    expect(fired).toHaveLength(3);
    base.advance(1);
    expect(fired).toHaveLength(4);
  });

  it('clearTimeout cancels', () => {
    const base = new FakeClock(0);
    const clock = processClock(base);
    let n = 0;
    const h = clock.setTimeout(() => n++, 5);
    clock.clearTimeout(h);
    base.advance(10);
    expect(n).toBe(0);
  });
});
