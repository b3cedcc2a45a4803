/**
 * The scheduling queue, after kube-scheduler's PriorityQueue: three places a pending pod
 * can wait, keyed `namespace/name`; a pod is in at most one of them, and in none while
 * a scheduling attempt holds it (between pop() and the attempt's outcome).
 *
 * - activeQ: pods to try now, highest spec.priority first, then first come first served
 *   (queue entry time, then creationTimestamp, then arrival order).
 * - backoffQ: pods whose last attempt failed, waiting out a per-pod exponential backoff
 *   (1 s doubling per attempt, at most 10 s) before going back to activeQ.
 * - unschedulable: pods no node fits. They leave only when a cluster event may help them
 *   (moveAllToActiveOrBackoff, see cluster-events.ts), when the pod itself changes, or
 *   after 5 minutes there (checked every 30 s) — to backoffQ if still backing off, else
 *   to activeQ.
 *
 * All time comes from the injected Clock. Timers: one for the earliest backoff expiry,
 * one periodic flush of the unschedulable pool; close() clears both and ends pop().
 */
import type { Clock, TimerHandle } from '../lib/clock.js';
import { eventMayHelp, podSchedulingPropertiesChanged, type ClusterEvent } from './cluster-events.js';
import { KeyedHeap } from './keyed-heap.js';
import type { PodLike } from './types.js';

export const DEFAULT_POD_INITIAL_BACKOFF_MS = 1_000;
export const DEFAULT_POD_MAX_BACKOFF_MS = 10_000;
/** podMaxInUnschedulablePodsDuration. */
export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_MS = 5 * 60_000;
export const UNSCHEDULABLE_FLUSH_INTERVAL_MS = 30_000;

export interface QueuedPodInfo<P extends PodLike = PodLike> {
  /** The newest version of the pod seen from the API. */
  pod: P;
  readonly key: string;
  /** When the pod last entered the queue: FIFO order and the start of its backoff. */
  timestamp: number;
  /** Scheduling attempts so far (counted at pop). */
  attempts: number;
  /** When the first attempt began (for latency figures). */
  initialAttemptTimestamp?: number;
  /** The plugins that rejected the pod in its last attempt. */
  unschedulablePlugins: Set<string>;
  /** Arrival order, the last tie-break. */
  seq: number;
}

export interface SchedulingQueueOptions {
  clock: Clock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxInUnschedulableMs?: number;
}

export interface QueueCounts {
  active: number;
  backoff: number;
  unschedulable: number;
}

/** kube's calculateBackoffDuration: initial × 2^(attempts−1), capped at max. */
export function backoffDuration(attempts: number, initialMs: number, maxMs: number): number {
  let d = initialMs;
  for (let i = 1; i < attempts; i++) {
    d *= 2;
    if (d >= maxMs) return maxMs;
  }
  return Math.min(d, maxMs);
}

function priority(p: PodLike): number {
  return p.spec?.priority ?? 0;
}

/** RFC 3339 timestamps in one format compare as strings. */
function created(p: PodLike): string {
  return (p.metadata as { creationTimestamp?: string } | undefined)?.creationTimestamp ?? '';
}

function activeLess(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
  const pa = priority(a.pod);
  const pb = priority(b.pod);
  if (pa !== pb) return pa > pb;
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
  // Pods listed together (a restart, a burst) keep their creation order.
  const ca = created(a.pod);
  const cb = created(b.pod);
  if (ca !== cb) return ca < cb;
  return a.seq < b.seq;
}

export class SchedulingQueue<P extends PodLike = PodLike> {
  private readonly clock: Clock;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;
  private readonly activeQ = new KeyedHeap<QueuedPodInfo<P>>(activeLess);
  private readonly backoffQ: KeyedHeap<QueuedPodInfo<P>>;
  private readonly unschedulable = new Map<string, QueuedPodInfo<P>>();
  private readonly waiters: ((p: QueuedPodInfo<P> | undefined) => void)[] = [];
  private backoffTimer?: { handle: TimerHandle; at: number };
  private flushTimer?: TimerHandle;
  private closed = false;
  private seq = 0;

