import { realClock, type Clock, type TimerHandle } from '../lib/clock.js';
import { itemExponentialRateLimiter, type RateLimiter } from './rate-limiter.js';

/**
 * client-go's rate-limited delaying work queue, for keys (`namespace/name`), never objects.
 *
 * Guarantees:
 * - a key is handed to at most one worker at a time: adding a key that is being
 *   processed marks it dirty, and it is queued again only when the worker calls done();
 * - a key waiting in the queue is held once, however often it is added;
 * - keys come out in the order they were first added (FIFO);
 * - after shutDown(), add() is ignored, queued keys still drain, and get() resolves
 *   undefined once the queue is empty.
 */
export interface WorkQueue {
  add(key: string): void;
  /** Adds key after ms on the queue's clock; an earlier pending addAfter wins. */
  addAfter(key: string, ms: number): void;
  /** addAfter with the rate limiter's delay for key (its failure count grows by one). */
  addRateLimited(key: string): void;
  /** Clears key's failure history (call on success). Does not remove a queued key. */
  forget(key: string): void;
  numRequeues(key: string): number;
  /** Next key; waits while empty. undefined once shut down and drained. Pair with done(). */
  get(): Promise<string | undefined>;
  done(key: string): void;
  /** Keys waiting (not processing, not delayed). */
  len(): number;
  shutDown(): void;
  shuttingDown(): boolean;
}

export interface WorkQueueOptions {
  clock?: Clock;
  /** Default: per-item exponential 5 ms → 1000 s (client-go's item limiter). */
  rateLimiter?: RateLimiter;
  /** For logs and metrics. */
  name?: string;
}

export function createWorkQueue(options: WorkQueueOptions = {}): WorkQueue {
  const clock = options.clock ?? realClock;
  const limiter = options.rateLimiter ?? itemExponentialRateLimiter();
  const queue: string[] = [];
  let head = 0; // index of the first live entry in queue (avoids O(n) shift)
  const dirty = new Set<string>();
  const processing = new Set<string>();
  const waiting = new Map<string, { at: number; timer: TimerHandle }>();
  const getters: ((key: string | undefined) => void)[] = [];
  let shutting = false;

  const take = (): string => {
    const key = queue[head++] as string;
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    processing.add(key);
    dirty.delete(key);
    return key;
  };

  const dispatch = (): void => {
    while (getters.length > 0 && head < queue.length) getters.shift()!(take());
    if (shutting && head >= queue.length) while (getters.length > 0) getters.shift()!(undefined);
  };

  const q: WorkQueue = {
    add(key) {
      if (shutting || dirty.has(key)) return;
      dirty.add(key);
      if (processing.has(key)) return;
      queue.push(key);
      dispatch();
    },

    addAfter(key, ms) {
      if (shutting) return;
      if (ms <= 0) return q.add(key);
      const at = clock.now() + ms;
      const existing = waiting.get(key);
      if (existing) {
        if (existing.at <= at) return;
        clock.clearTimeout(existing.timer);
      }
      const timer = clock.setTimeout(() => {
        waiting.delete(key);
        q.add(key);
      }, ms);
      waiting.set(key, { at, timer });
    },

    addRateLimited(key) {
      q.addAfter(key, limiter.when(key));
    },

    forget: (key) => limiter.forget(key),
    numRequeues: (key) => limiter.numRequeues(key),

    get() {
      if (head < queue.length) return Promise.resolve(take());
      if (shutting) return Promise.resolve(undefined);
      return new Promise((resolve) => getters.push(resolve));
    },

    done(key) {
      if (!processing.delete(key)) return;
      if (dirty.has(key)) {
        queue.push(key);
        dispatch();
      }
    },

    len: () => queue.length - head,

    shutDown() {
      if (shutting) return;
      shutting = true;
      for (const { timer } of waiting.values()) clock.clearTimeout(timer);
      waiting.clear();
      dispatch();
    },

    shuttingDown: () => shutting,
  };
  return q;
}
