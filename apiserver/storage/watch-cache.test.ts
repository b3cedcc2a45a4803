import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/clock.js';
import { etcdAvailable, startEtcd, type EtcdServer } from '../../test/helpers/etcd.js';
import { EventRing } from './event-ring.js';
import { createEtcdStore } from './etcd-store.js';
import { createSqliteStore } from './sqlite-store.js';
import { Recorder, storeContract } from './store-contract.js';
import { StoreError, type Store, type StoreWatchEvent, type WatchHandlers } from './store.js';
import { withWatchCache } from './watch-cache.js';

storeContract('watch cache over sqlite', async () => withWatchCache(createSqliteStore({ path: ':memory:' })));

describe.skipIf(!etcdAvailable())('watch cache over etcd', () => {
  let etcd: EtcdServer;
  let n = 0;
  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterAll(async () => {
    await etcd?.stop();
  });
  storeContract('watch cache over etcd', async () =>
    withWatchCache(await createEtcdStore({ endpoints: [etcd.endpoint], prefix: `/wc${process.pid}-${++n}` })),
  );
});

/** Counts the upstream watches and lets a test end them with an error. */
function spyStore(inner: Store) {
  const upstream: Array<{ prefix: string; afterRevision?: number; handlers: WatchHandlers }> = [];
  const store: Store = {
    ...inner,
    watch: async (prefix, opts, handlers) => {
      upstream.push({ prefix, afterRevision: opts.afterRevision, handlers });
      return inner.watch(prefix, opts, handlers);
    },
    close: () => inner.close(),
  };
  return { store, upstream };
}

