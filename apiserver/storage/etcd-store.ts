import { CompareResult, CompareTarget, Etcd3, type ICompare, type IKeyValue, type IOptions, type IWatchResponse, type Watcher } from 'etcd3';
import { etcdToStoreError, isMessageTooLarge } from './etcd-errors.js';
import { checkValueSize } from './limits.js';
import { StoreError, type KeyValue, type ListOptions, type ListResult, type Store, type StoreWatchEvent } from './store.js';
import { WatchSubscriber } from './watch-subscriber.js';

export interface EtcdStoreOptions {
  /** Client URLs, e.g. ['http://127.0.0.1:2379']. */
  endpoints: string[];
  /** Prepended to every key in etcd (like kube-apiserver's --etcd-prefix); default none. */
  prefix?: string;
  /** How long createEtcdStore waits for the cluster to answer. Default 5 s. */
  dialTimeoutMs?: number;
  /** Deadline of each unary call (and of establishing a watch). Default 15 s. */
  requestTimeoutMs?: number;
}

/** Keys per range call: lists never ask etcd for a whole prefix at once. */
const PAGE_SIZE = 500;
/** One value may be up to 4 MiB (limits.ts); pages shrink when they would exceed this. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Where compact() records the compaction point, as kube-apiserver's compactor does. */
const COMPACT_KEY = 'compact_rev_key';

/**
 * The etcd backend, over the etcd3 client's raw KV/Watch RPCs so every request is exactly
 * the one intended: creates are `txn(create_revision == 0) put`, updates and conditional
 * deletes `txn(mod_revision == expected) put|delete else range`, lists page through
 * `range` with a limit, pinned to the first page's revision.
 *
 * Writes are not retried (a write that timed out may have been applied, and a retry would
 * then report a false Conflict or AlreadyExists); a failed call answers 'Unavailable'.
 *
 * onProgress comes from etcd's own watch progress notifications, which are exact but only
 * as frequent as the server's --experimental-watch-progress-notify-interval (default 10
 * minutes; test/helpers/etcd.ts uses 1 s). The watch cache gives its watchers frequent
 * progress from its own upstream watch.
 *
 * Compaction semantics are the SQLite backend's: after compact(C), lists below C and
 * watches from an afterRevision below C fail 'Expired'.
 */
export async function createEtcdStore(options: EtcdStoreOptions): Promise<Store> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const client = new Etcd3({
    hosts: options.endpoints,
    grpcOptions: { 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
    faultHandling: { global: noRetry },
  });
  const keys = keyCodec(options.prefix ?? '');
  try {
    const res = await client.kv.range({ key: keys.encode(COMPACT_KEY) }, { deadline: Date.now() + (options.dialTimeoutMs ?? 5000) });
    return etcdStore(client, keys, requestTimeoutMs, res.kvs[0] ? Number(res.kvs[0].value.toString()) : 0);
  } catch (err) {
    client.close();
    throw etcdToStoreError(err);
  }
}

