import { describe, expect, it } from 'vitest';
import { FakeClock } from '../lib/clock.js';
import { backoffDuration, SchedulingQueue } from './scheduling-queue.js';
import { makePod } from './testing/builders.js';
import type { PodLike } from './types.js';

const pod = (name: string, priority?: number): PodLike => {
  const b = makePod(name).req({ cpu: '1' });
  if (priority !== undefined) b.priority(priority);
  return b.obj();
};

function setup() {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock });
  return { clock, q };
}

describe('backoffDuration', () => {
  const cases: [number, number][] = [
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10_000],
    [12, 10_000],
  ];
  for (const [attempts, want] of cases) {
    it(`attempt ${attempts} → ${want} ms`, () => expect(backoffDuration(attempts, 1000, 10_000)).toBe(want));
  }
});

describe('SchedulingQueue', () => {
  it('pops by priority, then first in first out', () => {
    const { q } = setup();
    q.add('d/a', pod('a'));
    q.add('d/b', pod('b', 10));
    q.add('d/c', pod('c'));
    q.add('d/d', pod('d', 10));
    const order = [q.tryPop(), q.tryPop(), q.tryPop(), q.tryPop()].map((p) => p?.key);
    expect(order).toEqual(['d/b', 'd/d', 'd/a', 'd/c']);
    expect(q.tryPop()).toBeUndefined();
  });

  it('hands a pod to a waiting pop() and counts the attempt', async () => {
    const { q } = setup();
    const waiting = q.pop();
    q.add('d/a', pod('a'));
    const p = await waiting;
    expect(p?.key).toBe('d/a');
    expect(p?.attempts).toBe(1);
    q.close();
    expect(await q.pop()).toBeUndefined();
  });

  it('holds a pod once however often it is added, and delete removes it from anywhere', () => {
    const { q } = setup();
    q.add('d/a', pod('a'));
    q.add('d/a', pod('a'));
    expect(q.counts()).toEqual({ active: 1, backoff: 0, unschedulable: 0 });
    q.delete('d/a');
    expect(q.counts()).toEqual({ active: 0, backoff: 0, unschedulable: 0 });

    q.add('d/b', pod('b'));
    const b = q.tryPop()!;
    q.addUnschedulable(b, new Set(['NodeResourcesFit']));
    expect(q.whereIs('d/b')).toBe('unschedulable');
    q.delete('d/b');
    expect(q.whereIs('d/b')).toBeUndefined();

    q.add('d/c', pod('c'));
    q.addBackoff(q.tryPop()!);
    expect(q.whereIs('d/c')).toBe('backoff');
    q.delete('d/c');
    expect(q.whereIs('d/c')).toBeUndefined();
  });

  it('backs off 1 s, 2 s, 4 s … 10 s between attempts', () => {
    const { clock, q } = setup();
    q.add('d/a', pod('a'));
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const p = q.tryPop()!;
      expect(p.attempts).toBe(i + 1);
      q.addBackoff(p);
      let waited = 0;
      while (q.whereIs('d/a') !== 'active') {
        clock.advance(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('moves unschedulable pods only on events their plugins care about', () => {
    const { clock, q } = setup();
    q.add('d/cpu', pod('cpu'));
    q.add('d/aff', pod('aff'));
    q.addUnschedulable(q.tryPop()!, new Set(['NodeResourcesFit']));
    q.addUnschedulable(q.tryPop()!, new Set(['NodeAffinity']));

    expect(q.moveAllToActiveOrBackoff('NodeLabelChange')).toBe(1);
    // Still within its 1 s backoff: it waits in backoffQ, then becomes active.
    expect(q.whereIs('d/aff')).toBe('backoff');
    expect(q.whereIs('d/cpu')).toBe('unschedulable');
    clock.advance(1000);
    expect(q.whereIs('d/aff')).toBe('active');

    clock.advance(5000);
    expect(q.moveAllToActiveOrBackoff('AssignedPodDelete')).toBe(1);
    // Backoff long over: straight to activeQ.
    expect(q.whereIs('d/cpu')).toBe('active');
  });

  it('sends a pod with no plugin to blame to backoffQ, not the unschedulable pool', () => {
    const { q } = setup();
    q.add('d/a', pod('a'));
    q.addUnschedulable(q.tryPop()!, new Set());
    expect(q.whereIs('d/a')).toBe('backoff');
  });

  it('flushes pods unschedulable for 5 minutes', () => {
    const { clock, q } = setup();
    q.add('d/a', pod('a'));
    q.addUnschedulable(q.tryPop()!, new Set(['NodeAffinity']));
    clock.advance(4 * 60_000 + 59_000);
    expect(q.whereIs('d/a')).toBe('unschedulable');
    clock.advance(31_000);
    expect(q.whereIs('d/a')).toBe('active');
  });

  it('retries an unschedulable pod whose spec changed, not one whose status changed', () => {
    const { q } = setup();
    const p = makePod('a').req({ cpu: '1' });
    q.add('d/a', p.obj());
    q.addUnschedulable(q.tryPop()!, new Set(['NodeAffinity']));
    q.update('d/a', p.phase('Pending').obj());
    expect(q.whereIs('d/a')).toBe('unschedulable');
    q.update('d/a', p.nodeSelector({ zone: 'a' }).obj());
    expect(q.whereIs('d/a')).toBe('backoff');
  });

  it('stops its timers on close', () => {
    const { clock, q } = setup();
    q.add('d/a', pod('a'));
    q.addBackoff(q.tryPop()!);
    expect(clock.pendingTimers()).toBe(2);
    q.close();
    expect(clock.pendingTimers()).toBe(0);
  });
});