describe('watch cache specifics', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  const make = (capacity?: number, clock?: FakeClock) => {
    const spy = spyStore(createSqliteStore({ path: ':memory:', progressIntervalMs: 0, compactEvery: 0 }));
    const cache = withWatchCache(spy.store, { capacity, clock, progressIntervalMs: clock ? 1000 : 0 });
    stores.push(cache);
    return { cache, upstream: spy.upstream };
  };

  it('serves many watches from one upstream watch, each filtered by prefix', async () => {
    const { cache, upstream } = make();
    const recs = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const rec = new Recorder();
        await cache.watch(`/registry/pods/ns${i % 5}/`, {}, rec.handlers);
        return rec;
      }),
    );
    for (let i = 0; i < 5; i++) await cache.create(`/registry/pods/ns${i}/p`, String(i));
    await Promise.all(recs.map((r) => r.waitFor(1)));
    expect(upstream.map((u) => u.prefix)).toEqual(['/registry/']);
    recs.forEach((rec, i) => expect(rec.events.map((e) => e.value)).toEqual([String(i % 5)]));
  });

  it('replays a resumed watch from memory while the ring covers it', async () => {
    const { cache, upstream } = make();
    const first = new Recorder();
    await cache.watch('/registry/', {}, first.handlers);
    const a = await cache.create('/registry/cm/ns/a', '1');
    const b = await cache.create('/registry/cm/ns/b', '1');
    await first.waitFor(2);
    const resumed = new Recorder();
    await cache.watch('/registry/cm/', { afterRevision: a.modRevision }, resumed.handlers);
    await resumed.waitFor(1);
    expect(resumed.events.map((e) => e.modRevision)).toEqual([b.modRevision]);
    expect(upstream).toHaveLength(1);
  });

  it('hands a watch older than the ring to the underlying store', async () => {
    const { cache, upstream } = make(2);
    const first = new Recorder();
    await cache.watch('/registry/', {}, first.handlers);
    const kvs = [];
    for (const k of ['a', 'b', 'c', 'd']) kvs.push(await cache.create(`/registry/cm/ns/${k}`, k));
    await first.waitFor(4);
    const old = new Recorder();
    await cache.watch('/registry/cm/', { afterRevision: kvs[0]!.modRevision }, old.handlers);
    await old.waitFor(3);
    expect(old.events.map((e) => e.value)).toEqual(['b', 'c', 'd']);
    expect(upstream.map((u) => u.afterRevision)).toEqual([kvs[0]!.modRevision - 1, kvs[0]!.modRevision]);
  });

  it('with expireBeyondWindow, fails a watch older than the ring with Expired (kube cacher: too old resource version)', async () => {
    const spy = spyStore(createSqliteStore({ path: ':memory:', progressIntervalMs: 0, compactEvery: 0 }));
    const before = await spy.store.create('/registry/cm/ns/early', 'e');
    const cache = withWatchCache(spy.store, { capacity: 2, progressIntervalMs: 0, expireBeyondWindow: true });
    stores.push(cache);
    // The window starts with the cache, not at the first watch.
    const kvs = [];
    for (const k of ['a', 'b', 'c']) kvs.push(await cache.create(`/registry/cm/ns/${k}`, k));
    const inWindow = new Recorder();
    await cache.watch('/registry/cm/', { afterRevision: kvs[1]!.modRevision }, inWindow.handlers);
    await inWindow.waitFor(1);
    expect(inWindow.events.map((e) => e.value)).toEqual(['c']);
    for (const after of [kvs[0]!.modRevision - 1, before.modRevision - 1]) {
      const old = new Recorder();
      await cache.watch('/registry/cm/', { afterRevision: after }, old.handlers);
      await old.waitForError();
      expect(old.errors.map((e) => [e.code, e.message])).toEqual([['Expired', String(kvs[0]!.modRevision)]]);
      expect(old.events).toEqual([]);
    }
    expect(spy.upstream.map((u) => u.prefix)).toEqual(['/registry/']);
  });

  it('fails its watches with Unavailable when the upstream ends, then starts a new upstream', async () => {
    const { cache, upstream } = make();
    const rec = new Recorder();
    await cache.watch('/registry/', {}, rec.handlers);
    upstream[0]!.handlers.onError(new StoreError('Expired', 'compacted'));
    await rec.waitForError();
    expect(rec.errors.map((e) => e.code)).toEqual(['Unavailable']);
    const again = new Recorder();
    await cache.watch('/registry/', {}, again.handlers);
    expect(upstream).toHaveLength(2);
    const kv = await cache.create('/registry/cm/ns/a', 'x');
    await again.waitFor(1);
    expect(again.events.map((e) => e.modRevision)).toEqual([kv.modRevision]);
    expect(rec.events).toEqual([]);
  });

  it('sends progress with the newest upstream revision on the clock', async () => {
    const clock = new FakeClock();
    const { cache } = make(undefined, clock);
    const rec = new Recorder();
    await cache.watch('/registry/pods/', {}, rec.handlers);
    const other = await cache.create('/registry/cm/ns/a', 'x');
    const seen = new Recorder();
    await cache.watch('/registry/cm/', { afterRevision: other.modRevision - 1 }, seen.handlers);
    await seen.waitFor(1);
    clock.advance(1000);
    await rec.waitForProgress(1);
    expect(rec.progress).toEqual([other.modRevision]);
    expect(rec.events).toEqual([]);
  });

  it('passes watches outside /registry/ straight through', async () => {
    const { cache, upstream } = make();
    await cache.watch('/other/', {}, new Recorder().handlers);
    expect(upstream.map((u) => u.prefix)).toEqual(['/other/']);
  });
});

describe('EventRing', () => {
  const ev = (rev: number): StoreWatchEvent => ({ type: 'put', key: `/k${rev}`, value: '', modRevision: rev, createRevision: rev });

  it.each([
    { name: 'under capacity', pushes: [11, 12, 13], since: 11, want: [12, 13], floor: 10 },
    { name: 'after eviction', pushes: [11, 12, 13, 14, 15], since: 12, want: [13, 14, 15], floor: 12 },
    { name: 'everything newer', pushes: [11, 12], since: 10, want: [11, 12], floor: 10 },
    { name: 'nothing newer', pushes: [11, 12], since: 12, want: [], floor: 10 },
  ])('$name', ({ pushes, since, want, floor }) => {
    const ring = new EventRing(3, 10);
    for (const r of pushes) ring.push(ev(r));
    expect(ring.since(since).map((e) => e.modRevision)).toEqual(want);
    expect(ring.floor).toBe(floor);
  });

  it('trims through a compaction point', () => {
    const ring = new EventRing(5, 10);
    for (const r of [11, 12, 13]) ring.push(ev(r));
    ring.trimThrough(12);
    expect(ring.floor).toBe(12);
    expect(ring.since(12).map((e) => e.modRevision)).toEqual([13]);
    expect(ring.length).toBe(1);
  });
});
