import type { KubeObject, ResourceType } from '../../api/types.js';
import type { Registries } from '../registry/registries.js';
import type { StoreError, StoreWatch, StoreWatchEvent } from '../storage/store.js';
import { decodeValue } from '../registry/codec.js';
import { byKey, CACHED_KINDS, RELATION_INDEXES, type RelationIndex } from './relation-indexes.js';

/**
 * The apiserver's watch-fed cache for GraphQL relation fields, shared by every query and
 * subscription: an informer-like in-memory copy of the kinds relations read (pods,
 * nodes, events, …; relation-indexes.ts), each with the indexes relations look up (pods
 * by node and by controller uid, events by involved object uid, …). A relation then costs
 * a map lookup instead of a storage list and JSON decode per request.
 *
 * A kind is started on its first read: listed at the revision the cache's watch has
 * reached, then kept by that watch. ONE watch on `/registry/` feeds every kind; because
 * it sees every write, its latest revision is exact progress for all of them.
 *
 * Consistency (as kube-apiserver's consistent reads from its watch cache, KEP-2340): a
 * read first asks the store for its current revision and waits until the watch has
 * delivered it, so a relation sees every write that completed before the request began
 * (read-your-writes), and each field answers from the cache as it is when it resolves
 * (as an informer's lister would; a change arriving mid-query may show in later fields).
 * If the cache cannot catch up within `waitMs`, the caller reads storage instead.
 *
 * Watch failures: an ended watch resumes from the last delivered revision; when that
 * history is gone (410 Expired, compaction) every started kind is listed again, as a
 * reflector relists. Readers wait for the resync (or fall back to storage after `waitMs`).
 *
 * Cached objects are read-only and shared; `metadata.managedFields` is dropped from them
 * (a query that asks for managedFields reads storage).
 */

interface Bucket {
  members: Map<string, KubeObject>;
  /** Storage order, then the index's order; rebuilt on read after a change (never mutated once handed out). */
  sorted?: KubeObject[];
}

class Bucketed {
  readonly buckets = new Map<string, Bucket>();
  constructor(readonly index?: RelationIndex) {}

  add(value: string, key: string, obj: KubeObject): void {
    let b = this.buckets.get(value);
    if (!b) this.buckets.set(value, (b = { members: new Map() }));
    b.members.set(key, obj);
    b.sorted = undefined;
  }

  remove(value: string, key: string): void {
    const b = this.buckets.get(value);
    if (!b) return;
    b.members.delete(key);
    b.sorted = undefined;
    if (b.members.size === 0) this.buckets.delete(value);
  }

  items(value: string): KubeObject[] {
    const b = this.buckets.get(value);
    if (!b) return [];
    if (!b.sorted) {
      const sorted = [...b.members.values()].sort(byKey);
      if (this.index?.order) sorted.sort(this.index.order);
      b.sorted = sorted;
    }
    return b.sorted;
  }
}

const ALL = '';

/** One kind's objects, by key (`namespace/name` or `name`), with its indexes. */
export class KindCache {
  private readonly objects = new Map<string, KubeObject>();
  private readonly byNamespace = new Bucketed();
  private readonly indexes = new Map<string, Bucketed>();
  private readonly keys: Array<[string, RelationIndex]>;
  /** Set while the kind is (re)listed; events arriving meanwhile wait here. */
  pending: StoreWatchEvent[] | undefined;
  /** Resolves once the kind holds a complete list (again, after a resync). */
  synced: Promise<void>;
  isSynced = false;
  private markSynced: () => void = () => undefined;
  private markFailed: (err: unknown) => void = () => undefined;

  constructor(readonly rt: ResourceType) {
    this.keys = Object.entries(RELATION_INDEXES[`${rt.group}/${rt.kind}`] ?? {});
    for (const [name, index] of this.keys) this.indexes.set(name, new Bucketed(index));
    this.synced = this.newSync();
  }

  private newSync(): Promise<void> {
    const p = new Promise<void>((resolve, reject) => {
      this.markSynced = resolve;
      this.markFailed = reject;
    });
    p.catch(() => undefined);
    return p;
  }

  /** Starts a (re)list: readers wait on `synced` until `replace` ends it. */
  beginList(): void {
    this.pending = [];
    if (this.isSynced) {
      this.isSynced = false;
      this.synced = this.newSync();
    }
  }

  failList(err: unknown): void {
    this.pending = undefined;
    const fail = this.markFailed;
    this.synced = this.newSync();
    fail(err);
  }