function etcdStore(client: Etcd3, keys: KeyCodec, requestTimeoutMs: number, initialCompactPoint: number): Store {
  const kv = client.kv;
  const compactKey = keys.encode(COMPACT_KEY);
  const watches = new Map<WatchSubscriber, Watcher>();
  const cancelling = new Set<Promise<void>>();
  const cancel = (watcher: Watcher): void => {
    const done = watcher.cancel().catch(() => undefined);
    cancelling.add(done);
    void done.then(() => cancelling.delete(done));
  };
  let compactPoint = initialCompactPoint;
  let closed = false;

  /** Every public method: closed check, and the one translation to StoreError. */
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (closed) throw new StoreError('Unavailable', 'store is closed');
    try {
      return await fn();
    } catch (err) {
      throw etcdToStoreError(err);
    }
  };

  const toKeyValue = (item: IKeyValue): KeyValue => ({
    key: keys.decode(item.key),
    value: item.value.toString(),
    createRevision: Number(item.create_revision),
    modRevision: Number(item.mod_revision),
  });

  const getRaw = async (key: string): Promise<KeyValue | null> => {
    const res = await kv.range({ key: keys.encode(key) });
    return res.kvs[0] ? toKeyValue(res.kvs[0]) : null;
  };

  /** The key's current value for a failed compare: NotFound when absent, else Conflict. */
  const mismatch = (key: string, current: IKeyValue | undefined, expected: number): StoreError => {
    if (!current) return new StoreError('NotFound', `${key} not found`);
    const kvNow = toKeyValue(current);
    return new StoreError('Conflict', `${key} is at revision ${kvNow.modRevision}, not ${expected}`, kvNow);
  };

  const readCompactPoint = async (): Promise<{ point: number; mod: number }> => {
    const res = await kv.range({ key: compactKey });
    const item = res.kvs[0];
    const point = item ? Number(item.value.toString()) : 0;
    compactPoint = Math.max(compactPoint, point);
    return { point, mod: item ? Number(item.mod_revision) : 0 };
  };

  const store: Store = {
    name: 'etcd',

    get: (key) => call(() => getRaw(key)),

    list: (prefix, opts: ListOptions = {}) =>
      call(async (): Promise<ListResult> => {
        const base = keys.encode(prefix);
        const end = rangeEnd(base);
        let start = opts.startAfter !== undefined && opts.startAfter >= prefix ? keyAfter(keys.encode(opts.startAfter)) : base;
        let revision = opts.revision && opts.revision > 0 ? opts.revision : 0;
        const want = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
        const items: KeyValue[] = [];
        let pageSize = PAGE_SIZE;
        for (;;) {
          const limit = Math.min(pageSize, want - items.length);
          let res;
          try {
            res = await kv.range({ key: start, range_end: end, limit, revision });
          } catch (err) {
            if (isMessageTooLarge(err) && pageSize > 1) {
              pageSize = Math.ceil(pageSize / 2);
              continue;
            }
            throw err;
          }
          // Every later page reads the snapshot the first one saw.
          if (!revision) revision = Number(res.header.revision);
          items.push(...res.kvs.map(toKeyValue));
          if (!res.more) return { items, revision, more: false };
          if (items.length >= want) {
            // count is every key in [start, end) at the revision, before the limit.
            return { items, revision, more: true, remaining: Number(res.count) - res.kvs.length };
          }
          start = keyAfter(res.kvs[res.kvs.length - 1]!.key);
        }
      }),

    count: (prefix) =>
      call(async () => {
        const base = keys.encode(prefix);
        const res = await kv.range({ key: base, range_end: rangeEnd(base), count_only: true });
        return Number(res.count);
      }),

    create: (key, value) =>
      call(async () => {
        checkValueSize(key, value);
        const k = keys.encode(key);
        const res = await kv.txn({
          compare: [compare(k, 'Create', 0)],
          success: [{ request_put: { key: k, value: Buffer.from(value) } }],
        });
        if (!res.succeeded) throw new StoreError('AlreadyExists', `${key} already exists`);
        const rev = Number(res.header.revision);
        return { key, value, createRevision: rev, modRevision: rev };
      }),

    update: (key, value, expectedModRevision) =>
      call(async () => {
        checkValueSize(key, value);
        const k = keys.encode(key);
        // mod_revision == 0 would match an absent key, so it can never be a valid CAS.
        if (expectedModRevision <= 0) throw mismatch(key, (await kv.range({ key: k })).kvs[0], expectedModRevision);
        const res = await kv.txn({
          compare: [compare(k, 'Mod', expectedModRevision)],
          success: [{ request_put: { key: k, value: Buffer.from(value), prev_kv: true } }],
          failure: [{ request_range: { key: k } }],
        });
        if (!res.succeeded) throw mismatch(key, res.responses[0]?.response_range.kvs[0], expectedModRevision);
        const prev = res.responses[0]!.response_put.prev_kv;
        return { key, value, createRevision: Number(prev.create_revision), modRevision: Number(res.header.revision) };
      }),

    delete: (key, expectedModRevision) =>
      call(async () => {
        const k = keys.encode(key);
        if (expectedModRevision !== undefined && expectedModRevision <= 0) {
          throw mismatch(key, (await kv.range({ key: k })).kvs[0], expectedModRevision);
        }
        const condition = expectedModRevision === undefined ? compare(k, 'Create', 0, 'Greater') : compare(k, 'Mod', expectedModRevision);
        const res = await kv.txn({
          compare: [condition],
          success: [{ request_delete_range: { key: k, prev_kv: true } }],
          failure: [{ request_range: { key: k } }],
        });
        const current = res.responses[0]?.response_range?.kvs[0];
        if (!res.succeeded) throw mismatch(key, current, expectedModRevision ?? 0);
        const prev = res.responses[0]!.response_delete_range.prev_kvs[0];
        if (!prev) throw new StoreError('NotFound', `${key} not found`);
        return { key, value: prev.value.toString(), createRevision: Number(prev.create_revision), modRevision: Number(res.header.revision) };
      }),

    watch: (prefix, opts, handlers) =>
      call(async () => {
        const after = opts.afterRevision;
        const sub = new WatchSubscriber(prefix, after ?? 0, handlers, (s) => {
          const watcher = watches.get(s);
          watches.delete(s);
          if (watcher) cancel(watcher);
        });
        if (after !== undefined && after < compactPoint) {
          sub.fail(new StoreError('Expired', `watch from revision ${after}: required revision has been compacted (compacted to ${compactPoint})`));
          return sub;
        }
        const base = keys.encode(prefix);
        const builder = client.watch().inRange({ start: base, end: rangeEnd(base) }).withPreviousKV();
        if (after !== undefined) builder.startRevision(String(after + 1));
        const watcher = builder.watcher();
        // Listeners go on at once: responses can follow the creation in the same tick.
        watcher.on('data', (res: IWatchResponse) => {
          if (res.events.length === 0) sub.progress(Number(res.header.revision));
          for (const event of res.events) sub.push(toEvent(event, keys));
        });
        let established = false;
        const connected = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new StoreError('Unavailable', `etcd: watch not established within ${requestTimeoutMs} ms`)), requestTimeoutMs);
          timer.unref();
          watcher.once('connected', () => {
            clearTimeout(timer);
            resolve();
          });
          watcher.on('error', (err: Error) => {
            clearTimeout(timer);
            // etcd already dropped a watch it canceled: nothing to cancel on our side.
            watches.delete(sub);
            if (established) sub.fail(watchError(err));
            else reject(err);
          });
        });
        try {
          await connected;
        } catch (err) {
          if (err instanceof StoreError) cancel(watcher); // our timeout, not etcd's cancel
          const mapped = watchError(err);
          if (mapped.code !== 'Expired') throw mapped;
          sub.fail(mapped);
          return sub;
        }
        established = true;
        if (sub.closed) {
          cancel(watcher);
        } else {
          watches.set(sub, watcher);
        }
        return sub;
      }),

    currentRevision: () => call(async () => Number((await kv.range({ key: compactKey, count_only: true })).header.revision)),

    compact: (revision) =>
      call(async () => {
        let recorded = await readCompactPoint();
        if (revision <= recorded.point) return;
        try {
          await kv.compact({ revision, physical: true });
        } catch (err) {
          // Already compacted further by someone else: record our point all the same.
          if (etcdToStoreError(err).code !== 'Expired') throw err;
        }
        // Record the point with compare-and-swap; several apiservers may compact at once.
        for (let attempt = 0; attempt < 5 && revision > recorded.point; attempt++) {
          const res = await kv.txn({
            compare: [compare(compactKey, 'Mod', recorded.mod)],
            success: [{ request_put: { key: compactKey, value: Buffer.from(String(revision)) } }],
          });
          if (res.succeeded) break;
          recorded = await readCompactPoint();
        }
        compactPoint = Math.max(compactPoint, revision);
      }),

    compactedRevision: () => call(async () => (await readCompactPoint(), compactPoint + 1)),

    close: async () => {
      if (closed) return;
      closed = true;
      const err = new StoreError('Unavailable', 'store is closed');
      for (const sub of [...watches.keys()]) sub.fail(err); // each cancels its etcd watcher
      // A dead server never acknowledges the cancels: do not wait for it forever.
      await Promise.race([Promise.all(cancelling), delay(1000)]);
      client.close();
    },
  };
  return store;
}

