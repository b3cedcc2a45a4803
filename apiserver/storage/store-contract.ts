import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_VALUE_BYTES } from './limits.js';
import { StoreError, type Store, type StoreErrorCode, type StoreWatchEvent, type WatchHandlers } from './store.js';

/**
 * The contract every Store must keep, run unchanged against each backend (and against
 * the watch cache wrapping each). makeStore gives a fresh, empty-looking store per test
 * (for etcd: a fresh key prefix on a shared server, so revisions need not start at 1).
 *
 * Watch errors, Expired included, arrive through onError after watch() resolves.
 */
export function storeContract(
  name: string,
  makeStore: () => Promise<Store>,
  cleanup?: (store: Store) => Promise<void> | void,
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const open: Recorder[] = [];
    const watch = async (prefix: string, afterRevision?: number): Promise<Recorder> => {
      const rec = new Recorder();
      rec.handle = await store.watch(prefix, afterRevision === undefined ? {} : { afterRevision }, rec.handlers);
      open.push(rec);
      return rec;
    };

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      for (const rec of open.splice(0)) rec.handle?.close();
      await store.close();
      await cleanup?.(store);
    });

    it('creates and gets a key; a second create fails AlreadyExists', async () => {
      const kv = await store.create('/registry/pods/ns/a', '{"a":1}');
      expect(kv).toEqual({ key: '/registry/pods/ns/a', value: '{"a":1}', createRevision: kv.modRevision, modRevision: kv.modRevision });
      expect(kv.modRevision).toBeGreaterThan(0);
      expect(await store.get('/registry/pods/ns/a')).toEqual(kv);
      expect(await store.get('/registry/pods/ns/missing')).toBeNull();
      await expectCode(store.create('/registry/pods/ns/a', '{}'), 'AlreadyExists');
    });

    it('updates with compare-and-swap and reports Conflict with the current value', async () => {
      const created = await store.create('/registry/pods/ns/a', 'v1');
      const updated = await store.update('/registry/pods/ns/a', 'v2', created.modRevision);
      expect(updated.modRevision).toBeGreaterThan(created.modRevision);
      expect(updated).toMatchObject({ value: 'v2', createRevision: created.createRevision });
      const err = await expectCode(store.update('/registry/pods/ns/a', 'v3', created.modRevision), 'Conflict');
      expect(err.current).toEqual(updated);
      await expectCode(store.update('/registry/pods/ns/a', 'v3', 0), 'Conflict');
      await expectCode(store.update('/registry/pods/ns/missing', 'v', 1), 'NotFound');
      expect(await store.get('/registry/pods/ns/a')).toEqual(updated);
    });

    it('deletes with and without an expected revision', async () => {
      const a = await store.create('/registry/pods/ns/a', 'va');
      const b = await store.create('/registry/pods/ns/b', 'vb');
      const conflict = await expectCode(store.delete('/registry/pods/ns/a', a.modRevision - 1), 'Conflict');
      expect(conflict.current).toEqual(a);
      const deleted = await store.delete('/registry/pods/ns/a', a.modRevision);
      expect(deleted).toEqual({ key: a.key, value: 'va', createRevision: a.createRevision, modRevision: deleted.modRevision });
      expect(deleted.modRevision).toBeGreaterThan(b.modRevision);
      expect(await store.get(a.key)).toBeNull();
      const deletedB = await store.delete(b.key);
      expect(deletedB).toMatchObject({ value: 'vb', createRevision: b.createRevision });
      await expectCode(store.delete(b.key), 'NotFound');
      await expectCode(store.delete(b.key, b.modRevision), 'NotFound');
      const again = await store.create(a.key, 'va2');
      expect(again.createRevision).toBeGreaterThan(deletedB.modRevision);
    });

    it('gives every write a new revision, strictly increasing and shared across keys', async () => {
      const revs: number[] = [];
      const a = await store.create('/registry/a/x', '1');
      revs.push(a.modRevision);
      revs.push((await store.create('/registry/b/y', '1')).modRevision);
      revs.push((await store.update('/registry/a/x', '2', a.modRevision)).modRevision);
      revs.push((await store.delete('/registry/b/y')).modRevision);
      revs.push((await store.create('/registry/c/z', '1')).modRevision);
      for (let i = 1; i < revs.length; i++) expect(revs[i]).toBeGreaterThan(revs[i - 1]!);
      expect(await store.currentRevision()).toBeGreaterThanOrEqual(revs[revs.length - 1]!);
    });

    it('lists the keys under a prefix in key order, at the current revision', async () => {
      await store.create('/registry/pods/ns/b', 'b');
      await store.create('/registry/pods/ns/a', 'a');
      await store.create('/registry/podtemplates/ns/t', 't');
      await store.create('/registry/pods/other/c', 'c');
      const list = await store.list('/registry/pods/');
      expect(list.items.map((i) => i.key)).toEqual(['/registry/pods/ns/a', '/registry/pods/ns/b', '/registry/pods/other/c']);
      expect(list.more).toBe(false);
      expect(list.revision).toBe(await store.currentRevision());
      expect((await store.list('/registry/pods/ns/')).items.map((i) => i.value)).toEqual(['a', 'b']);
      expect((await store.list('/registry/nothing/')).items).toEqual([]);
    });

    it('paginates with limit, startAfter, more and remaining', async () => {
      for (const n of ['a', 'b', 'c', 'd', 'e']) await store.create(`/registry/cm/ns/${n}`, n);
      const p1 = await store.list('/registry/cm/', { limit: 2 });
      expect(p1.items.map((i) => i.value)).toEqual(['a', 'b']);
      expect(p1).toMatchObject({ more: true, remaining: 3 });
      const p2 = await store.list('/registry/cm/', { limit: 2, startAfter: p1.items[1]!.key, revision: p1.revision });
      expect(p2.items.map((i) => i.value)).toEqual(['c', 'd']);
      expect(p2).toMatchObject({ more: true, remaining: 1, revision: p1.revision });
      const p3 = await store.list('/registry/cm/', { limit: 2, startAfter: p2.items[1]!.key, revision: p1.revision });
      expect(p3.items.map((i) => i.value)).toEqual(['e']);
      expect(p3.more).toBe(false);
      const exact = await store.list('/registry/cm/', { limit: 5 });
      expect(exact.items).toHaveLength(5);
      expect(exact.more).toBe(false);
    });

    it('serves every page of one list from the same snapshot', async () => {
      for (const n of ['a', 'b', 'c', 'd']) await store.create(`/registry/cm/ns/${n}`, n);
      const p1 = await store.list('/registry/cm/', { limit: 2 });
      const c = (await store.get('/registry/cm/ns/c'))!;
      await store.update(c.key, 'c2', c.modRevision);
      await store.delete('/registry/cm/ns/d');
      await store.create('/registry/cm/ns/e', 'e');
      const p2 = await store.list('/registry/cm/', { startAfter: p1.items[1]!.key, revision: p1.revision });
      expect(p2.items.map((i) => i.value)).toEqual(['c', 'd']);
      expect(p2.revision).toBe(p1.revision);
      const now = await store.list('/registry/cm/', { startAfter: p1.items[1]!.key });
      expect(now.items.map((i) => i.value)).toEqual(['c2', 'e']);
    });

    it('lists at an old revision', async () => {
      const a1 = await store.create('/registry/s/ns/a', 'a1');
      const a2 = await store.update(a1.key, 'a2', a1.modRevision);
      const b = await store.create('/registry/s/ns/b', 'b');
      await store.delete(a1.key);
      const at = async (revision: number) => (await store.list('/registry/s/', { revision })).items.map((i) => `${i.key.slice(-1)}=${i.value}@${i.modRevision}`);
      expect(await at(a1.modRevision)).toEqual([`a=a1@${a1.modRevision}`]);
      expect(await at(a2.modRevision)).toEqual([`a=a2@${a2.modRevision}`]);
      expect(await at(b.modRevision)).toEqual([`a=a2@${a2.modRevision}`, `b=b@${b.modRevision}`]);
      expect(await at(await store.currentRevision())).toEqual([`b=b@${b.modRevision}`]);
      await expectCode(store.list('/registry/s/', { revision: (await store.currentRevision()) + 100 }), 'Unavailable');
    });

    it('counts the keys under a prefix', async () => {
      await store.create('/registry/pods/ns/a', 'a');
      await store.create('/registry/pods/ns/b', 'b');
      await store.create('/registry/services/ns/a', 'a');
      await store.delete('/registry/pods/ns/b');
      expect(await store.count('/registry/pods/')).toBe(1);
      expect(await store.count('/registry/')).toBe(2);
      expect(await store.count('/registry/none/')).toBe(0);
    });

    it('watches from now: only later events, with prevValue on updates', async () => {
      const a = await store.create('/registry/pods/ns/a', 'a1');
      const rec = await watch('/registry/pods/');
      const b = await store.create('/registry/pods/ns/b', 'b1');
      const a2 = await store.update(a.key, 'a2', a.modRevision);
      await rec.waitFor(2);
      expect(rec.events).toEqual([
        { type: 'put', key: b.key, value: 'b1', modRevision: b.modRevision, createRevision: b.createRevision },
        { type: 'put', key: a.key, value: 'a2', prevValue: 'a1', modRevision: a2.modRevision, createRevision: a.createRevision },
      ]);
    });

    it('replays from an old revision in order, then continues live', async () => {
      const a = await store.create('/registry/pods/ns/a', 'a1');
      const b = await store.create('/registry/pods/ns/b', 'b1');
      const a2 = await store.update(a.key, 'a2', a.modRevision);
      const rec = await watch('/registry/pods/', a.modRevision);
      const c = await store.create('/registry/pods/ns/c', 'c1');
      await rec.waitFor(3);
      expect(rec.events).toEqual([
        { type: 'put', key: b.key, value: 'b1', modRevision: b.modRevision, createRevision: b.createRevision },
        { type: 'put', key: a.key, value: 'a2', prevValue: 'a1', modRevision: a2.modRevision, createRevision: a.createRevision },
        { type: 'put', key: c.key, value: 'c1', modRevision: c.modRevision, createRevision: c.createRevision },
      ]);
      expect(rec.errors).toEqual([]);
    });

    it('filters watch events by prefix', async () => {
      const rec = await watch('/registry/pods/ns1/');
      await store.create('/registry/pods/ns2/a', 'x');
      await store.create('/registry/pods/ns10/a', 'x');
      await store.create('/registry/services/ns1/a', 'x');
      const mine = await store.create('/registry/pods/ns1/a', 'x');
      await rec.waitFor(1);
      expect(rec.events.map((e) => e.key)).toEqual([mine.key]);
    });

    it('sends delete events with the previous value and the deletion revision', async () => {
      const a = await store.create('/registry/pods/ns/a', 'a1');
      const rec = await watch('/registry/pods/');
      const deleted = await store.delete(a.key);
      await rec.waitFor(1);
      expect(rec.events).toEqual([{ type: 'delete', key: a.key, value: 'a1', modRevision: deleted.modRevision, createRevision: a.createRevision }]);
      const replay = await watch('/registry/pods/', a.modRevision);
      await replay.waitFor(1);
      expect(replay.events).toEqual(rec.events);
    });

    it('compacts: lists and watches before the compaction point fail Expired', async () => {
      const live = await watch('/registry/');
      const a = await store.create('/registry/pods/ns/a', 'a1');
      const a2 = await store.update(a.key, 'a2', a.modRevision);
      const b = await store.create('/registry/pods/ns/b', 'b1');
      await store.delete(b.key);
      const c = await store.create('/registry/pods/ns/c', 'c1');
      await live.waitFor(5);
      await store.compact(a2.modRevision);
      expect(await store.compactedRevision()).toBe(a2.modRevision + 1);
      await expectCode(store.list('/registry/pods/', { revision: a.modRevision }), 'Expired');
      expect((await store.list('/registry/pods/', { revision: a2.modRevision })).items.map((i) => i.value)).toEqual(['a2']);
      expect((await store.list('/registry/pods/')).items.map((i) => i.value)).toEqual(['a2', 'c1']);
      expect(await store.get(a.key)).toEqual(a2);

      const old = await watch('/registry/pods/', a.modRevision);
      await old.waitForError();
      expect(old.errors.map((e) => e.code)).toEqual(['Expired']);
      expect(old.events).toEqual([]);

      const fromPoint = await watch('/registry/pods/', a2.modRevision);
      await fromPoint.waitFor(3);
      expect(fromPoint.events.map((e) => [e.type, e.modRevision])).toEqual([
        ['put', b.modRevision],
        ['delete', b.modRevision + 1],
        ['put', c.modRevision],
      ]);
      // Compacting to an older point again is a no-op.
      await store.compact(a.modRevision);
      expect(await store.compactedRevision()).toBe(a2.modRevision + 1);
    });

    it('refuses values over the size limit with TooLarge', async () => {
      const big = 'x'.repeat(MAX_VALUE_BYTES + 1);
      await expectCode(store.create('/registry/cm/ns/big', big), 'TooLarge');
      const small = await store.create('/registry/cm/ns/big', 'x');
      await expectCode(store.update(small.key, big, small.modRevision), 'TooLarge');
    });

    it('ends open watches and refuses calls after close', async () => {
      const rec = await watch('/registry/');
      await store.close();
      await rec.waitForError();
      expect(rec.errors.map((e) => e.code)).toEqual(['Unavailable']);
      await expectCode(store.get('/registry/pods/ns/a'), 'Unavailable');
      await expectCode(store.create('/registry/pods/ns/a', 'x'), 'Unavailable');
      await store.close();
    });
  });
}

