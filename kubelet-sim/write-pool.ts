import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { itemExponentialRateLimiter } from '../client/rate-limiter.js';
import { TokenBucket } from '../client/token-bucket.js';
import { createWorkQueue, type WorkQueue } from '../client/work-queue.js';

/**
 * Every write the simulated kubelets make goes through here: a keyed work queue (a key
 * waiting is held once, so ten status changes of a pod before its write cost one write
 * of the latest state), a fixed number of workers (bounded concurrency: the only overall
 * bound, so 5,000 nodes never have more than `concurrency` requests in flight) and one
 * token bucket per client (`clientOf(key)`: the node a write belongs to), as each real
 * kubelet has its own client with --kube-api-qps/--kube-api-burst. sync(key) reads
 * current state when it runs; a failure (a 429 from the apiserver's priority and
 * fairness included) is retried with per-key exponential back-off, which is the
 * back-pressure: the queue holds each key once, so it cannot grow past the keys there are.
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
  /** Per client (see clientOf). */
  qps: number;
  burst: number;
  /** Which client's budget a key's writes spend; default: one client for every key. */
  clientOf?(key: string): string;
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
  // Buckets of clients that wrote recently; a full bucket is the same as a new one, so
  // idle ones are dropped (bounded by the number of clients, swept when it grows).
  const buckets = new Map<string, { bucket: TokenBucket; used: number }>();
  const fullAfterMs = (opts.burst / opts.qps) * 1000;
  const bucketOf = (client: string): TokenBucket => {
    const now = opts.clock.now();
    let b = buckets.get(client);
    if (!b) {
      if (buckets.size >= 1024) for (const [k, v] of buckets) if (now - v.used > fullAfterMs) buckets.delete(k);
      b = { bucket: new TokenBucket(opts.qps, opts.burst, opts.clock), used: now };
      buckets.set(client, b);
    }
    b.used = now;
    return b.bucket;
  };
  const workers: Promise<void>[] = [];
  const sleepers = new Set<() => void>();

  /** Waits for a QPS token of the client; stop() cuts the wait short. */
  const throttle = (client: string): Promise<void> => {
    const ms = bucketOf(client).reserve();
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
        const client = opts.clientOf?.(key) ?? '';
        await opts.sync(key, async () => {
          await throttle(client);
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
