import type { KubeObject, ResourceType } from '../../api/types.js';
import type { StoreWatch } from '../storage/store.js';
import { watchResource } from '../request/handlers.js';
import { resolveView } from '../request/resource-view.js';
import { ApiError } from '../errors.js';
import type { OperationContext } from './operations.js';
import { toGraphqlError } from './errors.js';

/**
 * Watch subscriptions: a Registry.watch delivered as the async iterator GraphQL
 * subscriptions consume. The registry watch is closed when the client unsubscribes
 * (mercurius calls return() on stop, on complete and when the socket closes), when the
 * watch fails, and when the client falls too far behind.
 */

export interface WatchArgs {
  namespace?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  resourceVersion?: string | null;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

/** Events buffered for a slow client before its watch is ended (the initial state counts). */
export const MAX_PENDING_EVENTS = 100_000;

/**
 * A push-to-pull queue: the producer pushes, the consumer awaits next(). fail() ends the
 * stream with an error after the buffered items; return() ends it at once and runs the
 * close callback exactly once.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiters: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  private failure: unknown;
  private done = false;
  private onClose?: () => void;

  constructor(private readonly maxPending = MAX_PENDING_EVENTS) {}

  /** Sets what ends the producer; called once when the stream ends for any reason. */
  closeWith(fn: () => void): void {
    if (this.done) fn();
    else this.onClose = fn;
  }

  push(item: T): void {
    if (this.done) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve({ value: item, done: false });
      return;
    }
    this.buffer.push(item);
    if (this.buffer.length > this.maxPending) {
      this.buffer.length = 0;
      this.fail(new ApiError(410, 'Expired', 'the watch fell too far behind and was closed; subscribe again with the last resourceVersion seen'));
    }
  }

  fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.failure = err;
    this.runClose();
    // Waiters exist only while the buffer is empty, so they get the error at once.
    const waiters = this.waiters.splice(0);
    if (waiters.length > 0) this.failure = undefined;
    for (const w of waiters) w.reject(err);
  }

  get pending(): number {
    return this.buffer.length;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return { value: this.buffer.shift()!, done: false };
    if (this.failure !== undefined) {
      const err = this.failure;
      this.failure = undefined;
      throw err;
    }
    if (this.done) return { value: undefined, done: true };
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async return(): Promise<IteratorResult<T>> {
    this.done = true;
    this.buffer.length = 0;
    this.failure = undefined;
    this.runClose();
    for (const w of this.waiters.splice(0)) w.resolve({ value: undefined, done: true });
    return { value: undefined, done: true };
  }

  async throw(err?: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw err;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private runClose(): void {
    const fn = this.onClose;
    this.onClose = undefined;
    fn?.();
  }
}

/**
 * Starts a watch. resourceVersion unset or "0": ADDED events for the current state, then
 * changes; "N": every change after N. Selector and resourceVersion errors are thrown here
 * (before the subscription starts); later failures end the stream with an error.
 */
export async function watchObjects(ctx: OperationContext, rt: ResourceType, args: WatchArgs): Promise<EventQueue<WatchEvent>> {
  const queue = new EventQueue<WatchEvent>();
  const ns = rt.namespaced ? (args.namespace ?? undefined) : undefined;
  const watch: StoreWatch = await watchResource(
    ctx,
    resolveView(rt.group, rt.version, rt.plural),
    ns,
    undefined,
    { labelSelector: args.labelSelector ?? undefined, fieldSelector: args.fieldSelector ?? undefined, resourceVersion: args.resourceVersion ?? undefined },
    {
      event: (type, object) => {
        if (type !== 'BOOKMARK') queue.push({ type, object });
      },
      bookmark: () => {},
      error: (err) => queue.fail(toGraphqlError(err)),
    },
  );
  queue.closeWith(() => watch.close());
  return queue;
}
