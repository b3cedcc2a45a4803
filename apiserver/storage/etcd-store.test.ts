import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdAvailable, startEtcd, type EtcdServer } from '../../test/helpers/etcd.js';
import { etcdToStoreError } from './etcd-errors.js';
import { createEtcdStore, rangeEnd } from './etcd-store.js';
import { expectCode, Recorder, storeContract } from './store-contract.js';
import type { Store } from './store.js';

let prefixes = 0;
/** Each store gets its own key prefix on the shared server, so tests do not see each other. */
const uniquePrefix = (): string => `/t${process.pid}-${++prefixes}`;

describe.skipIf(!etcdAvailable())('etcd store', () => {
  let etcd: EtcdServer;
  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  storeContract('etcd', () => createEtcdStore({ endpoints: [etcd.endpoint], prefix: uniquePrefix() }));

  describe('etcd specifics', () => {
    it('pages internally: a list larger than one range call is one consistent snapshot', async () => {
      const store = await createEtcdStore({ endpoints: [etcd.endpoint], prefix: uniquePrefix() });
      try {
        const total = 1234;
        for (let i = 0; i < total; i += 50) {
          await Promise.all(
            Array.from({ length: Math.min(50, total - i) }, (_, j) => store.create(`/registry/cm/ns/k${String(i + j).padStart(5, '0')}`, 'v')),
          );
        }
        const all = await store.list('/registry/cm/');
        expect(all.items).toHaveLength(total);
        expect(all.more).toBe(false);
        expect(all.items[total - 1]!.key).toBe('/registry/cm/ns/k01233');
        const page = await store.list('/registry/cm/', { limit: 700, startAfter: '/registry/cm/ns/k00099' });
        expect(page.items).toHaveLength(700);
        expect(page.items[0]!.key).toBe('/registry/cm/ns/k00100');
        expect(page).toMatchObject({ more: true, remaining: total - 800 });
        expect(await store.count('/registry/cm/')).toBe(total);
      } finally {
        await store.close();
      }
    });

    it('reports progress from etcd progress notifications', async () => {
      const store = await createEtcdStore({ endpoints: [etcd.endpoint], prefix: uniquePrefix() });
      try {
        const rec = new Recorder();
        const w = await store.watch('/registry/quiet/', {}, rec.handlers);
        await store.create('/registry/other/ns/a', 'x');
        const rev = await store.currentRevision();
        await rec.waitForProgress(2, 10_000);
        expect(rec.progress[rec.progress.length - 1]).toBeGreaterThanOrEqual(rev);
        expect(rec.events).toEqual([]);
        w.close();
      } finally {
        await store.close();
      }
    });

    it("maps etcd's own compacted-watch cancel to Expired (compaction by another client)", async () => {
      const prefix = uniquePrefix();
      const other = await createEtcdStore({ endpoints: [etcd.endpoint], prefix });
      const store = await createEtcdStore({ endpoints: [etcd.endpoint], prefix });
      try {
        const a = await other.create('/registry/pods/ns/a', '1');
        let last = a;
        for (let i = 0; i < 3; i++) last = await other.update(a.key, String(i), last.modRevision);
        await other.compact(last.modRevision);
        // `store` has not re-read the compaction point, so etcd itself refuses the watch.
        const rec = new Recorder();
        await store.watch('/registry/pods/', { afterRevision: a.modRevision }, rec.handlers);
        await rec.waitForError();
        expect(rec.errors.map((e) => e.code)).toEqual(['Expired']);
        expect(rec.events).toEqual([]);
        expect(await store.compactedRevision()).toBe(last.modRevision + 1);
      } finally {
        await other.close();
        await store.close();
      }
    });

    it('keeps keys of different prefixes apart', async () => {
      const [a, b] = [await createEtcdStore({ endpoints: [etcd.endpoint], prefix: uniquePrefix() }), await createEtcdStore({ endpoints: [etcd.endpoint], prefix: uniquePrefix() })];
      try {
        await a.create('/registry/pods/ns/x', 'from-a');
        expect(await b.get('/registry/pods/ns/x')).toBeNull();
        expect((await a.list('/registry/')).items.map((i) => i.key)).toEqual(['/registry/pods/ns/x']);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  describe('when the cluster is unreachable', () => {
    it('createEtcdStore fails Unavailable', async () => {
      const down = await startEtcd();
      const endpoint = down.endpoint;
      await down.stop();
      await expectCode(createEtcdStore({ endpoints: [endpoint], dialTimeoutMs: 1000 }), 'Unavailable');
    });

    it('calls fail Unavailable after the cluster goes away', async () => {
      const server = await startEtcd();
      let store: Store | undefined;
      try {
        store = await createEtcdStore({ endpoints: [server.endpoint], requestTimeoutMs: 2000 });
        await store.create('/registry/pods/ns/a', 'x');
        await server.stop();
        await expectCode(store.get('/registry/pods/ns/a'), 'Unavailable');
        await expectCode(store.create('/registry/pods/ns/b', 'x'), 'Unavailable');
        await expectCode(store.list('/registry/'), 'Unavailable');
      } finally {
        await store?.close();
        await server.stop();
      }
    });
  });
});

describe('etcdToStoreError', () => {
  class GRPCUnavailableError extends Error {}
  class GRPCResourceExhastedError extends Error {}
  class BrokenCircuitError extends Error {}
  it.each([
    [new Error('etcdserver: mvcc: required revision has been compacted'), 'Expired'],
    [new Error('etcdserver: mvcc: required revision is a future revision'), 'Unavailable'],
    [new Error('etcdserver: request is too large'), 'TooLarge'],
    [new GRPCResourceExhastedError('8 RESOURCE_EXHAUSTED: trouble'), 'TooLarge'],
    [new GRPCUnavailableError('14 UNAVAILABLE: No connection established'), 'Unavailable'],
    [new BrokenCircuitError('Execution prevented because the circuit breaker is open'), 'Unavailable'],
    [new Error('etcdserver: request timed out'), 'Unavailable'],
    [new Error('etcdserver: permission denied'), 'Internal'],
    ['not even an error', 'Internal'],
  ])('%s → %s', (err, code) => {
    expect(etcdToStoreError(err).code).toBe(code);
  });
});

describe('rangeEnd', () => {
  it.each([
    ['/registry/', '/registry0'],
    ['a\xff', 'b'],
  ])('%j → %j', (prefix, end) => {
    expect(rangeEnd(Buffer.from(prefix, 'latin1')).toString('latin1')).toBe(end);
  });
  it('is the end of the keyspace for an empty prefix', () => {
    expect(rangeEnd(Buffer.alloc(0))).toEqual(Buffer.from([0]));
  });
});
