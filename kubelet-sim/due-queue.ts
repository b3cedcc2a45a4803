import type { Clock, TimerHandle } from '../lib/clock.js';

/**
 * One min-heap of due callbacks driven by a single clock timer: the kubelet-sim's only
 * source of time. Thousands of nodes and pods cost one heap entry each, never one timer
 * each (a Node timer is ~200 bytes and a libuv handle; 100,000 of them would dominate).
 *
 * Contract: callbacks run in due order (ties in scheduling order), on the clock's timer,
 * never re-entrantly; a callback may schedule more. Cancellation is by the caller: an
 * entry whose target moved on checks that itself (a generation counter) and returns.
 */
export class DueQueue {
  private heap: Entry[] = [];
  private seq = 0;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private running = false;
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  /** Runs fn at clock time `at` (or as soon as possible if that is past). */
  at(at: number, fn: () => void): void {
    if (this.stopped) return;
    push(this.heap, { at, seq: this.seq++, fn, arg: undefined, token: 0 });
    if (!this.running) this.arm();
  }

  /** Runs fn after ms. */
  after(ms: number, fn: () => void): void {
    this.at(this.clock.now() + Math.max(0, ms), fn);
  }

  /**
   * Runs fn(arg, token) after ms: for callers with many entries, one shared function and
   * a record instead of a closure per entry (a closure and its context cost ~70 bytes).
   */
  callAfter<A>(ms: number, fn: (arg: A, token: number) => void, arg: A, token: number): void {
    if (this.stopped) return;
    push(this.heap, { at: this.clock.now() + Math.max(0, ms), seq: this.seq++, fn: fn as (arg: unknown, token: number) => void, arg, token });
    if (!this.running) this.arm();
  }

  size(): number {
    return this.heap.length;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.heap = [];
  }

  private arm(): void {
    const top = this.heap[0];
    if (!top) return;
    if (this.timer && this.timerAt <= top.at) return;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timerAt = top.at;
    this.timer = this.clock.setTimeout(() => this.fire(), top.at - this.clock.now());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    this.running = true;
    try {
      const now = this.clock.now();
      while (!this.stopped && this.heap.length > 0 && this.heap[0]!.at <= now) {
        const e = pop(this.heap)!;
        e.fn(e.arg, e.token);
      }
    } finally {
      this.running = false;
      if (!this.stopped) this.arm();
    }
  }
}

interface Entry {
  at: number;
  seq: number;
  fn: (arg: unknown, token: number) => void;
  arg: unknown;
  token: number;
}

const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

function push(h: Entry[], e: Entry): void {
  h.push(e);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(h[i]!, h[p]!)) break;
    [h[i], h[p]] = [h[p]!, h[i]!];
    i = p;
  }
}

function pop(h: Entry[]): Entry | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length > 0 && last) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
  return top;
}
