import type { KubeObject, ResourceType } from '../../api/types.js';
import type { Registries } from '../registry/registries.js';
import type { RequestAttributes } from '../auth/rbac/rule-match.js';
import { readPodLog } from '../request/pod-log.js';
import type { KindCache, RelationCache } from './relation-cache.js';
import { indexOf } from './relation-indexes.js';

/**
 * The reads behind GraphQL relation fields, for one GraphQL context (per HTTP request for
 * queries and mutations, per connection for subscriptions, where entries expire after
 * `ttlMs` so every event sees the cluster as it is now).
 *
 * Kinds the apiserver's watch-fed RelationCache holds (pods, nodes, events, …) are read
 * from it: the first read of a kind and namespace checks RBAC (`list` there) and waits
 * until the cache has caught up with the store's revision at that moment; later reads of
 * the same kind and namespace answer at once from the cache's indexes. Other kinds, and
 * every kind when the query asks for managedFields (the cache drops them) or the cache
 * cannot catch up in time, are listed from storage once per kind and namespace and
 * filtered in memory. Either way a query walking 1,000 pods to their nodes, owners and
 * events makes a handful of reads, not one per pod (no N+1).
 */
/** A value now, or once a read completes: resolvers return it as is, so graphql-js completes cached fields synchronously. */
export type MaybePromise<T> = T | Promise<T>;