  /** Replaces the contents with a list taken at `revision`, then applies the events that came meanwhile. */
  replace(items: KubeObject[], revision: number): void {
    this.objects.clear();
    this.byNamespace.buckets.clear();
    for (const idx of this.indexes.values()) idx.buckets.clear();
    for (const o of items) this.put(keyOfObject(o), stripForCache(o));
    const queued = this.pending ?? [];
    this.pending = undefined;
    for (const ev of queued) if (ev.modRevision > revision) this.apply(ev);
    this.isSynced = true;
    this.markSynced();
  }

  /** A store event under this kind's prefix. */
  apply(ev: StoreWatchEvent): void {
    if (this.pending) {
      this.pending.push(ev);
      return;
    }
    const key = ev.key.slice(`/registry/${this.rt.plural}/`.length);
    if (ev.type === 'delete') this.drop(key);
    else this.put(key, stripForCache(decodeValue(this.rt, ev.value, ev.modRevision)));
  }

  private put(key: string, obj: KubeObject): void {
    this.drop(key);
    this.objects.set(key, obj);
    this.byNamespace.add(ALL, key, obj);
    if (obj.metadata.namespace) this.byNamespace.add(obj.metadata.namespace, key, obj);
    for (const [name, index] of this.keys) {
      const value = index.keyOf(obj);
      if (value !== undefined) this.indexes.get(name)!.add(value, key, obj);
    }
  }

  private drop(key: string): void {
    const old = this.objects.get(key);
    if (!old) return;
    this.objects.delete(key);
    this.byNamespace.remove(ALL, key);
    if (old.metadata.namespace) this.byNamespace.remove(old.metadata.namespace, key);
    for (const [name, index] of this.keys) {
      const value = index.keyOf(old);
      if (value !== undefined) this.indexes.get(name)!.remove(value, key);
    }
  }

  /** Every object (of a namespace), in storage order. */
  list(namespace: string | undefined): KubeObject[] {
    return this.byNamespace.items(this.rt.namespaced && namespace !== undefined ? namespace : ALL);
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    if (!this.rt.namespaced) return this.objects.get(name);
    // No namespace for a namespaced kind: the first of that name, as a by-name index over all namespaces finds it.
    if (namespace === undefined) return this.list(undefined).find((o) => o.metadata.name === name);
    return this.objects.get(`${namespace}/${name}`);
  }

  /** The objects an index files under `value` (of one namespace when given), in the index's order. */
  lookup(index: string, value: string, namespace: string | undefined): KubeObject[] {
    const idx = this.indexes.get(index);
    if (!idx) throw new Error(`no relation index ${index} on ${this.rt.group}/${this.rt.kind}`);
    const items = idx.items(value);
    if (!this.rt.namespaced || namespace === undefined) return items;
    return items.every((o) => o.metadata.namespace === namespace) ? items : items.filter((o) => o.metadata.namespace === namespace);
  }

  get size(): number {
    return this.objects.size;
  }
}

function keyOfObject(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? '');
}

/** The cached copy: managedFields dropped (about half a pod's bytes, and no relation reads them). */
export function stripForCache(o: KubeObject): KubeObject {
  if (o.metadata.managedFields === undefined) return o;
  const { managedFields: _m, ...metadata } = o.metadata;
  return { ...o, metadata };
}

export interface RelationCacheOptions {
  logger: { warn(obj: object, msg: string): void };
  /** How long a read waits for the cache to catch up before the caller reads storage. Default 3 s (kube's consistent-read timeout). */
  waitMs?: number;
  /** Delay before retrying a failed watch or list. Default 1 s. */
  retryMs?: number;
}

export class CacheNotReady extends Error {}

export class RelationCache {
  private readonly kinds = new Map<string, KindCache>(); // by plural
  private readonly cachedPlurals = new Map<string, ResourceType>();
  private watch: StoreWatch | undefined;
  /** Resolves once the watch is open (again). */
  private opening: Promise<void> | undefined;
  private delivered = 0;
  private generation = 0;
  private waiters: Array<{ revision: number; resolve: () => void }> = [];
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly waitMs: number;
  private readonly retryMs: number;
  /** Lists made to (re)start kinds, for tests. */
  lists = 0;

  constructor(
    private readonly registries: Registries,
    private readonly opts: RelationCacheOptions,
  ) {
    for (const rt of CACHED_KINDS) this.cachedPlurals.set(rt.plural, rt);
    this.waitMs = opts.waitMs ?? 3000;
    this.retryMs = opts.retryMs ?? 1000;
  }

  /** Whether relations read this kind from the cache. */
  covers(rt: ResourceType): boolean {
    return this.cachedPlurals.get(rt.plural) === rt;
  }

  /** The store's current revision: what a read must wait for (one cheap store call per request). */
  currentRevision(): Promise<number> {
    return this.registries.store.currentRevision();
  }