  constructor(opts: SchedulingQueueOptions) {
    this.clock = opts.clock;
    this.initialBackoffMs = opts.initialBackoffMs ?? DEFAULT_POD_INITIAL_BACKOFF_MS;
    this.maxBackoffMs = opts.maxBackoffMs ?? DEFAULT_POD_MAX_BACKOFF_MS;
    this.maxInUnschedulableMs = opts.maxInUnschedulableMs ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_MS;
    this.backoffQ = new KeyedHeap((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
    this.armUnschedulableFlush();
  }

  /** When the pod's backoff ends (its timestamp plus the backoff for its attempts). */
  backoffExpiry(p: QueuedPodInfo<P>): number {
    return p.timestamp + backoffDuration(Math.max(1, p.attempts), this.initialBackoffMs, this.maxBackoffMs);
  }

  isBackingOff(p: QueuedPodInfo<P>): boolean {
    return p.attempts > 0 && this.backoffExpiry(p) > this.clock.now();
  }

  /** A new pending pod (informer add): straight to activeQ. A pod already queued is updated. */
  add(key: string, pod: P): void {
    if (this.closed) return;
    if (this.has(key)) {
      this.update(key, pod);
      return;
    }
    this.pushActive({ pod, key, timestamp: this.clock.now(), attempts: 0, unschedulablePlugins: new Set(), seq: this.seq++ });
  }

  /**
   * A newer version of a pending pod. In activeQ/backoffQ it is replaced in place; in the
   * unschedulable pool a change to anything but status moves it on (it may fit now).
   * A pod held nowhere (not yet seen) is added.
   */
  update(key: string, pod: P): void {
    if (this.closed) return;
    const inActive = this.activeQ.get(key);
    if (inActive) {
      inActive.pod = pod;
      this.activeQ.push(key, inActive);
      return;
    }
    const inBackoff = this.backoffQ.get(key);
    if (inBackoff) {
      inBackoff.pod = pod;
      return;
    }
    const parked = this.unschedulable.get(key);
    if (parked) {
      const changed = podSchedulingPropertiesChanged(parked.pod, pod);
      parked.pod = pod;
      if (changed) {
        this.unschedulable.delete(key);
        this.requeue(parked);
      }
      return;
    }
    this.add(key, pod);
  }

  /** The pod was deleted, bound by someone else, or is no longer ours. */
  delete(key: string): void {
    this.activeQ.delete(key);
    if (this.backoffQ.delete(key)) this.armBackoffFlush();
    this.unschedulable.delete(key);
  }

  has(key: string): boolean {
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key);
  }

  /** The next pod to schedule, or undefined at once when activeQ is empty. Counts an attempt. */
  tryPop(): QueuedPodInfo<P> | undefined {
    const p = this.activeQ.pop();
    if (p) this.startAttempt(p);
    return p;
  }

  /** The next pod to schedule; waits while activeQ is empty. undefined once closed. */
  pop(): Promise<QueuedPodInfo<P> | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const p = this.tryPop();
    if (p) return Promise.resolve(p);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * After a failed attempt: the pod goes to the unschedulable pool, remembering which
   * plugins rejected it. With no plugin to blame it goes to backoffQ instead (kube does
   * the same for errors: nothing specific would ever wake it). A pod already queued
   * again (an update arrived meanwhile) is left where it is.
   */
  addUnschedulable(p: QueuedPodInfo<P>, unschedulablePlugins: ReadonlySet<string>): void {
    if (this.closed || this.has(p.key)) return;
    p.unschedulablePlugins = new Set(unschedulablePlugins);
    p.timestamp = this.clock.now();
    if (p.unschedulablePlugins.size === 0) {
      this.pushBackoff(p);
      return;
    }
    this.unschedulable.set(p.key, p);
  }

  /** After an error (a failed bind): retry once the pod's backoff has passed. */
  addBackoff(p: QueuedPodInfo<P>): void {
    if (this.closed || this.has(p.key)) return;
    p.unschedulablePlugins = new Set();
    p.timestamp = this.clock.now();
    this.pushBackoff(p);
  }

  /**
   * A cluster event happened: every unschedulable pod it may help moves to backoffQ
   * (still backing off) or activeQ. Returns how many moved.
   */
  moveAllToActiveOrBackoff(event: ClusterEvent): number {
    if (this.closed || this.unschedulable.size === 0) return 0;
    let moved = 0;
    for (const [key, p] of this.unschedulable) {
      if (!eventMayHelp(event, p.unschedulablePlugins)) continue;
      this.unschedulable.delete(key);
      this.requeue(p);
      moved++;
    }
    return moved;
  }

  /** Moves every backoffQ pod whose backoff has expired to activeQ. */
  flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (;;) {
      const head = this.backoffQ.peek();
      if (!head || this.backoffExpiry(head) > now) break;
      this.backoffQ.pop();
      this.pushActive(head);
    }
    this.armBackoffFlush();
  }

