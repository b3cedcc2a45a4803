import type { Clock } from '../lib/clock.js';
import { sleepOn } from './shell/types.js';

/**
 * The CPU budget of a container's program in the simulated shell. The shell calls pace()
 * every few dozen steps (YIELD_EVERY in shell/interpreter.ts); a token bucket on the
 * injected clock lets `callsPerSecond` calls through per second (bursts up to one
 * second's worth) and makes the program wait for the next token beyond that. A loop
 * that waits anyway (`sleep 0.01`, a wget's latency) makes a few calls a second and
 * never waits here; `while true; do :; done` is held to the budget instead of taking a
 * real core, as a container at its CPU limit is throttled.
 */

export interface PacerOptions {
  clock: Clock;
  /** Default 20: with 64 shell steps per call, about 1,300 steps a second. */
  callsPerSecond: number;
}

export function createPacer(o: Partial<PacerOptions> & { clock: Clock }): (signal: AbortSignal) => Promise<void> {
  const rate = o.callsPerSecond ?? 20;
  let tokens = rate;
  let at = o.clock.now();
  return async (signal) => {
    const now = o.clock.now();
    tokens = Math.min(rate, tokens + ((now - at) / 1000) * rate);
    at = now;
    if (tokens >= 1) {
      tokens -= 1;
      // Still a yield: other work of the process runs between two slices of the loop.
      await new Promise<void>((r) => setImmediate(r));
      return;
    }
    const waitMs = Math.ceil(((1 - tokens) / rate) * 1000);
    await sleepOn(o.clock, waitMs, signal);
    tokens = 0;
    at = o.clock.now();
  };
}
