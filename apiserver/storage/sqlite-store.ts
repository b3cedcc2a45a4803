import Database from 'better-sqlite3';
import { realClock, type Clock, type TimerHandle } from '../../lib/clock.js';
import { checkValueSize } from './limits.js';
import { prefixEnd, prepareSchema, type HistoryRow, type Row } from './sqlite-schema.js';
import {
  StoreError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreWatch,
  type StoreWatchEvent,
  type WatchHandlers,
  type WatchOptions,
} from './store.js';
import { WatchSubscriber } from './watch-subscriber.js';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a throw-away store (tests). */
  path: string;
  /** Milliseconds between background compactions; 0 turns them off. Default 5 minutes. */
  compactEvery?: number;
  /** How many recent revisions background compaction keeps. Default 10,000. */
  keepRevisions?: number;
  /** Milliseconds between onProgress calls to open watches. Default 1,000. */
  progressIntervalMs?: number;
  clock?: Clock;
}

/** Rows removed per transaction while compacting, so readers are never blocked long. */
const COMPACT_BATCH = 1000;

/**
 * The embedded backend (the approach k3s takes with kine): see sqlite-schema.ts for the
 * layout. Writes are synchronous better-sqlite3 transactions in WAL mode with
 * synchronous=FULL, so a write is on disk before its promise resolves and a killed
 * process loses nothing it acknowledged.
 *
 * Watches are fed in-process after each committed write, so only writes made through this
 * store object are seen live: one apiserver process owns the file. A watch from an old
 * revision first replays the table, in the same synchronous step that registers it, so no
 * write can fall between replay and live delivery.
 *
 * Compaction semantics (shared with the etcd backend): after compact(C), lists at a
 * revision below C and watches from an afterRevision below C fail 'Expired'; lists at C
 * or later still work; compactedRevision() is C + 1.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const clock = options.clock ?? realClock;
  const db = openDatabase(options.path);
  const sql = prepareSchema(db);
  const subscribers = new Set<WatchSubscriber>();
  let closed = false;

  const revision = (): number => sql.revision.get()?.seq ?? 0;
  const meta = (key: string): number => sql.metaGet.get(key)?.value ?? 0;
  const latest = (key: string): Row | undefined => sql.latest.get(key);
  const live = (key: string): Row | undefined => {
    const row = latest(key);
    return row && !row.deleted ? row : undefined;
  };

  /** Runs fn as one IMMEDIATE transaction (the write lock taken up front). */
  const write = <T>(fn: () => T): T => db.transaction(fn).immediate();

  /** Appends the next revision's row; the caller holds the write lock. */
  const append = (row: Omit<Row, 'id'>): number => {
    const id = revision() + 1;
    sql.insert.run({ id, ...row });
    return id;
  };

  const publish = (event: StoreWatchEvent): void => {
    for (const sub of subscribers) sub.push(event);
  };

  /** Every public method: closed check, and one translation of errors to StoreError. */
  const guard = <T>(fn: () => T): Promise<T> => {
    try {
      if (closed) throw new StoreError('Unavailable', 'store is closed');
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(toStoreError(err));
    }
  };

  const checkReadable = (rev: number, what: string): void => {
    const compacted = meta('compact_rev');
    if (rev < compacted) {
      throw new StoreError('Expired', `${what} at revision ${rev}: required revision has been compacted (compacted to ${compacted})`);
    }
  };

  /**
   * Records the compaction point first (reads below it fail from then on), then removes
   * rows in small transactions, yielding between them so the event loop keeps serving.
   * An interrupted run resumes from 'physical_rev' at the next compaction.
   */
  const compact = async (rev: number): Promise<void> => {
    write(() => {
      const current = revision();
      if (rev > current) throw new StoreError('Internal', `cannot compact to revision ${rev}: current revision is ${current}`);
      if (rev > meta('compact_rev')) sql.metaSet.run('compact_rev', rev);
    });
    const target = meta('compact_rev');
    for (let lo = meta('physical_rev'); lo < target && !closed; ) {
      const hi = Math.min(target, lo + COMPACT_BATCH);
      write(() => {
        sql.deleteSuperseded.run({ lo, hi });
        sql.deleteTombstones.run({ lo, hi });
        sql.metaSet.run('physical_rev', hi);
      });
      lo = hi;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  /** Runs fn every ms on the clock until close(); the real clock's timers are unref'd. */
  const timers = new Set<TimerHandle>();
  const every = (ms: number, fn: () => void): void => {
    const handle = clock.setTimeout(() => {
      timers.delete(handle);
      if (closed) return;
      try {
        fn();
      } catch {
        // Background work (a read racing close, a busy file): try again next time.
      }
      every(ms, fn);
    }, ms);
    timers.add(handle);
  };

  const progressMs = options.progressIntervalMs ?? 1000;
  if (progressMs > 0) {
    every(progressMs, () => {
      if (subscribers.size === 0) return;
      const rev = revision();
      for (const sub of subscribers) sub.progress(rev);
    });
  }
  const compactMs = options.compactEvery ?? 5 * 60_000;
  const keep = options.keepRevisions ?? 10_000;
  if (compactMs > 0) {
    every(compactMs, () => {
      const target = revision() - keep;
      if (target > meta('compact_rev')) compact(target).catch(() => undefined);
    });
  }

  const store: Store = {
    name: 'sqlite',

    get: (key) => guard(() => toKeyValue(live(key))),

    list: (prefix, opts: ListOptions = {}) =>
      guard((): ListResult => {
        const current = revision();
        const rev = opts.revision && opts.revision > 0 ? opts.revision : current;
        if (rev > current) {
          throw new StoreError('Unavailable', `list at revision ${rev}: required revision is a future revision (current ${current})`);
        }
        checkReadable(rev, 'list');
        const params = { start: prefix, end: prefixEnd(prefix), after: opts.startAfter ?? '', rev };
        const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
        const rows = sql.listPage.all({ ...params, limit: limit > 0 ? limit + 1 : -1 });
        const more = limit > 0 && rows.length > limit;
        const items = (more ? rows.slice(0, limit) : rows).map((r) => toKeyValue(r)!);
        if (!more) return { items, revision: rev, more };
        const remaining = sql.countRange.get({ ...params, after: items[items.length - 1]!.key })!.n;
        return { items, revision: rev, more, remaining };
      }),

    count: (prefix) =>
      guard(() => sql.countRange.get({ start: prefix, end: prefixEnd(prefix), after: '', rev: revision() })!.n),

    create: (key, value) =>
      guard(() => {
        checkValueSize(key, value);
        const kv = write((): KeyValue => {
          const prev = latest(key);
          if (prev && !prev.deleted) throw new StoreError('AlreadyExists', `${key} already exists`);
          const id = revision() + 1;
          append({ name: key, created: 1, deleted: 0, create_revision: id, prev_revision: prev?.id ?? 0, value });
          return { key, value, createRevision: id, modRevision: id };
        });
        publish({ type: 'put', key, value, modRevision: kv.modRevision, createRevision: kv.createRevision });
        return kv;
      }),

    update: (key, value, expectedModRevision) =>
      guard(() => {
        checkValueSize(key, value);
        const { kv, prevValue } = write(() => {
          const prev = live(key);
          if (!prev) throw new StoreError('NotFound', `${key} not found`);
          if (prev.id !== expectedModRevision) {
            throw new StoreError('Conflict', `${key} is at revision ${prev.id}, not ${expectedModRevision}`, toKeyValue(prev)!);
          }
          const id = append({ name: key, created: 0, deleted: 0, create_revision: prev.create_revision, prev_revision: prev.id, value });
          return { kv: { key, value, createRevision: prev.create_revision, modRevision: id }, prevValue: prev.value };
        });
        publish({ type: 'put', key, value, prevValue, modRevision: kv.modRevision, createRevision: kv.createRevision });
        return kv;
      }),

    delete: (key, expectedModRevision) =>
      guard(() => {
        const kv = write((): KeyValue => {
          const prev = live(key);
          if (!prev) throw new StoreError('NotFound', `${key} not found`);
          if (expectedModRevision !== undefined && prev.id !== expectedModRevision) {
            throw new StoreError('Conflict', `${key} is at revision ${prev.id}, not ${expectedModRevision}`, toKeyValue(prev)!);
          }
          const id = append({ name: key, created: 0, deleted: 1, create_revision: prev.create_revision, prev_revision: prev.id, value: prev.value });
          return { key, value: prev.value, createRevision: prev.create_revision, modRevision: id };
        });
        publish({ type: 'delete', ...kv });
        return kv;
      }),

    watch: (prefix, opts: WatchOptions, handlers: WatchHandlers) =>
      guard((): StoreWatch => {
        const after = opts.afterRevision ?? revision();
        const sub = new WatchSubscriber(prefix, after, handlers, (s) => subscribers.delete(s));
        const compacted = meta('compact_rev');
        if (after < compacted) {
          sub.fail(new StoreError('Expired', `watch from revision ${after}: required revision has been compacted (compacted to ${compacted})`));
          return sub;
        }
        for (const row of sql.history.iterate({ start: prefix, end: prefixEnd(prefix), after })) sub.push(toEvent(row));
        subscribers.add(sub);
        return sub;
      }),

    currentRevision: () => guard(revision),

    compact: async (rev) => {
      try {
        await guard(() => compact(rev));
      } catch (err) {
        throw toStoreError(err);
      }
    },

    compactedRevision: () => guard(() => meta('compact_rev') + 1),

    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clock.clearTimeout(t);
      const err = new StoreError('Unavailable', 'store is closed');
      for (const sub of [...subscribers]) sub.fail(err);
      db.close();
    },
  };
  return store;
}

function openDatabase(path: string): Database.Database {
  try {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // FULL: the WAL is fsynced at every commit, so an acknowledged write survives a crash
    // of the process or the machine (NORMAL would only survive the process).
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    throw toStoreError(err);
  }
}

function toKeyValue(row: Row | undefined): KeyValue | null {
  if (!row) return null;
  return { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
}

function toEvent(row: HistoryRow): StoreWatchEvent {
  const event: StoreWatchEvent = {
    type: row.deleted ? 'delete' : 'put',
    key: row.name,
    value: row.value,
    modRevision: row.id,
    createRevision: row.create_revision,
  };
  // A create's prev row, if any, is the tombstone of an earlier life of the key.
  if (!row.deleted && !row.created && row.prev_value !== null) event.prevValue = row.prev_value;
  return event;
}

/** Translates anything better-sqlite3 throws into the store's one error type. */
export function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string') {
    if (/^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY)/.test(code)) return new StoreError('Unavailable', `sqlite: ${message}`);
  }
  if (/database connection is not open/.test(message)) return new StoreError('Unavailable', 'store is closed');
  return new StoreError('Internal', `sqlite: ${message}`);
}