  /** Moves pods parked for longer than maxInUnschedulableMs (podMaxInUnschedulablePodsDuration). */
  flushUnschedulableLeftover(): number {
    const now = this.clock.now();
    let moved = 0;
    for (const [key, p] of this.unschedulable) {
      if (now - p.timestamp < this.maxInUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.requeue(p);
      moved++;
    }
    return moved;
  }

  counts(): QueueCounts {
    return { active: this.activeQ.size, backoff: this.backoffQ.size, unschedulable: this.unschedulable.size };
  }

  /** Where a pod waits, for tests and debugging. */
  whereIs(key: string): 'active' | 'backoff' | 'unschedulable' | undefined {
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    return undefined;
  }

  /** Resolves every pending pop() with undefined (the caller stops waiting; pods stay queued). */
  wakeWaiters(): void {
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** Stops the timers; pending and future pop()s resolve undefined. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.backoffTimer) this.clock.clearTimeout(this.backoffTimer.handle);
    if (this.flushTimer) this.clock.clearTimeout(this.flushTimer);
    this.backoffTimer = undefined;
    this.flushTimer = undefined;
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private startAttempt(p: QueuedPodInfo<P>): void {
    p.attempts++;
    p.initialAttemptTimestamp ??= this.clock.now();
  }

  private requeue(p: QueuedPodInfo<P>): void {
    if (this.isBackingOff(p)) this.pushBackoff(p);
    else this.pushActive(p);
  }

  private pushActive(p: QueuedPodInfo<P>): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.startAttempt(p);
      waiter(p);
      return;
    }
    this.activeQ.push(p.key, p);
  }

  private pushBackoff(p: QueuedPodInfo<P>): void {
    this.backoffQ.push(p.key, p);
    this.armBackoffFlush();
  }

  /** Keeps one timer set for the earliest backoff expiry. */
  private armBackoffFlush(): void {
    if (this.closed) return;
    const head = this.backoffQ.peek();
    const at = head ? this.backoffExpiry(head) : undefined;
    if (this.backoffTimer && this.backoffTimer.at === at) return;
    if (this.backoffTimer) this.clock.clearTimeout(this.backoffTimer.handle);
    this.backoffTimer = undefined;
    if (at === undefined) return;
    const handle = this.clock.setTimeout(() => {
      this.backoffTimer = undefined;
      this.flushBackoffCompleted();
    }, Math.max(0, at - this.clock.now()));
    this.backoffTimer = { handle, at };
  }

  private armUnschedulableFlush(): void {
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushUnschedulableLeftover();
      if (!this.closed) this.armUnschedulableFlush();
    }, UNSCHEDULABLE_FLUSH_INTERVAL_MS);
  }
}
