import { describe, expect, it, vi } from 'vitest';
import { StoreError, type StoreWatchEvent } from './store.js';
import { WatchSubscriber } from './watch-subscriber.js';

const ev = (key: string, rev: number): StoreWatchEvent => ({ type: 'put', key, value: '', modRevision: rev, createRevision: rev });
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function recorder() {
  const log: string[] = [];
  return {
    log,
    handlers: {
      onEvent: (e: StoreWatchEvent) => log.push(`event ${e.key}@${e.modRevision}`),
      onError: (e: StoreError) => log.push(`error ${e.code}`),
      onProgress: (r: number) => log.push(`progress ${r}`),
    },
  };
}

describe('WatchSubscriber', () => {
  it('filters by prefix and revision, delivers in order and only asynchronously', async () => {
    const { log, handlers } = recorder();
    const sub = new WatchSubscriber('/a/', 5, handlers);
    sub.push(ev('/a/x', 5));
    sub.push(ev('/b/x', 6));
    sub.push(ev('/a/x', 7));
    sub.progress(6);
    sub.push(ev('/a/y', 8));
    expect(log).toEqual([]);
    await flush();
    expect(log).toEqual(['event /a/x@7', 'progress 7', 'event /a/y@8']);
  });

  it('delivers queued events before the error, and nothing after it', async () => {
    const { log, handlers } = recorder();
    const onEnd = vi.fn();
    const sub = new WatchSubscriber('/', 0, handlers, onEnd);
    sub.push(ev('/k', 1));
    sub.fail(new StoreError('Expired', 'gone'));
    sub.push(ev('/k', 2));
    sub.fail(new StoreError('Unavailable', 'again'));
    await flush();
    expect(log).toEqual(['event /k@1', 'error Expired']);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it('drops what is queued when closed, even from inside a handler', async () => {
    const log: string[] = [];
    const sub: WatchSubscriber = new WatchSubscriber('/', 0, {
      onEvent: (e) => {
        log.push(e.key);
        sub.close();
      },
      onError: () => log.push('error'),
    });
    sub.push(ev('/1', 1));
    sub.push(ev('/2', 2));
    await flush();
    expect(log).toEqual(['/1']);
    expect(sub.closed).toBe(true);
  });

  it('keeps delivering when a handler throws', async () => {
    const seen: number[] = [];
    const sub = new WatchSubscriber('/', 0, {
      onEvent: (e) => {
        seen.push(e.modRevision);
        if (e.modRevision === 1) throw new Error('consumer bug');
      },
      onError: () => undefined,
    });
    sub.push(ev('/1', 1));
    sub.push(ev('/2', 2));
    await flush();
    expect(seen).toEqual([1, 2]);
  });
});
