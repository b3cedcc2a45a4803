import { describe, expect, it } from 'vitest';
import { FakeClock } from '../lib/clock.js';
import { DueQueue } from './due-queue.js';

describe('DueQueue', () => {
  it('runs callbacks in due order, ties in scheduling order, on one clock timer', () => {
    const clock = new FakeClock(0);
    const q = new DueQueue(clock);
    const ran: string[] = [];
    q.at(300, () => ran.push('c'));
    q.at(100, () => ran.push('a1'));
    q.at(100, () => ran.push('a2'));
    q.after(200, () => ran.push('b'));
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(150);
    expect(ran).toEqual(['a1', 'a2']);
    clock.advance(1000);
    expect(ran).toEqual(['a1', 'a2', 'b', 'c']);
    expect(q.size()).toBe(0);
  });

  it('re-arms for an earlier entry and lets callbacks schedule more', () => {
    const clock = new FakeClock(0);
    const q = new DueQueue(clock);
    const ran: number[] = [];
    q.at(1000, () => ran.push(clock.now()));
    q.at(10, () => {
      ran.push(clock.now());
      q.after(0, () => ran.push(clock.now()));
      q.after(5, () => ran.push(clock.now()));
    });
    clock.advance(2000);
    expect(ran).toEqual([10, 10, 15, 1000]);
  });

  it('holds 100,000 entries in a heap without a timer each', () => {
    const clock = new FakeClock(0);
    const q = new DueQueue(clock);
    let count = 0;
    let last = -1;
    let ordered = true;
    for (let i = 0; i < 100_000; i++) {
      const at = (i * 7919) % 1000;
      q.at(at, () => {
        if (at < last) ordered = false;
        last = at;
        count++;
      });
    }
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(100_000);
    expect(count).toBe(100_000);
    expect(ordered).toBe(true);
  });

  it('stop() drops everything', () => {
    const clock = new FakeClock(0);
    const q = new DueQueue(clock);
    let ran = false;
    q.after(10, () => (ran = true));
    q.stop();
    q.after(10, () => (ran = true));
    clock.advance(100);
    expect(ran).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });
});
