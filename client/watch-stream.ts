import type { KubeObject } from '../api/types.js';
import { ApiError, type Status } from './api-error.js';

/**
 * The watch event shape the client hands out. ERROR events never appear here: an ERROR
 * from the server (e.g. 410 Expired) makes the iterator throw an ApiError instead.
 */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  /** For BOOKMARK: only apiVersion, kind and metadata.resourceVersion are meaningful. */
  object: T;
}

/**
 * One open watch. Iterate it with `for await`; iteration ends when the server closes the
 * stream (timeoutSeconds, restart, connection drop) and throws ApiError on an ERROR event.
 * `close()` is idempotent and ends iteration; after it, buffered events are dropped.
 */
export interface WatchStream<T extends KubeObject = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  close(): void;
  readonly closed: boolean;
}

/** The producer side of a watch channel (an HTTP response, or the fake client). */
export interface WatchSink<T extends KubeObject = KubeObject> {
  push(event: WatchEvent<T>): void;
  /** Ends the stream after the buffered events; with an error, the iterator throws it last. */
  end(error?: ApiError): void;
}

export interface WatchChannelOptions {
  /** Called once, when the consumer closes the stream (to abort the request). */
  onClose?: () => void;
  /** Backpressure: called when the buffer exceeds highWater, and when it drains to 0. */
  onPause?: () => void;
  onResume?: () => void;
  highWater?: number;
}

/**
 * An unbounded-but-backpressured queue between a producer and one `for await` consumer.
 * Single consumer only: the iterator may be taken once.
 */
export function createWatchChannel<T extends KubeObject = KubeObject>(
  options: WatchChannelOptions = {},
): { stream: WatchStream<T>; sink: WatchSink<T> } {
  const highWater = options.highWater ?? 1000;
  const buffer: WatchEvent<T>[] = [];
  let ended = false;
  let endError: ApiError | undefined;
  let closed = false;
  let paused = false;
  let waiter: { resolve: (r: IteratorResult<WatchEvent<T>>) => void; reject: (e: unknown) => void } | undefined;

  const finish = (): void => {
    if (!waiter) return;
    const w = waiter;
    waiter = undefined;
    if (endError && !closed) {
      const e = endError;
      endError = undefined;
      w.reject(e);
    } else {
      w.resolve({ value: undefined, done: true });
    }
  };

  const sink: WatchSink<T> = {
    push(event) {
      if (ended || closed) return;
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w.resolve({ value: event, done: false });
        return;
      }
      buffer.push(event);
      if (!paused && buffer.length > highWater && options.onPause) {
        paused = true;
        options.onPause();
      }
    },
    end(error) {
      if (ended) return;
      ended = true;
      endError = error;
      if (buffer.length === 0) finish();
    },
  };

  const stream: WatchStream<T> = {
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      buffer.length = 0;
      ended = true;
      endError = undefined;
      finish();
      options.onClose?.();
    },
    [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
      return {
        next() {
          if (closed) return Promise.resolve({ value: undefined, done: true });
          const event = buffer.shift();
          if (event) {
            if (paused && buffer.length === 0) {
              paused = false;
              options.onResume?.();
            }
            return Promise.resolve({ value: event, done: false });
          }
          if (ended) {
            if (endError) {
              const e = endError;
              endError = undefined;
              return Promise.reject(e);
            }
            return Promise.resolve({ value: undefined, done: true });
          }
          return new Promise((resolve, reject) => {
            waiter = { resolve, reject };
          });
        },
        return() {
          stream.close();
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
  return { stream, sink };
}

/**
 * Turns one decoded watch frame into an event for the sink, or an ApiError for ERROR.
 * Unknown types are treated as a protocol error (InternalError), as client-go does.
 */
export function decodeWatchFrame<T extends KubeObject>(frame: unknown): WatchEvent<T> | ApiError {
  if (!frame || typeof frame !== 'object') return ApiError.from(500, 'watch: frame is not an object', 'InternalError');
  const { type, object } = frame as { type?: unknown; object?: unknown };
  if (type === 'ERROR') {
    const status = object as Status | undefined;
    if (status && typeof status === 'object' && status.kind === 'Status') return new ApiError(status, status.code ?? 500);
    return ApiError.from(500, 'watch: ERROR event without a Status', 'InternalError');
  }
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED' && type !== 'BOOKMARK') {
    return ApiError.from(500, `watch: unknown event type ${String(type)}`, 'InternalError');
  }
  if (!object || typeof object !== 'object') return ApiError.from(500, `watch: ${type} event without an object`, 'InternalError');
  return { type, object: object as T };
}