/** Maps a watch failure; a cancel without a reason is etcd's "compacted" cancel. */
function watchError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/Watcher canceled:\s*$/.test(message) || /compact/i.test(message)) {
    return new StoreError('Expired', 'etcd: watch canceled: required revision has been compacted');
  }
  return etcdToStoreError(err);
}

function toEvent(event: IWatchResponse['events'][number], keys: KeyCodec): StoreWatchEvent {
  const { kv, prev_kv: prev } = event;
  if (event.type === 'Delete') {
    return {
      type: 'delete',
      key: keys.decode(kv.key),
      value: prev ? prev.value.toString() : '',
      modRevision: Number(kv.mod_revision),
      createRevision: prev ? Number(prev.create_revision) : 0,
    };
  }
  const out: StoreWatchEvent = {
    type: 'put',
    key: keys.decode(kv.key),
    value: kv.value.toString(),
    modRevision: Number(kv.mod_revision),
    createRevision: Number(kv.create_revision),
  };
  if (prev && kv.version !== '1') out.prevValue = prev.value.toString();
  return out;
}

function compare(key: Buffer, target: 'Create' | 'Mod', revision: number, result: 'Equal' | 'Greater' = 'Equal'): ICompare {
  const field = target === 'Create' ? 'create_revision' : 'mod_revision';
  return { key, target: CompareTarget[target], result: CompareResult[result], [field]: revision };
}