/** Applies fn now when the value is there, after it otherwise. */
export function andThen<T, U>(value: MaybePromise<T>, fn: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

interface ListEntry {
  at: number;
  items: Promise<KubeObject[]>;
  /** The items once read: later readers get them without a promise. */
  value?: KubeObject[];
  /** Lookups built once per list (by name, by involved object), for per-parent relations. */
  indexes?: Map<string, Map<string, KubeObject[]>>;
}

interface CachedEntry {
  at: number;
  /** Set once RBAC allowed the read and the cache caught up; reads then answer without a promise. */
  kind?: KindCache;
  /** Settles with the kind's cache, or undefined when this request reads storage for it instead. */
  ready: Promise<KindCache | undefined>;
}

export class RelationReads {
  private readonly lists = new Map<string, ListEntry>();
  /** By kind, then namespace ('' for all): a lookup per relation field, so no key strings are built. */
  private readonly cached = new Map<ResourceType, Map<string, CachedEntry>>();
  private target: { at: number; revision: Promise<number> } | undefined;
  /** Storage list calls made, for tests that bound them. */
  listCalls = 0;

  constructor(
    private readonly registries: Registries,
    private readonly ttlMs = 1000,
    private readonly now: () => number = Date.now,
    /** RBAC: a relation lists a kind only where the caller may list it (a 403 error on that field otherwise). */
    private readonly authorize?: (attrs: RequestAttributes) => Promise<void>,
    /** A GET through API aggregation as the caller (metrics.k8s.io); absent: no aggregated reads. */
    private readonly aggregatedGet?: (path: string) => Promise<{ status: number; body: string } | undefined>,
    /** The apiserver's watch-fed cache; absent (or the query asks for managedFields): storage only. */
    private readonly cache?: RelationCache,
    private readonly log?: { warn(obj: object, msg: string): void },
  ) {}

  private readonly metricLists = new Map<string, Promise<Map<string, KubeObject>>>();

  /**
   * metrics.k8s.io NodeMetrics or PodMetrics by name (`ns/name` for pods), read once per
   * request through aggregation and authorized as `list nodes|pods.metrics.k8s.io`. Empty
   * when the metrics API is not there (no metrics-server): the relation answers null.
   */
  metrics(kind: 'nodes' | 'pods', namespace?: string): Promise<Map<string, KubeObject>> {
    const key = `${kind}/${namespace ?? ''}`;
    let hit = this.metricLists.get(key);
    if (!hit) {
      hit = (async () => {
        await this.authorize?.({ kind: 'resource', verb: 'list', group: 'metrics.k8s.io', resource: kind, ...(namespace ? { namespace } : {}) });
        const path = kind === 'nodes' ? '/apis/metrics.k8s.io/v1beta1/nodes' : `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace ?? 'default')}/pods`;
        const res = await this.aggregatedGet?.(path);
        const out = new Map<string, KubeObject>();
        if (!res || res.status !== 200) return out;
        try {
          for (const item of (JSON.parse(res.body) as { items?: KubeObject[] }).items ?? []) out.set(item.metadata.name ?? '', item);
        } catch {
          /* a garbled answer reads as no metrics */
        }
        return out;
      })();
      hit.catch(() => this.metricLists.delete(key));
      this.metricLists.set(key, hit);
    }
    return hit;
  }

  /** Every object of a kind in a namespace (undefined: all namespaces, or a cluster-scoped kind). */
  list(rt: ResourceType, namespace: string | undefined): MaybePromise<KubeObject[]> {
    return this.read(rt, namespace, (kind) => kind.list(namespace), () => {
      const entry = this.entry(rt, namespace);
      return entry.value ?? entry.items;
    });
  }

  /** Makes later reads of the kind in the namespace answer without a promise (a list relation calls it for its children). */
  prepare(rt: ResourceType, namespace: string | undefined): MaybePromise<unknown> {
    return this.list(rt, namespace);
  }

  /**
   * The objects a relation index (relation-indexes.ts) files under `value`, in a namespace
   * (undefined: all namespaces, which needs a cluster-wide `list`).
   */
  lookup(rt: ResourceType, namespace: string | undefined, index: string, value: string): MaybePromise<KubeObject[]> {
    return this.read(
      rt,
      namespace,
      (kind) => kind.lookup(index, value, namespace),
      () => {
        const def = indexOf(rt, index);
        return andThen(this.index(rt, namespace, index, def.keyOf, def.order), (byValue) => byValue.get(value) ?? []);
      },
    );
  }

  /**
   * Answers from the cache when it covers the kind for this request, from storage
   * otherwise; synchronously once the kind and namespace were read before in this context.
   */
  private read<T>(rt: ResourceType, namespace: string | undefined, fromCache: (kind: KindCache) => T, fromStorage: () => MaybePromise<T>): MaybePromise<T> {
    if (!this.cache || !this.cache.covers(rt)) return fromStorage();
    const entry = this.cachedEntry(rt, namespace);
    if (entry.kind) return fromCache(entry.kind);
    return entry.ready.then((kind) => (kind ? fromCache(kind) : fromStorage()));
  }

  private cachedEntry(rt: ResourceType, namespace: string | undefined): CachedEntry {
    const cache = this.cache!;
    const ns = rt.namespaced ? namespace : undefined;
    const key = ns ?? '';
    let byNs = this.cached.get(rt);
    if (!byNs) this.cached.set(rt, (byNs = new Map()));
    const at = this.now();
    const hit = byNs.get(key);
    if (hit && at - hit.at < this.ttlMs) return hit;
    // A cluster-wide read already allowed covers a namespace.
    const wide = ns !== undefined ? byNs.get('') : undefined;
    const allowed =
      wide?.kind && at - wide.at < this.ttlMs
        ? Promise.resolve()
        : this.authorize
          ? this.authorize({ kind: 'resource', verb: 'list', group: rt.group, resource: rt.plural, ...(ns !== undefined ? { namespace: ns } : {}) })
          : Promise.resolve();
    if (!this.target || at - this.target.at >= this.ttlMs) this.target = { at, revision: cache.currentRevision() };
    const revision = this.target.revision;
    const entry: CachedEntry = {
      at,
      ready: allowed.then(async () => {
        try {
          return await cache.ready(rt, await revision);
        } catch (err) {
          // Not caught up in time (or not listable now): this request reads storage.
          this.log?.warn({ err: (err as Error).message, resource: rt.plural }, 'relation cache not ready; reading storage');
          return undefined;
        }
      }),
    };
    entry.ready.then(
      (kind) => {
        if (kind) entry.kind = kind;
      },
      () => byNs.delete(key),
    );
    byNs.set(key, entry);
    return entry;
  }

  /**
   * The kind's objects in a namespace grouped by `keyOf` (objects without a key left out),
   * each group in `order`: built once per list, so a relation asked of 1,000 parents
   * looks its answer up instead of filtering the list 1,000 times.
   */
  index(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    keyOf: (o: KubeObject) => string | undefined,
    order?: (a: KubeObject, b: KubeObject) => number,
  ): MaybePromise<Map<string, KubeObject[]>> {
    const entry = this.entry(rt, namespace);
    const build = (items: KubeObject[]): Map<string, KubeObject[]> => {
      const indexes = (entry.indexes ??= new Map());
      let index = indexes.get(name);
      if (!index) {
        index = new Map();
        for (const o of items) {
          const key = keyOf(o);
          if (key === undefined) continue;
          const group = index.get(key);
          if (group) group.push(o);
          else index.set(key, [o]);
        }
        if (order) for (const group of index.values()) group.sort(order);
        indexes.set(name, index);
      }
      return index;
    };
    return entry.value ? build(entry.value) : entry.items.then(build);
  }

  private entry(rt: ResourceType, namespace: string | undefined): ListEntry {
    const ns = rt.namespaced ? namespace : undefined;
    const key = `${rt.group}/${rt.plural}/${ns ?? ''}`;
    const hit = this.lists.get(key);
    const at = this.now();
    if (hit && at - hit.at < this.ttlMs) return hit;
    // A cluster-wide list already read serves a namespace too.
    const wide = ns !== undefined ? this.lists.get(`${rt.group}/${rt.plural}/`) : undefined;
    if (wide && at - wide.at < this.ttlMs) {
      const narrow = (all: KubeObject[]) => all.filter((o) => o.metadata.namespace === ns);
      const entry: ListEntry = wide.value ? { at: wide.at, items: Promise.resolve(narrow(wide.value)) } : { at: wide.at, items: wide.items.then(narrow) };
      if (wide.value) entry.value = narrow(wide.value);
      else entry.items.then((v) => (entry.value = v), () => {});
      this.lists.set(key, entry);
      return entry;
    }
    this.listCalls++;
    const check = this.authorize
      ? this.authorize({ kind: 'resource', verb: 'list', group: rt.group, resource: rt.plural, ...(ns !== undefined ? { namespace: ns } : {}) })
      : Promise.resolve();
    const entry: ListEntry = { at, items: check.then(() => this.registries.for(rt).list(ns)).then((r) => r.items) };
    // A failed read is not remembered: the next parent tries again.
    entry.items.then(
      (v) => (entry.value = v),
      () => this.lists.delete(key),
    );
    this.lists.set(key, entry);
    return entry;
  }

  /** A container's log (Pod.logs), authorized as `get pods/log`; at most 1 MiB. */
  async podLog(namespace: string, name: string, opts: { container?: string; tailLines?: number; limitBytes?: number; previous?: boolean }): Promise<string> {
    await this.authorize?.({ kind: 'resource', verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace, name });
    return readPodLog(this.registries, namespace, name, { follow: false, timestamps: false, previous: opts.previous ?? false, ...opts });
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): MaybePromise<KubeObject | undefined> {
    return this.read(
      rt,
      namespace,
      (kind) => kind.get(namespace, name),
      () => andThen(this.index(rt, namespace, 'name', (o) => o.metadata.name), (byName) => byName.get(name)?.[0]),
    );
  }
}
