import type { Clock, TimerHandle } from '../lib/clock.js';

/**
 * Exponential backoff with jitter for retry loops (client-go's reflector uses 800 ms
 * doubling to 30 s, jitter 1.0). next() returns the delay to wait and doubles the base;
 * reset() after a success. `random` is injectable so tests can pin the jitter.
 */
export class Backoff {
  private current: number;

  constructor(
    private readonly initialMs = 800,
    private readonly maxMs = 30_000,
    private readonly jitter = 1.0,
    private readonly random: () => number = Math.random,
  ) {
    this.current = initialMs;
  }

  next(): number {
    const base = this.current;
    this.current = Math.min(this.maxMs, this.current * 2);
    return Math.round(base + base * this.jitter * this.random());
  }

  reset(): void {
    this.current = this.initialMs;
  }
}

/**
 * A sleep on an injected clock that stop() can cut short: every pending sleep resolves
 * at once (the loop then sees its stopped flag). Used by loops that must stop promptly.
 */
export class Sleeper {
  private pending = new Map<TimerHandle, () => void>();

  constructor(private readonly clock: Clock) {}

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.clock.setTimeout(() => {
        this.pending.delete(handle);
        resolve();
      }, ms);
      this.pending.set(handle, resolve);
    });
  }

  wakeAll(): void {
    for (const [handle, resolve] of this.pending) {
      this.clock.clearTimeout(handle);
      resolve();
    }
    this.pending.clear();
  }
}