interface KeyCodec {
  encode(key: string): Buffer;
  decode(key: Buffer): string;
}

function keyCodec(prefix: string): KeyCodec {
  const p = Buffer.from(prefix);
  return {
    encode: (key) => Buffer.concat([p, Buffer.from(key)]),
    decode: (key) => key.subarray(p.length).toString(),
  };
}

/** The exclusive end of the range of keys starting with prefix (etcd's prefix range). */
export function rangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i] += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // every byte 0xff (or empty): to the end of the keyspace
}

/** The smallest key after key. */
function keyAfter(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.from([0])]);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * The context handed to etcd3's calls: one shared object with a signal that is never
 * aborted (etcd3 ignores it; a fresh AbortController per call was measurable CPU).
 */
const CALL_CONTEXT = { signal: new AbortController().signal, attempt: 0 };

/**
 * etcd3's global policy without its retries of calls that may have been applied (see the
 * note on writes above), but with failover: a call that never reached a member (its
 * connection was refused, or there was none) is tried on the next member, as clientv3's
 * balancer does. etcd3's pool walks one shuffled order of the members across these
 * attempts, and each member's circuit breaker then skips a dead one for a while; without
 * this, one killed member of three failed about a third of all requests.
 */
const noRetry = {
  execute: async <T>(fn: (ctx: { signal: AbortSignal; attempt: number }) => PromiseLike<T> | T): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(CALL_CONTEXT);
      } catch (err) {
        if (attempt >= MAX_FAILOVER_ATTEMPTS || !neverSent(err)) throw err;
      }
    }
  },
} as unknown as NonNullable<IOptions['faultHandling']>['global'];

/** Members tried after the first for a call that reached none (a 7-member cluster at most). */
const MAX_FAILOVER_ATTEMPTS = 6;

/** gRPC's UNAVAILABLE before a request was sent: no connection, connection refused. */
export function neverSent(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /No connection established|ECONNREFUSED|Connection refused|failed to connect/i.test(message);
}

