import { rootLogger } from '../../lib/logger.js';
import type { StoreError, StoreWatch, StoreWatchEvent, WatchHandlers } from './store.js';

const log = rootLogger.child({ component: 'storage' });

type Item = { event: StoreWatchEvent } | { progress: number } | { error: StoreError };

/**
 * One open watch as the backends and the watch cache hold it: it filters events by key
 * prefix and by revision, and delivers them to the handlers in the order pushed, always
 * asynchronously (a microtask later), so a watch() caller holds its handle before the
 * first callback and a writer never runs watcher code inside its own call.
 *
 * Guarantees to the handlers: events in push order, each with modRevision > afterRevision;
 * progress never below a revision already delivered; onError at most once, after every
 * event queued before it, and nothing after it or after close(). A handler that throws is
 * logged and does not stop delivery.
 */
export class WatchSubscriber implements StoreWatch {
  private queue: Item[] = [];
  private scheduled = false;
  private ended = false;
  private consumerClosed = false;
  /** The highest revision delivered or promised (starts at the requested afterRevision). */
  private lastRevision: number;

  constructor(
    readonly prefix: string,
    /** Only events with modRevision above this are delivered. */
    readonly afterRevision: number,
    private readonly handlers: WatchHandlers,
    private readonly onEnd?: (sub: WatchSubscriber) => void,
  ) {
    this.lastRevision = afterRevision;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Queues the event if its key is under the prefix and it is newer than afterRevision. */
  push(event: StoreWatchEvent): void {
    if (this.ended || event.modRevision <= this.afterRevision || !event.key.startsWith(this.prefix)) return;
    this.lastRevision = Math.max(this.lastRevision, event.modRevision);
    this.enqueue({ event });
  }

  /** Tells the watcher every event up to revision has been pushed. */
  progress(revision: number): void {
    if (this.ended || !this.handlers.onProgress) return;
    this.lastRevision = Math.max(this.lastRevision, revision);
    this.enqueue({ progress: this.lastRevision });
  }

  /** Ends the watch with an error, delivered after the events already queued. */
  fail(error: StoreError): void {
    if (this.ended) return;
    this.enqueue({ error });
    this.end();
  }

  close(): void {
    this.consumerClosed = true;
    this.queue = [];
    if (!this.ended) this.end();
  }

  private end(): void {
    this.ended = true;
    this.onEnd?.(this);
  }

  private enqueue(item: Item): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const items = this.queue;
    this.queue = [];
    for (const item of items) {
      // close() (even from inside a handler) drops whatever is still queued.
      if (this.consumerClosed) return;
      try {
        if ('event' in item) this.handlers.onEvent(item.event);
        else if ('progress' in item) this.handlers.onProgress?.(item.progress);
        else this.handlers.onError(item.error);
      } catch (err) {
        log.error({ err, prefix: this.prefix }, 'watch handler threw');
      }
    }
  }
}
