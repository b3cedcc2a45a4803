import type { KubeObject } from '../api/types.js';
import { runController, type ControllerHandle, type ReconcileResult } from '../client/controller-runner.js';
import type { EventHandlers, Informer } from '../client/informer.js';
import { objectKey } from '../client/store.js';
import { createWorkQueue, type WorkQueue } from '../client/work-queue.js';
import type { ControllerContext, RunningController } from './types.js';

/**
 * The sample-controller shape every Kubeling controller takes: informers → handlers that
 * enqueue `namespace/name` keys → a work queue → workers calling reconcile(key), which
 * re-reads the cache. Workers start only once the listed informers have synced, so
 * reconcile never acts on a half-filled cache; keys queued before that simply wait.
 */

export interface QueueControllerOptions {
  name: string;
  reconcile(key: string): Promise<ReconcileResult>;
  /** Caches that must be complete before the first reconcile. */
  waitFor: Pick<Informer, 'waitForSync'>[];
  /** Default 1 (kube uses 5–50 per controller; our reconciles are short and async). */
  workers?: number;
  maxRetries?: number;
  /** Called once the caches have synced, before workers start (e.g. to rebuild state). */
  onSynced?(): void;
}

export interface QueueController extends RunningController {
  readonly queue: WorkQueue;
  /** Resolves true once the workers run, false if stopped before the caches synced. */
  readonly started: Promise<boolean>;
}

export function startQueueController(ctx: ControllerContext, opts: QueueControllerOptions): QueueController {
  // The controller manager already binds `controller`; binding it again would print it twice.
  const log = ctx.logger.bindings().controller === opts.name ? ctx.logger : ctx.logger.child({ controller: opts.name });
  const queue = createWorkQueue({ clock: ctx.clock, name: opts.name });
  let handle: ControllerHandle | undefined;
  let stopped = false;

  const started = Promise.all(opts.waitFor.map((i) => i.waitForSync())).then((synced) => {
    if (stopped || !synced.every(Boolean)) return false;
    try {
      opts.onSynced?.();
    } catch (err) {
      log.error({ err }, 'onSynced failed');
    }
    handle = runController({ name: opts.name, queue, workers: opts.workers ?? 1, reconcile: opts.reconcile, logger: ctx.logger, maxRetries: opts.maxRetries });
    return true;
  });

  return {
    queue,
    started,
    async stop() {
      stopped = true;
      queue.shutDown();
      await handle?.done;
    },
  };
}

/** Handlers that enqueue keyOf(obj) for every add, update and delete. */
export function enqueueAll<T extends KubeObject>(queue: WorkQueue, keyOf: (obj: T) => string | undefined = objectKey): EventHandlers<T> {
  const add = (obj: T): void => {
    const key = keyOf(obj);
    if (key) queue.add(key);
  };
  return { onAdd: add, onUpdate: (_old, obj) => add(obj), onDelete: add };
}

/** Pods by spec.nodeName: the index node controllers use to find a node's pods. */
export const POD_NODE_NAME_INDEX = 'spec.nodeName';

export function podNodeNameIndex(obj: KubeObject): string[] {
  const nodeName = (obj.spec as { nodeName?: string } | undefined)?.nodeName;
  return nodeName ? [nodeName] : [];
}
