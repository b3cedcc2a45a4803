import { describe, expect, it } from 'vitest';
import { FakeClock } from '../lib/clock.js';
import { ApiError } from './api-error.js';
import { runController, type ReconcileResult } from './controller-runner.js';
import { flush } from './testing.js';
import { createWorkQueue } from './work-queue.js';

type Outcome = 'ok' | 'notfound' | 'conflict' | 'error' | { requeueAfterMs: number };

function harness(outcomes: Record<string, Outcome[]>, workers = 2) {
  const clock = new FakeClock();
  const queue = createWorkQueue({ clock });
  const calls: string[] = [];
  const inFlight = new Set<string>();
  let overlap = false;
  const handle = runController({
    name: 'test',
    queue,
    workers,
    reconcile: async (key): Promise<ReconcileResult> => {
      if (inFlight.has(key)) overlap = true;
      inFlight.add(key);
      calls.push(key);
      await flush(1);
      inFlight.delete(key);
      const outcome = outcomes[key]?.shift() ?? 'ok';
      if (outcome === 'notfound') throw ApiError.from(404, `${key} not found`);
      if (outcome === 'conflict') throw ApiError.from(409, 'modified');
      if (outcome === 'error') throw new Error('boom');
      if (outcome !== 'ok') return outcome;
    },
  });
  return { clock, queue, calls, handle, overlap: () => overlap };
}

describe('runController', () => {
  it('success forgets the key; errors requeue with growing backoff', async () => {
    const h = harness({ 'ns/a': ['error', 'conflict', 'ok'] });
    h.queue.add('ns/a');
    await flush();
    expect(h.calls).toEqual(['ns/a']);
    expect(h.queue.numRequeues('ns/a')).toBe(1);
    h.clock.advance(5);
    await flush();
    expect(h.calls).toHaveLength(2);
    expect(h.queue.numRequeues('ns/a')).toBe(2);
    h.clock.advance(9);
    await flush();
    expect(h.calls).toHaveLength(2); // second retry waits 10 ms
    h.clock.advance(1);
    await flush();
    expect(h.calls).toHaveLength(3);
    expect(h.queue.numRequeues('ns/a')).toBe(0);
    await h.handle.stop();
  });

  it('drops not-found keys without retry', async () => {
    const h = harness({ 'ns/gone': ['notfound'] });
    h.queue.add('ns/gone');
    await flush();
    h.clock.advance(10_000);
    await flush();
    expect(h.calls).toEqual(['ns/gone']);
    expect(h.queue.numRequeues('ns/gone')).toBe(0);
    await h.handle.stop();
  });

  it('requeueAfterMs checks the key again after the delay', async () => {
    const h = harness({ 'ns/p': [{ requeueAfterMs: 1000 }] });
    h.queue.add('ns/p');
    await flush();
    h.clock.advance(999);
    await flush();
    expect(h.calls).toHaveLength(1);
    h.clock.advance(1);
    await flush();
    expect(h.calls).toHaveLength(2);
    await h.handle.stop();
  });

  it('never reconciles one key on two workers at once', async () => {
    const h = harness({}, 4);
    for (let i = 0; i < 20; i++) {
      h.queue.add('ns/hot');
      h.queue.add(`ns/k${i % 3}`);
      await flush(1);
    }
    await flush();
    expect(h.overlap()).toBe(false);
    expect(h.calls.filter((k) => k === 'ns/hot').length).toBeGreaterThan(1);
    await h.handle.stop();
  });

  it('stop() drains the queue and resolves when workers exit', async () => {
    const h = harness({}, 2);
    h.queue.add('ns/a');
    h.queue.add('ns/b');
    await h.handle.stop();
    expect(h.calls.sort()).toEqual(['ns/a', 'ns/b']);
    await expect(h.handle.done).resolves.toBeUndefined();
  });
});
