import type { KubeObject } from '../api/types.js';

/**
 * The informer's local cache: objects keyed `namespace/name` (`name` for cluster-scoped
 * kinds), with secondary indexes.
 *
 * Read-only contract: every object a getter returns is deep-frozen and shared with every
 * other reader. Never mutate it (strict-mode code throws if it tries): `clone()` it, change
 * the copy, and write the copy through the RestClient. The cache then catches up from the
 * watch. JavaScript is single-threaded, so readers never see a half-applied change.
 */

/** Maps an object to the values it is indexed under (e.g. its namespace, its node name). */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';

/** client-go's MetaNamespaceKeyFunc: `namespace/name`, or `name` without a namespace. */
export function objectKey(obj: Pick<KubeObject, 'metadata'>): string {
  const { namespace, name } = obj.metadata;
  if (!name) throw new Error('objectKey: object has no metadata.name');
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of objectKey: `a/b` → { namespace: 'a', name: 'b' }; `b` → { namespace: '', name: 'b' }. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** A deep, mutable copy of a cached (frozen) object. */
export function clone<T>(obj: T): T {
  return structuredClone(obj);
}

/** Freezes obj and everything reachable from it; returns obj. */
export function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object' && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const v of Object.values(obj)) deepFreeze(v);
  }
  return obj;
}

/** What consumers of an informer see. */
export interface ReadonlyStore<T extends KubeObject = KubeObject> {
  get(key: string): T | undefined;
  /** By namespace and name (namespace '' for cluster-scoped). */
  getByName(namespace: string, name: string): T | undefined;
  has(key: string): boolean;
  list(): T[];
  listKeys(): string[];
  /** Objects whose index function returned `value`. Throws for an unknown index name. */
  byIndex(indexName: string, value: string): T[];
  indexKeys(indexName: string, value: string): string[];
  hasIndex(indexName: string): boolean;
  readonly size: number;
}

/** The informer's side: writes. Objects passed in are frozen and must not be reused mutably. */
export interface Store<T extends KubeObject = KubeObject> extends ReadonlyStore<T> {
  /** Adds or replaces; returns the previous object, if any. */
  upsert(obj: T): T | undefined;
  /** Removes by key; returns the removed object, if any. */
  remove(key: string): T | undefined;
  /** Adds an index after creation (indexes existing objects too). */
  addIndexer(name: string, fn: IndexFunc<T>): void;
}

export function createStore<T extends KubeObject = KubeObject>(indexers: Record<string, IndexFunc<T>> = {}): Store<T> {
  const items = new Map<string, T>();
  const indexFns = new Map<string, IndexFunc<T>>([[NAMESPACE_INDEX, (o) => [o.metadata.namespace ?? '']]]);
  // index name → value → keys
  const indices = new Map<string, Map<string, Set<string>>>();

  const indexAdd = (name: string, fn: IndexFunc<T>, key: string, obj: T): void => {
    let index = indices.get(name);
    if (!index) indices.set(name, (index = new Map()));
    for (const value of new Set(fn(obj))) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  };

  const indexRemove = (name: string, fn: IndexFunc<T>, key: string, obj: T): void => {
    const index = indices.get(name);
    if (!index) return;
    for (const value of fn(obj)) {
      const keys = index.get(value);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) index.delete(value);
    }
  };

  const store: Store<T> = {
    get: (key) => items.get(key),
    getByName: (namespace, name) => items.get(namespace ? `${namespace}/${name}` : name),
    has: (key) => items.has(key),
    list: () => [...items.values()],
    listKeys: () => [...items.keys()],
    get size() {
      return items.size;
    },

    indexKeys(indexName, value) {
      if (!indexFns.has(indexName)) throw new Error(`store: no index named ${indexName}`);
      return [...(indices.get(indexName)?.get(value) ?? [])];
    },

    hasIndex: (indexName) => indexFns.has(indexName),

    byIndex(indexName, value) {
      return store.indexKeys(indexName, value).map((k) => items.get(k) as T);
    },

    upsert(obj) {
      const key = objectKey(obj);
      deepFreeze(obj);
      const old = items.get(key);
      for (const [name, fn] of indexFns) {
        if (old) indexRemove(name, fn, key, old);
        indexAdd(name, fn, key, obj);
      }
      items.set(key, obj);
      return old;
    },

    remove(key) {
      const old = items.get(key);
      if (!old) return undefined;
      for (const [name, fn] of indexFns) indexRemove(name, fn, key, old);
      items.delete(key);
      return old;
    },

    addIndexer(name, fn) {
      if (indexFns.has(name)) throw new Error(`store: index ${name} already exists`);
      indexFns.set(name, fn);
      for (const [key, obj] of items) indexAdd(name, fn, key, obj);
    },
  };
  // The namespace index is always there; asking for it again (informer options) keeps it,
  // as Informer.addIndexer keeps a name already present, instead of failing the start.
  for (const [name, fn] of Object.entries(indexers)) if (!store.hasIndex(name)) store.addIndexer(name, fn);
  return store;
}
