import type { FakeClock } from '../lib/clock.js';

/**
 * Helpers for tests of async loops driven by a FakeClock (no real sleeps): flush() lets
 * every pending promise chain run; step() advances the clock in small increments with a
 * flush after each, the way time passes for a loop that awaits between timers.
 */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export async function step(clock: FakeClock, totalMs: number, stepMs = 100, check?: () => void): Promise<void> {
  for (let t = 0; t < totalMs; t += stepMs) {
    clock.advance(Math.min(stepMs, totalMs - t));
    await flush();
    check?.();
  }
}
