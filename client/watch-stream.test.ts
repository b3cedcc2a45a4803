import { describe, expect, it } from 'vitest';
import { ApiError, isGone } from './api-error.js';
import { createWatchChannel, decodeWatchFrame, type WatchEvent } from './watch-stream.js';

const ev = (name: string): WatchEvent => ({ type: 'ADDED', object: { metadata: { name } } });

describe('watch channel', () => {
  it('delivers buffered events before the end error', async () => {
    const { stream, sink } = createWatchChannel();
    sink.push(ev('a'));
    sink.push(ev('b'));
    sink.end(ApiError.from(410, 'too old', 'Expired'));
    const names: string[] = [];
    const err = await (async () => {
      for await (const e of stream) names.push(e.object.metadata.name!);
    })().catch((e) => e);
    expect(names).toEqual(['a', 'b']);
    expect(isGone(err)).toBe(true);
  });

  it('pauses the producer above the high-water mark and resumes once drained', async () => {
    const calls: string[] = [];
    const { stream, sink } = createWatchChannel({ highWater: 2, onPause: () => calls.push('pause'), onResume: () => calls.push('resume') });
    for (const n of ['a', 'b', 'c', 'd']) sink.push(ev(n));
    expect(calls).toEqual(['pause']);
    const it = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) await it.next();
    expect(calls).toEqual(['pause']);
    await it.next();
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('close() drops buffered events, ends iteration and tells the producer once', async () => {
    let closes = 0;
    const { stream, sink } = createWatchChannel({ onClose: () => closes++ });
    sink.push(ev('a'));
    stream.close();
    stream.close();
    sink.push(ev('b'));
    expect(await stream[Symbol.asyncIterator]().next()).toEqual({ value: undefined, done: true });
    expect(closes).toBe(1);
  });

  it.each([
    [{ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, code: 410, reason: 'Expired', message: 'gone' } }, 'Expired'],
    [{ type: 'ERROR', object: {} }, 'InternalError'],
    [{ type: 'WHAT', object: {} }, 'InternalError'],
    [{ type: 'ADDED' }, 'InternalError'],
    ['nope', 'InternalError'],
  ])('decodeWatchFrame(%j) is an ApiError with reason %s', (frame, reason) => {
    const out = decodeWatchFrame(frame);
    expect(out).toBeInstanceOf(ApiError);
    expect((out as ApiError).reason).toBe(reason);
  });
});
