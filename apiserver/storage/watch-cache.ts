import { realClock, type Clock } from '../../lib/clock.js';
import { EventRing } from './event-ring.js';
import { StoreError, type Store, type StoreWatch, type WatchHandlers, type WatchOptions } from './store.js';
import { WatchSubscriber } from './watch-subscriber.js';

export interface WatchCacheOptions {
  /** How many recent events are kept for watches that resume. Default 10,000. */
  capacity?: number;
  /** Milliseconds between onProgress calls to cached watches. Default 1,000; 0 turns off. */
  progressIntervalMs?: number;
  clock?: Clock;
  /**
   * kube-apiserver's cacher semantics (the apiserver sets it): a watch from a revision
   * older than the ring fails 'Expired' ("too old resource version: N (floor)") instead of
   * replaying the store's history, and the upstream starts at once, so the window begins
   * when the apiserver starts. Off (the default, and the store contract's view): older
   * watches are handed to the underlying store.
   */
  expireBeyondWindow?: boolean;
}

/** The only prefix the cache watches upstream; watches elsewhere go straight through. */
const CACHED_PREFIX = '/registry/';

/**
 * A store wrapper in the manner of kube-apiserver's cacher: ONE upstream watch on
 * '/registry/' (opened at the first watch, from the then-current revision) feeds a ring of
 * the last `capacity` events and fans them out in memory to any number of watches, each
 * filtered by prefix. A watch from an afterRevision the ring still covers is replayed
 * from memory; an older one is handed to the underlying store (which answers 'Expired'
 * if compacted). Reads and writes are delegated untouched.
 *
 * Upstream failure: the upstream watch only ends for good (etcd3 reconnects by itself),
 * e.g. when it falls behind compaction. The cache then fails every cached watch with
 * 'Unavailable' (clients re-watch from their last revision, as Kubernetes clients do
 * when a watch closes), drops its ring and opens a fresh upstream at the next watch.
 *
 * Progress: every progressIntervalMs each cached watch is told the latest revision the
 * upstream watch has delivered or reported, which is exact because that watch covers
 * every key the apiserver writes.
 */
export function withWatchCache(store: Store, options: WatchCacheOptions = {}): Store {
  const capacity = options.capacity ?? 10_000;
  const clock = options.clock ?? realClock;
  const subscribers = new Set<WatchSubscriber>();
  let ring: EventRing | undefined; // set while the upstream watch is live
  let upstream: StoreWatch | undefined;
  let starting: Promise<EventRing> | undefined;
  let generation = 0; // bumped when an upstream is abandoned; stale callbacks are ignored
  let latest = 0;
  let closed = false;

  const failAll = (err: StoreError): void => {
    for (const sub of [...subscribers]) sub.fail(err);
  };

  const abandon = (reason: StoreError): void => {
    generation++;
    ring = undefined;
    starting = undefined;
    upstream?.close();
    upstream = undefined;
    failAll(reason);
  };

  const start = async (): Promise<EventRing> => {
    const gen = ++generation;
    const from = await store.currentRevision();
    const events = new EventRing(capacity, from);
    const handle = await store.watch(
      CACHED_PREFIX,
      { afterRevision: from },
      {
        onEvent: (event) => {
          if (gen !== generation) return;
          events.push(event);
          latest = Math.max(latest, event.modRevision);
          for (const sub of subscribers) sub.push(event);
        },
        onProgress: (revision) => {
          if (gen === generation) latest = Math.max(latest, revision);
        },
        onError: (err) => {
          if (gen !== generation) return;
          abandon(new StoreError('Unavailable', `watch cache: upstream watch ended (${err.code}: ${err.message}); watch again`));
        },
      },
    );
    if (gen !== generation || closed) {
      handle.close();
      throw new StoreError('Unavailable', 'watch cache: upstream watch ended while starting; watch again');
    }
    upstream = handle;
    latest = Math.max(latest, from);
    ring = events;
    return events;
  };

  const ensureStarted = (): Promise<EventRing> => {
    if (ring) return Promise.resolve(ring);
    if (!starting) {
      const attempt = start();
      starting = attempt;
      attempt.catch(() => {
        if (starting === attempt) starting = undefined;
      });
    }
    return starting;
  };

  const tick = (): void => {
    if (closed) return;
    for (const sub of subscribers) sub.progress(latest);
    timer = clock.setTimeout(tick, progressMs);
  };
  const progressMs = options.progressIntervalMs ?? 1000;
  let timer = progressMs > 0 ? clock.setTimeout(tick, progressMs) : undefined;
  // The window starts with the apiserver, as the cacher's initial list does. A failure here
  // is retried by the first watch.
  if (options.expireBeyondWindow) ensureStarted().catch(() => undefined);

  const watch = async (prefix: string, opts: WatchOptions, handlers: WatchHandlers): Promise<StoreWatch> => {
    if (closed) throw new StoreError('Unavailable', 'store is closed');
    if (!prefix.startsWith(CACHED_PREFIX)) return store.watch(prefix, opts, handlers);
    for (let attempt = 0; ; attempt++) {
      const events = await ensureStarted();
      // "From now" means the store's revision, which may be ahead of the ring's newest
      // event: the watch then simply waits for events above it.
      const after = opts.afterRevision ?? (await store.currentRevision());
      if (events !== ring) {
        // The upstream was replaced while we waited: start over on the new one.
        if (attempt < 2) continue;
        throw new StoreError('Unavailable', 'watch cache: upstream watch is restarting; watch again');
      }
      if (after < events.floor) {
        if (!options.expireBeyondWindow) return store.watch(prefix, { afterRevision: after }, handlers);
        // As the store contract says, watch errors arrive through onError after watch() resolves.
        const sub = new WatchSubscriber(prefix, after, handlers, () => undefined);
        queueMicrotask(() => sub.fail(new StoreError('Expired', String(events.floor))));
        return sub;
      }
      const sub = new WatchSubscriber(prefix, after, handlers, (s) => subscribers.delete(s));
      for (const event of events.since(after)) sub.push(event);
      subscribers.add(sub);
      return sub;
    }
  };

  return {
    name: store.name,
    get: (key) => store.get(key),
    list: (prefix, opts) => store.list(prefix, opts),
    count: (prefix) => store.count(prefix),
    create: (key, value) => store.create(key, value),
    update: (key, value, expected) => store.update(key, value, expected),
    delete: (key, expected) => store.delete(key, expected),
    watch,
    currentRevision: () => store.currentRevision(),
    compact: async (revision) => {
      await store.compact(revision);
      // The ring must not serve history the store has discarded.
      ring?.trimThrough(revision);
    },
    compactedRevision: () => store.compactedRevision(),
    close: async () => {
      if (!closed) {
        closed = true;
        if (timer) clock.clearTimeout(timer);
        abandon(new StoreError('Unavailable', 'store is closed'));
      }
      await store.close();
    },
  };
}
