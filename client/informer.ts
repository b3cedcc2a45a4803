import type { KubeObject } from '../api/types.js';
import { realClock, type Clock, type TimerHandle } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { isGone, isRetriable } from './api-error.js';
import { Backoff, Sleeper } from './backoff.js';
import { resourceId, type ResourceRef } from './resource.js';
import type { KubeList, RestClient } from './rest-client.js';
import { createStore, objectKey, type IndexFunc, type ReadonlyStore } from './store.js';
import type { WatchEvent, WatchStream } from './watch-stream.js';

/**
 * An informer: list (paged) + watch of one resource into a read-only indexed store, with
 * event handlers — client-go's reflector and shared index informer in one.
 *
 * Contract:
 * - The store is updated before handlers run, so handlers may read it.
 * - After a relist (start, or a 410 Expired/Gone watch) handlers see the difference
 *   between the cache and the new list: adds, updates (resourceVersion changed) and
 *   deletes with `finalStateUnknown: true` (the object is the last one the cache held).
 * - Watches resume from the last seen resourceVersion (bookmarks included); failures back
 *   off exponentially (0.8 s → 30 s), so a dead apiserver is not hammered.
 * - Handlers must not block or throw; they typically enqueue a key. A thrown error is
 *   logged and does not disturb other handlers.
 */

export interface DeleteInfo {
  /** True when the delete was inferred from a relist: the object may have changed since. */
  finalStateUnknown: boolean;
}

export interface EventHandlers<T extends KubeObject = KubeObject> {
  onAdd?(obj: T): void;
  /** Also called with old === new on resync (resyncMs). */
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T, info: DeleteInfo): void;
}

export interface InformerOptions<T extends KubeObject = KubeObject> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Periodic onUpdate(obj, obj) for every cached object; 0/absent: never. */
  resyncMs?: number;
  clock?: Clock;
  logger?: Logger;
  indexers?: Record<string, IndexFunc<T>>;
  /** List page size; default 500. */
  pageSize?: number;
  /** For tests: the jitter source of the backoff. */
  random?: () => number;
  /**
   * Applied to every object before it is cached (client-go's SetTransform): a component
   * that reads few fields drops the rest (e.g. metadata.managedFields), so its cache
   * holds less. The result must keep metadata name, namespace and resourceVersion.
   */
  transform?: (obj: T) => T;
}

export interface Informer<T extends KubeObject = KubeObject> {
  readonly store: ReadonlyStore<T>;
  /** Registers handlers; if the cache already holds objects, they replay as onAdd. Returns an unsubscribe. */
  addEventHandler(handlers: EventHandlers<T>): () => void;
  /** Adds an index; a name already present is kept (same name must mean same function). */
  addIndexer(name: string, fn: IndexFunc<T>): void;
  hasSynced(): boolean;
  /** Resolves true once the first list is in the store, or false if stopped before that. */
  waitForSync(): Promise<boolean>;
  /** Starts list+watch; idempotent. */
  start(): void;
  /** Stops watching and timers; idempotent. The store keeps its last contents. */
  stop(): void;
  /** The resourceVersion the cache is current to ('' before the first list). */
  lastSyncResourceVersion(): string;
}

/** The short gap that makes a watch ending without events count as a failure (no hot loop). */
const SHORT_WATCH_MS = 1000;

/** A watch the server ended at once without events: retried from the same resourceVersion after backoff. */
class ShortWatchError extends Error {}

