import { describe, expect, it } from 'vitest';
import { FakeClock } from '../lib/clock.js';
import { defaultControllerRateLimiter, itemExponentialRateLimiter } from './rate-limiter.js';
import { createWorkQueue } from './work-queue.js';

/** Resolves a get() that is already satisfiable, or reports 'pending'. */
async function peek(p: Promise<string | undefined>): Promise<string | undefined | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

describe('work queue', () => {
  it('dedups keys waiting in the queue and keeps FIFO order', async () => {
    const q = createWorkQueue({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('never hands a key to two workers; a re-add while processing waits for done()', async () => {
    const q = createWorkQueue({ clock: new FakeClock() });
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.len()).toBe(0);
    const second = q.get();
    expect(await peek(second)).toBe('pending');
    q.done('a');
    expect(await second).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('wakes a waiting worker on add', async () => {
    const q = createWorkQueue({ clock: new FakeClock() });
    const p = q.get();
    expect(await peek(p)).toBe('pending');
    q.add('x');
    expect(await p).toBe('x');
  });

  it('addAfter adds only when the clock reaches the delay; the earliest delay wins', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue({ clock });
    q.addAfter('a', 1000);
    q.addAfter('a', 500);
    q.addAfter('a', 2000);
    clock.advance(499);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
    clock.advance(5000);
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe('a');
  });

  it('addAfter with a non-positive delay adds at once', () => {
    const q = createWorkQueue({ clock: new FakeClock() });
    q.addAfter('a', 0);
    expect(q.len()).toBe(1);
  });

  it('addRateLimited backs off exponentially per key until forget()', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue({ clock });
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = clock.now();
      q.addRateLimited('k');
      for (let waited = 0; q.len() === 0 && waited < 100; waited++) clock.advance(1);
      seen.push(clock.now() - start);
      q.done((await q.get())!);
    }
    expect(seen).toEqual([5, 10, 20, 40]);
    expect(q.numRequeues('k')).toBe(4);
    q.forget('k');
    expect(q.numRequeues('k')).toBe(0);
  });

  it.each([
    [0, 5],
    [1, 10],
    [10, 5120],
    [27, 1_000_000],
    [500, 1_000_000],
  ])('item limiter: after %i failures the delay is %i ms', (failures, expected) => {
    const limiter = itemExponentialRateLimiter();
    for (let i = 0; i < failures; i++) limiter.when('k');
    expect(limiter.when('k')).toBe(expected);
    expect(limiter.when('other')).toBe(5);
  });

  it('default controller limiter adds the overall bucket once the burst is spent', () => {
    const limiter = defaultControllerRateLimiter(new FakeClock());
    const delays = Array.from({ length: 101 }, (_, i) => limiter.when(`k${i}`));
    expect(delays.slice(0, 100).every((d) => d === 5)).toBe(true);
    expect(delays[100]).toBe(100);
  });

  it('shutDown drains queued keys, then get() resolves undefined; adds are ignored', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue({ clock });
    q.add('a');
    q.addAfter('later', 100);
    q.shutDown();
    q.add('b');
    clock.advance(1000);
    expect(q.shuttingDown()).toBe(true);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBeUndefined();
  });

  it('shutDown releases workers blocked in get()', async () => {
    const q = createWorkQueue({ clock: new FakeClock() });
    const p1 = q.get();
    const p2 = q.get();
    q.shutDown();
    expect(await p1).toBeUndefined();
    expect(await p2).toBeUndefined();
  });
});
