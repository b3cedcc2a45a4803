import type { KubeObject } from '../api/types.js';
import type { Clock } from '../lib/clock.js';
import { ApiError } from './api-error.js';
import { apiVersionOf, type ResourceRef } from './resource.js';
import type { WatchOptions } from './rest-client.js';
import { createWatchChannel, type WatchEvent, type WatchSink, type WatchStream } from './watch-stream.js';

/**
 * The fake client's watch side: a history of every write (for replay from a
 * resourceVersion) and the open watches it fans events out to, filtered as the
 * apiserver filters them (an object that starts or stops matching a selector arrives as
 * ADDED or DELETED).
 */

export type Matcher = (obj: KubeObject) => boolean;

interface Watcher {
  rid: string;
  ref: ResourceRef;
  opts: WatchOptions;
  sink: WatchSink;
  stream: WatchStream;
  matches: Matcher;
}

interface HistoryEntry {
  rev: number;
  rid: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: KubeObject;
  prev?: KubeObject;
}

/** Resource identity across versions: watches and storage key on group and plural. */
export const resourceKey = (ref: ResourceRef): string => `${ref.group}/${ref.plural}`;

const clone = <T>(v: T): T => structuredClone(v);

/** What a watcher sees of one history entry, after namespace/selector filtering. */
function project(w: Watcher, e: HistoryEntry): WatchEvent | undefined {
  const now = w.matches(e.obj);
  if (e.type === 'MODIFIED') {
    const before = e.prev ? w.matches(e.prev) : false;
    if (now && before) return { type: 'MODIFIED', object: clone(e.obj) };
    if (now) return { type: 'ADDED', object: clone(e.obj) };
    if (before) return { type: 'DELETED', object: clone(e.obj) };
    return undefined;
  }
  return now ? { type: e.type, object: clone(e.obj) } : undefined;
}

export class FakeWatchHub {
  private readonly history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private compactedRev = 0;

  constructor(private readonly clock: Clock) {}

  /** Records a write at revision rev and delivers it to matching open watches. */
  record(rev: number, ref: ResourceRef, type: HistoryEntry['type'], obj: KubeObject, prev?: KubeObject): void {
    const entry: HistoryEntry = { rev, rid: resourceKey(ref), type, obj: clone(obj), prev: prev && clone(prev) };
    this.history.push(entry);
    for (const w of this.watchers) {
      if (w.rid !== entry.rid) continue;
      const ev = project(w, entry);
      if (ev) w.sink.push(ev);
    }
  }

  /** The oldest revision a continue token or watch may still name. */
  get compactedRevision(): number {
    return this.compactedRev;
  }

  compact(rev: number): void {
    this.compactedRev = rev;
    this.history.length = 0;
  }

  /**
   * Opens a watch. resourceVersion '' or '0' starts with synthetic ADDED events for
   * `existing` (the apiserver's "get state and start at most recent"); a number replays
   * history after it, or fails with 410 Expired when it is older than the compaction.
   */
  open(ref: ResourceRef, opts: WatchOptions, matches: Matcher, existing: () => KubeObject[]): WatchStream {
    const { stream, sink } = createWatchChannel({ onClose: () => this.watchers.delete(w) });
    const w: Watcher = { rid: resourceKey(ref), ref, opts, sink, stream, matches };
    const from = opts.resourceVersion ?? '';
    if (from === '' || from === '0') {
      for (const obj of existing().filter(matches)) sink.push({ type: 'ADDED', object: clone(obj) });
    } else {
      const n = Number(from);
      if (!Number.isInteger(n) || n < 0) throw ApiError.from(400, `invalid resource version: ${from}`, 'BadRequest');
      if (n < this.compactedRev) {
        sink.end(ApiError.from(410, `too old resource version: ${n} (${this.compactedRev})`, 'Expired'));
        return stream;
      }
      for (const e of this.history) {
        if (e.rev <= n || e.rid !== w.rid) continue;
        const ev = project(w, e);
        if (ev) sink.push(ev);
      }
    }
    this.watchers.add(w);
    if (opts.timeoutSeconds && opts.timeoutSeconds > 0) {
      const timer = this.clock.setTimeout(() => {
        if (this.watchers.delete(w)) sink.end();
      }, opts.timeoutSeconds * 1000);
      const close = stream.close.bind(stream);
      stream.close = () => {
        this.clock.clearTimeout(timer);
        close();
      };
    }
    return stream;
  }

  closeAll(opts: { discardPending?: boolean; error?: ApiError } = {}): void {
    for (const w of [...this.watchers]) {
      this.watchers.delete(w);
      if (opts.discardPending) w.stream.close();
      else w.sink.end(opts.error);
    }
  }

  sendBookmarks(rev: number): void {
    for (const w of this.watchers) {
      if (!w.opts.allowWatchBookmarks) continue;
      w.sink.push({
        type: 'BOOKMARK',
        object: { apiVersion: apiVersionOf(w.ref), kind: w.ref.kind, metadata: { resourceVersion: String(rev) } },
      });
    }
  }

  get size(): number {
    return this.watchers.size;
  }
}
