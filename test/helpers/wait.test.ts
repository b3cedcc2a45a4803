import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitUntil } from './wait.js';

describe('waitUntil', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('returns the first truthy value, treating throws and falsy values as not yet', async () => {
    const answers: Array<() => unknown> = [
      () => false,
      () => {
        throw new Error('not found');
      },
      () => undefined,
      () => 'ready',
      () => 'later',
    ];
    let calls = 0;
    const p = waitUntil(() => answers[calls++]!() as string | undefined, 'ready', 10_000, 100);
    await vi.advanceTimersByTimeAsync(300);
    await expect(p).resolves.toBe('ready');
    expect(calls).toBe(4);
  });

  it.each([
    { probe: () => false, last: 'last: false' },
    {
      probe: () => {
        throw new Error('connection refused');
      },
      last: 'last: connection refused',
    },
  ])('on the deadline names what it waited for and what it last saw ($last)', async ({ probe, last }) => {
    const p = waitUntil(probe, 'the thing', 1_000, 100);
    const settled = expect(p).rejects.toThrow(`timed out after 1000 ms waiting for the thing; ${last}`);
    await vi.advanceTimersByTimeAsync(1_100);
    await settled;
  });
});
