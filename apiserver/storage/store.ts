/**
 * The storage contract shared by the etcd and SQLite backends. Both are tested by one
 * contract suite (store-contract.ts) that runs unchanged against each.
 *
 * Keys follow Kubernetes: `/registry/<resource>/<namespace>/<name>` (cluster-scoped
 * objects omit the namespace). Values are opaque bytes to the store: the apiserver
 * stores JSON without `metadata.resourceVersion` and sets it from `modRevision` on read.
 *
 * Revisions are one cluster-wide, strictly increasing counter (etcd's revision). Every
 * successful write (create, update, delete) gets a new revision.
 */

export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created the key (unchanged by updates). */
  createRevision: number;
  /** Revision of the last write of this key: the object's resourceVersion. */
  modRevision: number;
}

export interface ListOptions {
  /** At most this many items (0 or absent: no limit, but backends still page internally). */
  limit?: number;
  /** Start strictly after this key (from a continue token); must be under the prefix. */
  startAfter?: string;
  /**
   * Serve the list as of this revision (a consistent snapshot). Absent or 0: the current
   * revision. Older than the compaction point: throws StoreError 'Expired'.
   */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was served at; the same for every page of one list. */
  revision: number;
  /** True when keys remain after the last returned item. */
  more: boolean;
  /** How many keys remain after this page (when more is true), if the backend knows. */
  remaining?: number;
}

export type WatchEventType = 'put' | 'delete';

export interface StoreWatchEvent {
  type: WatchEventType;
  key: string;
  /** For put: the new value. For delete: the value just before the delete. */
  value: string;
  /** For put: the value before this write, if any (absent on create). */
  prevValue?: string;
  /** The revision of this event (for delete, the deletion's revision). */
  modRevision: number;
  createRevision: number;
}

export interface WatchOptions {
  /**
   * Deliver every event with revision > afterRevision. Absent: only events after the
   * current revision. Older than the compaction point: the watch fails with 'Expired'.
   */
  afterRevision?: number;
}

export interface StoreWatch {
  /** Stops delivery; idempotent. */
  close(): void;
}

export interface WatchHandlers {
  onEvent(event: StoreWatchEvent): void;
  /** Called at most once, after which no more events arrive (e.g. Expired, backend lost). */
  onError(err: StoreError): void;
  /**
   * Optional: told the revision the store has reached even when no event under the
   * prefix happened (for bookmarks). Backends call it at least every few seconds while
   * the watch is open, or never if they cannot.
   */
  onProgress?(revision: number): void;
}

export interface Store {
  readonly name: 'etcd' | 'sqlite';
  get(key: string): Promise<KeyValue | null>;
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /** Fails with 'AlreadyExists' when the key exists. */
  create(key: string, value: string): Promise<KeyValue>;
  /**
   * Compare-and-swap: writes only if the key's current modRevision equals
   * expectedModRevision. Fails 'NotFound' if absent, 'Conflict' on mismatch (the error
   * carries the current KeyValue in `current`).
   */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /**
   * Deletes the key; with expectedModRevision, only if it matches ('Conflict' otherwise).
   * Returns the deleted value, with modRevision set to the deletion's revision.
   * Fails 'NotFound' if absent.
   */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  watch(prefix: string, options: WatchOptions, handlers: WatchHandlers): Promise<StoreWatch>;
  currentRevision(): Promise<number>;
  /** Discards history at or before revision; later watches/lists before it fail 'Expired'. */
  compact(revision: number): Promise<void>;
  /** The oldest revision still readable (compaction point + 1). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

export type StoreErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Expired'
  | 'TooLarge'
  | 'Unavailable'
  | 'Internal';

/** The only error a Store throws; the REST layer maps it to a Kubernetes Status once. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly current?: KeyValue,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
