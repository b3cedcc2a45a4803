import { rootLogger, type Logger } from '../lib/logger.js';
import { isConflict, isNotFound } from './api-error.js';
import type { WorkQueue } from './work-queue.js';

/**
 * The sample-controller loop: run → worker → processNextItem → reconcile(key).
 *
 * reconcile re-reads the informer cache for key and makes the world match it. Outcomes:
 * - resolves (void): success, the key's backoff is forgotten;
 * - resolves { requeueAfterMs }: success, check again later (forget, then addAfter);
 * - throws NotFound: the object is gone, nothing to retry, dropped;
 * - throws anything else: retried with per-key exponential backoff (addRateLimited).
 *   Conflicts are expected under concurrency and logged at debug level only.
 */

export type ReconcileResult = void | { requeueAfterMs: number };

export interface ControllerOptions {
  name: string;
  queue: WorkQueue;
  /** Concurrent workers; one key is never reconciled by two at once (the queue's guarantee). */
  workers: number;
  reconcile: (key: string) => Promise<ReconcileResult>;
  logger?: Logger;
  /** Stop retrying a key after this many failures (dropped with an error log); default: never. */
  maxRetries?: number;
}

export interface ControllerHandle {
  /** Shuts the queue down and resolves when every worker has finished its current key. */
  stop(): Promise<void>;
  /** Resolves when all workers have exited (after stop(), or if the queue is shut down elsewhere). */
  readonly done: Promise<void>;
}

/** Handles one key; returns false once the queue is shut down and drained. */
export async function processNextItem(opts: ControllerOptions, log: Logger): Promise<boolean> {
  const key = await opts.queue.get();
  if (key === undefined) return false;
  try {
    const result = await opts.reconcile(key);
    opts.queue.forget(key);
    if (result && result.requeueAfterMs >= 0) opts.queue.addAfter(key, result.requeueAfterMs);
  } catch (err) {
    if (isNotFound(err)) {
      opts.queue.forget(key);
      log.debug({ key }, 'object not found; dropping key');
    } else if (opts.maxRetries !== undefined && opts.queue.numRequeues(key) >= opts.maxRetries) {
      opts.queue.forget(key);
      log.error({ err, key, retries: opts.maxRetries }, 'dropping key after too many failures');
    } else {
      opts.queue.addRateLimited(key);
      if (isConflict(err)) log.debug({ key }, 'conflict; requeued');
      else log.warn({ err, key, requeues: opts.queue.numRequeues(key) }, 'reconcile failed; requeued with backoff');
    }
  } finally {
    opts.queue.done(key);
  }
  return true;
}

export function runController(opts: ControllerOptions): ControllerHandle {
  const log = (opts.logger ?? rootLogger).child({ controller: opts.name });
  const worker = async (): Promise<void> => {
    while (await processNextItem(opts, log)) {
      // one key per iteration; the await above yields between keys
    }
  };
  const count = Math.max(1, opts.workers);
  log.info({ workers: count }, 'starting workers');
  const done = Promise.all(Array.from({ length: count }, () => worker())).then(() => {
    log.info('workers stopped');
  });
  return {
    done,
    async stop() {
      opts.queue.shutDown();
      await done;
    },
  };
}