export function createInformer<T extends KubeObject = KubeObject>(
  client: RestClient,
  ref: ResourceRef,
  options: InformerOptions<T> = {},
): Informer<T> {
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const log = (options.logger ?? rootLogger).child({ component: 'informer', resource: resourceId(ref), namespace: options.namespace });
  const store = createStore<T>(options.indexers ?? {});
  const handlers = new Set<EventHandlers<T>>();
  const sleeper = new Sleeper(clock);
  const backoff = new Backoff(800, 30_000, 1.0, random);
  const syncWaiters: ((synced: boolean) => void)[] = [];
  let started = false;
  let stopped = false;
  let synced = false;
  let lastRV = '';
  let watch: WatchStream<T> | undefined;
  let resyncTimer: TimerHandle | undefined;

  const dispatch = (fn: (h: EventHandlers<T>) => void): void => {
    for (const h of handlers) {
      try {
        fn(h);
      } catch (err) {
        log.error({ err }, 'event handler threw');
      }
    }
  };

  const transform = options.transform ?? ((o: T) => o);
  const applyEvent = (event: WatchEvent<T>): void => {
    const obj = event.type === 'BOOKMARK' ? event.object : transform(event.object);
    const rv = obj.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (rv) lastRV = rv;
      return;
    }
    const key = objectKey(obj);
    if (event.type === 'DELETED') {
      const old = store.remove(key);
      if (old) dispatch((h) => h.onDelete?.(obj, { finalStateUnknown: false }));
    } else {
      const old = store.upsert(obj);
      if (old) dispatch((h) => h.onUpdate?.(old, obj));
      else dispatch((h) => h.onAdd?.(obj));
    }
    if (rv) lastRV = rv;
  };

  /** Replaces the cache with a fresh list and tells handlers what changed. */
  const replace = (list: KubeList<T>): void => {
    const seen = new Set<string>();
    for (const item of list.items) {
      const obj = transform(item);
      const key = objectKey(obj);
      seen.add(key);
      const old = store.upsert(obj);
      if (!old) dispatch((h) => h.onAdd?.(obj));
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) dispatch((h) => h.onUpdate?.(old, obj));
    }
    for (const key of store.listKeys()) {
      if (seen.has(key)) continue;
      const old = store.remove(key)!;
      dispatch((h) => h.onDelete?.(old, { finalStateUnknown: true }));
    }
    lastRV = list.metadata.resourceVersion ?? '';
    if (!synced) {
      synced = true;
      for (const w of syncWaiters.splice(0)) w(true);
      log.debug({ items: list.items.length, resourceVersion: lastRV }, 'synced');
    }
  };

  const selectors = { namespace: options.namespace, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };

  const list = async (): Promise<KubeList<T>> => {
    try {
      return await client.listAll<T>(ref, { ...selectors, pageSize: options.pageSize ?? 500 });
    } catch (err) {
      // The snapshot behind a continue token was compacted mid-list: list in one call.
      if (!isGone(err)) throw err;
      log.info('continue token expired during paged list; listing without pagination');
      return client.list<T>(ref, selectors);
    }
  };

  /**
   * Lists and replaces the cache; false when stopped meanwhile. Its own function so the
   * decoded list is garbage once the cache holds it: a variable of run()'s, suspended
   * across the long watch below, kept the whole untransformed list alive (with a
   * transform, that doubled the cache's memory).
   */
  const relist = async (): Promise<boolean> => {
    const fresh = await list();
    if (stopped) return false;
    replace(fresh);
    return true;
  };

  const run = async (): Promise<void> => {
    let needList = true;
    let relistedForGone = false;
    while (!stopped) {
      try {
        if (needList) {
          if (!(await relist())) break;
          needList = false;
        }
        const openedAt = clock.now();
        const w = await client.watch<T>(ref, {
          ...selectors,
          resourceVersion: lastRV,
          allowWatchBookmarks: true,
          // client-go spreads watch lifetimes over 5–10 minutes so reconnects do not align.
          timeoutSeconds: Math.floor(300 * (1 + random())),
        });
        if (stopped) {
          w.close();
          break;
        }
        watch = w;
        let events = 0;
        for await (const event of w) {
          if (stopped) break;
          applyEvent(event);
          if (++events === 1) {
            backoff.reset();
            relistedForGone = false;
          }
        }
        watch = undefined;
        if (stopped) break;
        if (events === 0 && clock.now() - openedAt < SHORT_WATCH_MS) {
          throw new ShortWatchError('watch closed immediately without events');
        }
      } catch (err) {
        watch = undefined;
        if (stopped) break;
        if (isGone(err)) {
          needList = true;
          log.info({ resourceVersion: lastRV }, 'watch history expired; relisting');
          // The first 410 relists at once; a second one without progress in between backs off.
          if (!relistedForGone) {
            relistedForGone = true;
            continue;
          }
        } else if (!isRetriable(err) && !(err instanceof ShortWatchError)) {
          // Forbidden, bad request, undecodable frames…: start again from a clean list.
          needList = true;
          log.warn({ err }, 'list/watch failed; relisting after backoff');
        } else {
          log.debug({ err }, 'watch failed; retrying after backoff');
        }
        await sleeper.sleep(backoff.next());
      }
    }
  };

  const scheduleResync = (): void => {
    const every = options.resyncMs ?? 0;
    if (every <= 0 || stopped) return;
    resyncTimer = clock.setTimeout(() => {
      if (synced) for (const obj of store.list()) dispatch((h) => h.onUpdate?.(obj, obj));
      scheduleResync();
    }, every);
  };

  return {
    store,

    addEventHandler(h) {
      handlers.add(h);
      for (const obj of store.list()) {
        try {
          h.onAdd?.(obj);
        } catch (err) {
          log.error({ err }, 'event handler threw');
        }
      }
      return () => void handlers.delete(h);
    },

    addIndexer(name, fn) {
      if (!store.hasIndex(name)) store.addIndexer(name, fn);
    },

    hasSynced: () => synced,

    waitForSync() {
      if (synced) return Promise.resolve(true);
      if (stopped) return Promise.resolve(false);
      return new Promise((resolve) => syncWaiters.push(resolve));
    },

    start() {
      if (started || stopped) return;
      started = true;
      scheduleResync();
      run().catch((err) => log.error({ err }, 'informer loop crashed'));
    },

    stop() {
      if (stopped) return;
      stopped = true;
      watch?.close();
      if (resyncTimer) clock.clearTimeout(resyncTimer);
      sleeper.wakeAll();
      for (const w of syncWaiters.splice(0)) w(false);
    },

    lastSyncResourceVersion: () => lastRV,
  };
}

