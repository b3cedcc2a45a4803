import type { Clock } from '../lib/clock.js';
import { TokenBucket } from './token-bucket.js';

/**
 * How long a work-queue key waits before its next retry. Mirrors client-go's
 * workqueue rate limiters: when() records a failure and returns the delay, forget()
 * clears the history on success, numRequeues() tells how many failures were recorded.
 */
export interface RateLimiter {
  when(key: string): number;
  forget(key: string): void;
  numRequeues(key: string): number;
}

/** Per-item exponential backoff: base × 2^failures, capped (client-go: 5 ms → 1000 s). */
export function itemExponentialRateLimiter(baseMs = 5, maxMs = 1_000_000): RateLimiter {
  const failures = new Map<string, number>();
  return {
    when(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      // 2^n overflows the cap long before it overflows a double; cap the exponent anyway.
      return n > 60 ? maxMs : Math.min(maxMs, baseMs * 2 ** n);
    },
    forget: (key) => void failures.delete(key),
    numRequeues: (key) => failures.get(key) ?? 0,
  };
}

/** An overall token bucket shared by all keys (client-go default: 10 qps, burst 100). */
export function bucketRateLimiter(qps: number, burst: number, clock: Clock): RateLimiter {
  const bucket = new TokenBucket(qps, burst, clock);
  return { when: () => bucket.reserve(), forget: () => {}, numRequeues: () => 0 };
}

/** The worst (longest) delay of several limiters; numRequeues from the largest. */
export function maxOfRateLimiter(...limiters: RateLimiter[]): RateLimiter {
  return {
    when: (key) => Math.max(...limiters.map((l) => l.when(key))),
    forget: (key) => limiters.forEach((l) => l.forget(key)),
    numRequeues: (key) => Math.max(...limiters.map((l) => l.numRequeues(key))),
  };
}

/** client-go's DefaultControllerRateLimiter: per-item 5 ms → 1000 s, overall 10 qps / burst 100. */
export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return maxOfRateLimiter(itemExponentialRateLimiter(5, 1_000_000), bucketRateLimiter(10, 100, clock));
}
