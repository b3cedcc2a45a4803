import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { itemExponentialRateLimiter } from '../client/rate-limiter.js';
import { TokenBucket } from '../client/token-bucket.js';
import { createWorkQueue, type WorkQueue } from '../client/work-queue.js';

/**
 * Every write the simulated kubelets make goes through here: a keyed work queue (a key
 * waiting is held once, so ten status changes of a pod before its write cost one write
 * of the latest state), a fixed number of workers (bounded concurrency) and a token
 * bucket (QPS), so 5,000 nodes cannot flood the apiserver. sync(key) reads current state
 * when it runs; a failure is retried with per-key exponential back-off.
 */
export interface WritePool {
  enqueue(key: string): void;
  enqueueAfter(key: string, ms: number): void;
  /** Keys waiting to be written (not counting in-flight or delayed). */
  backlog(): number;
  /** Stops taking keys and waits for in-flight writes to finish. */
  stop(): Promise<void>;
}

export interface WritePoolOptions {
  clock: Clock;
  logger: Logger;
  concurrency: number;
  qps: number;
  burst: number;
  /**
   * Does the write for a key: calls `throttle()` before each apiserver request (checks
   * that end without a request cost no QPS). Throw to retry later; return when done.
   */
  sync(key: string, throttle: () => Promise<void>): Promise<void>;
  /** Whether a failed key should be retried (default: always). */
  retry?(key: string, err: unknown): boolean;
}

export function createWritePool(opts: WritePoolOptions): WritePool {
  const queue: WorkQueue = createWorkQueue({
    clock: opts.clock,
    rateLimiter: itemExponentialRateLimiter(200, 30_000),
    name: 'kubelet-sim',
  });
  const bucket = new TokenBucket(opts.qps, opts.burst, opts.clock);
  const workers: Promise<void>[] = [];
  const sleepers = new Set<() => void>();

  /** Waits for a QPS token; stop() cuts the wait short. */
  const throttle = (): Promise<void> => {
    const ms = bucket.reserve();
    if (ms === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        sleepers.delete(wake);
        opts.clock.clearTimeout(timer);
        resolve();
      };
      const timer = opts.clock.setTimeout(wake, ms);
      sleepers.add(wake);
    });
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        if (queue.shuttingDown()) continue;
        await opts.sync(key, async () => {
          await throttle();
          if (queue.shuttingDown()) throw new Error('kubelet-sim is stopping');
        });
        queue.forget(key);
      } catch (err) {
        if (!queue.shuttingDown() && (opts.retry?.(key, err) ?? true)) {
          opts.logger.debug({ err, key }, 'write failed; retrying');
          queue.addRateLimited(key);
        } else {
          queue.forget(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  for (let i = 0; i < opts.concurrency; i++) workers.push(worker());

  return {
    enqueue: (key) => queue.add(key),
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
    backlog: () => queue.len(),
    async stop() {
      queue.shutDown();
      for (const wake of [...sleepers]) wake();
      await Promise.all(workers);
    },
  };
}