export interface InformerFactoryOptions {
  resyncMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Default namespace for informers that do not name one ('' or absent: all). */
  namespace?: string;
}

export interface InformerKeyOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * One informer per (resource, namespace, selectors), shared by every consumer that asks:
 * one list+watch and one cache however many controllers read it.
 */
export interface SharedInformerFactory {
  informerFor<T extends KubeObject = KubeObject>(ref: ResourceRef, opts?: InformerKeyOptions): Informer<T>;
  /** Starts every informer made so far; informers made after start() start at once. */
  start(): void;
  /** Resolves true once every informer made so far has synced (false if one was stopped). */
  waitForSync(): Promise<boolean>;
  stop(): void;
}

export function createSharedInformerFactory(client: RestClient, options: InformerFactoryOptions = {}): SharedInformerFactory {
  const informers = new Map<string, Informer<KubeObject>>();
  let started = false;
  return {
    informerFor<T extends KubeObject>(ref: ResourceRef, opts: InformerKeyOptions = {}): Informer<T> {
      const namespace = ref.namespaced ? (opts.namespace ?? options.namespace ?? '') : '';
      const key = [resourceId(ref), namespace, opts.labelSelector ?? '', opts.fieldSelector ?? ''].join('|');
      let informer = informers.get(key);
      if (!informer) {
        informer = createInformer<KubeObject>(client, ref, {
          namespace: namespace || undefined,
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          resyncMs: options.resyncMs,
          clock: options.clock,
          logger: options.logger,
        });
        informers.set(key, informer);
        if (started) informer.start();
      }
      return informer as unknown as Informer<T>;
    },

    start() {
      started = true;
      for (const i of informers.values()) i.start();
    },

    async waitForSync() {
      const results = await Promise.all([...informers.values()].map((i) => i.waitForSync()));
      return results.every(Boolean);
    },

    stop() {
      for (const i of informers.values()) i.stop();
    },
  };
}