  /**
   * The kind's cache once it holds every write up to `revision`: started on first use,
   * waited for while (re)listing. Rejects with CacheNotReady after `waitMs`.
   */
  async ready(rt: ResourceType, revision: number): Promise<KindCache> {
    if (this.stopped) throw new CacheNotReady('relation cache stopped');
    const kind = this.kind(rt);
    if (kind.isSynced && this.delivered >= revision) return kind;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CacheNotReady(`relation cache for ${rt.plural} did not reach revision ${revision} in ${this.waitMs} ms`)), this.waitMs);
      timer.unref();
    });
    try {
      await Promise.race([
        (async () => {
          while (!kind.isSynced) await kind.synced;
          await this.reached(revision);
        })(),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
    return kind;
  }

  private reached(revision: number): Promise<void> {
    if (this.delivered >= revision) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ revision, resolve }));
  }

  private advance(revision: number): void {
    if (revision <= this.delivered) return;
    this.delivered = revision;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (w.revision <= revision ? w.resolve() : still.push(w));
    this.waiters = still;
  }

  private kind(rt: ResourceType): KindCache {
    let kind = this.kinds.get(rt.plural);
    if (!kind) {
      kind = new KindCache(rt);
      this.kinds.set(rt.plural, kind);
      void this.startKind(kind);
    }
    return kind;
  }

  private async startKind(kind: KindCache): Promise<void> {
    kind.beginList();
    try {
      await this.open();
      // The watch has delivered everything up to `at`; events after it queue on the kind
      // while it lists exactly at `at`.
      const at = this.delivered;
      const gen = this.generation;
      this.lists++;
      const list = await this.registries.for(kind.rt).list(undefined, at > 0 ? { resourceVersion: String(at), resourceVersionMatch: 'Exact' } : {});
      if (gen !== this.generation) return; // a resync relists it
      kind.replace(list.items, Number(list.resourceVersion));
    } catch (err) {
      if (this.stopped) return;
      this.opts.logger.warn({ err: (err as Error).message, resource: kind.rt.plural }, 'relation cache: list failed; retrying');
      kind.failList(err);
      this.later(() => void this.startKind(kind));
    }
  }

  /** Opens the one watch (from the store's current revision) unless it is open. */
  private open(): Promise<void> {
    if (!this.opening) {
      const attempt = (async () => {
        const from = this.delivered > 0 ? this.delivered : await this.currentRevision();
        await this.openFrom(from);
      })();
      this.opening = attempt;
      attempt.catch(() => {
        if (this.opening === attempt) this.opening = undefined;
      });
    }
    return this.opening;
  }

  private async openFrom(from: number): Promise<void> {
    const gen = this.generation;
    this.watch = await this.registries.store.watch(
      '/registry/',
      { afterRevision: from },
      {
        onEvent: (ev) => {
          if (gen !== this.generation) return;
          const slash = ev.key.indexOf('/', 10);
          const kind = slash > 0 ? this.kinds.get(ev.key.slice(10, slash)) : undefined;
          kind?.apply(ev);
          this.advance(ev.modRevision);
        },
        onProgress: (revision) => {
          if (gen === this.generation) this.advance(revision);
        },
        onError: (err) => {
          if (gen === this.generation) this.watchEnded(err);
        },
      },
    );
    if (this.stopped) this.watch.close();
    this.advance(from);
  }

  /**
   * The watch ended: resume from the last delivered revision (nothing missed), or, when
   * that history is gone, start over and relist every kind.
   */
  private watchEnded(err: StoreError): void {
    if (this.stopped) return;
    this.generation++;
    this.watch = undefined;
    const expired = err.code === 'Expired';
    this.opts.logger.warn({ err: err.message, code: err.code }, expired ? 'relation cache: watch history expired; relisting' : 'relation cache: watch ended; resuming');
    if (expired) {
      this.relistAll();
      return;
    }
    const resumeFrom = this.delivered;
    const attempt = this.openFrom(resumeFrom).catch((e: unknown) => {
      this.opts.logger.warn({ err: (e as Error).message }, 'relation cache: could not resume the watch; relisting');
      this.relistAll();
    });
    this.opening = attempt;
  }

  /** Drops the watch position and lists every started kind again (at the new watch's revision). */
  private relistAll(): void {
    if (this.stopped) return;
    this.generation++;
    this.watch?.close();
    this.watch = undefined;
    this.opening = undefined;
    this.delivered = 0;
    for (const kind of this.kinds.values()) void this.startKind(kind);
  }

  private later(fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(fn, this.retryMs);
    t.unref();
    this.retry = t;
  }

  /** How many objects each started kind holds (for tests and debugging). */
  sizes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [plural, kind] of this.kinds) out[plural] = kind.size;
    return out;
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    if (this.retry) clearTimeout(this.retry);
    this.watch?.close();
    this.watch = undefined;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }
}
