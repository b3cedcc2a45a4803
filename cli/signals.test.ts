import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { stopOnSignal } from './signals.js';

/** A fake process: emits signals on demand, counts listeners. */
function fakeSource() {
  const e = new EventEmitter();
  return Object.assign(e, { count: () => e.listenerCount('SIGINT') + e.listenerCount('SIGTERM') });
}

describe('stopOnSignal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('stops on %s and resolves 0', async (signal) => {
    const source = fakeSource();
    const stop = vi.fn(async () => {});
    const onSignal = vi.fn();
    const done = stopOnSignal(source, stop, { onSignal, forceExit: vi.fn() });
    expect(stop).not.toHaveBeenCalled();
    source.emit(signal);
    await expect(done).resolves.toBe(0);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(onSignal).toHaveBeenCalledWith(signal);
    expect(source.count()).toBe(0);
  });

  it('resolves 1 when stopping fails', async () => {
    const source = fakeSource();
    const done = stopOnSignal(source, async () => Promise.reject(new Error('stuck')), { forceExit: vi.fn() });
    source.emit('SIGTERM');
    await expect(done).resolves.toBe(1);
  });

  it('forces the exit on a second signal while stopping, without stopping twice', async () => {
    const source = fakeSource();
    let finish!: () => void;
    const stop = vi.fn(() => new Promise<void>((r) => (finish = r)));
    const forceExit = vi.fn();
    const done = stopOnSignal(source, stop, { forceExit });
    source.emit('SIGINT');
    source.emit('SIGTERM');
    expect(forceExit).toHaveBeenCalledWith('SIGTERM');
    expect(stop).toHaveBeenCalledTimes(1);
    finish();
    await expect(done).resolves.toBe(0);
  });
});