/** Awaits a rejection and checks it is a StoreError with the code. */
export async function expectCode(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected StoreError ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  return err as StoreError;
}

/**
 * Collects what a watch delivers. waitFor/waitForError resolve on delivery (no polling);
 * the timeout only turns a missing event into a readable failure.
 */
export class Recorder {
  events: StoreWatchEvent[] = [];
  errors: StoreError[] = [];
  progress: number[] = [];
  handle?: { close(): void };
  private waiters: Array<() => boolean> = [];

  readonly handlers: WatchHandlers = {
    onEvent: (e) => {
      this.events.push(e);
      this.wake();
    },
    onError: (e) => {
      this.errors.push(e);
      this.wake();
    },
    onProgress: (r) => {
      this.progress.push(r);
      this.wake();
    },
  };

  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    return this.until(() => this.events.length >= count, `${count} events`, timeoutMs);
  }

  waitForError(timeoutMs = 10_000): Promise<void> {
    return this.until(() => this.errors.length > 0, 'an error', timeoutMs);
  }

  waitForProgress(count: number, timeoutMs = 10_000): Promise<void> {
    return this.until(() => this.progress.length >= count, `${count} progress calls`, timeoutMs);
  }

  private until(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}; got events ${JSON.stringify(this.events)} errors ${this.errors.map((e) => e.code)}`));
      }, timeoutMs);
      const check = (): boolean => {
        if (!done()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => !w());
  }
}
