import type { FlowSchema, PriorityLevelConfiguration } from '../../api/flowcontrol/index.js';
import { classify, sortFlowSchemas, type Classification, type RequestDigest } from './classify.js';

/**
 * API Priority and Fairness in its simplest useful form: each Limited priority level gets
 * a share of the server's concurrency (kube-apiserver: --max-requests-inflight 400 +
 * --max-mutating-requests-inflight 200 = 600 seats, split by nominalConcurrencyShares);
 * a request past its level's seats waits in one of the level's queues (its flow hashed
 * onto `queues`, at most `queueLengthLimit` each, served round-robin so one flow's flood
 * does not starve the others) or, for a Reject level or a full queue, is refused: the
 * caller answers 429 with Retry-After. Exempt levels (system:masters, probes) never wait.
 * Borrowing between levels and shuffle sharding are left out.
 */

export interface DispatcherOptions {
  /** Seats shared by the Limited levels; default 600, as kube-apiserver's defaults. */
  serverConcurrencyLimit?: number;
  /** How long a queued request waits for a seat before it is refused; kube: 15 s. */
  queueWaitMs?: number;
  setTimeout?: (fn: () => void, ms: number) => { unref?(): void };
  clearTimeout?: (h: unknown) => void;
}

/** What admit() answers: run now (call release when done), wait, or refuse. */
export type Admission =
  | { kind: 'unclassified' }
  | { kind: 'run'; classification: Classification; release: () => void }
  | { kind: 'queued'; classification: Classification; ready: Promise<(() => void) | 'rejected'> }
  | { kind: 'rejected'; classification: Classification; why: 'concurrency-limit' | 'queue-full' };

interface Waiter {
  grant: (release: (() => void) | 'rejected') => void;
  timer: unknown;
}

interface LevelState {
  limit: number;
  inFlight: number;
  queueCount: number;
  queueLengthLimit: number;
  reject: boolean;
  queues: Map<number, Waiter[]>;
  /** Queue indexes in round-robin order. */
  order: number[];
  next: number;
}

export class Dispatcher {
  private sorted: FlowSchema[] = [];
  private levels = new Map<string, PriorityLevelConfiguration>();
  private state = new Map<string, LevelState>();
  private readonly serverLimit: number;
  private readonly waitMs: number;
  private readonly setT: NonNullable<DispatcherOptions['setTimeout']>;
  private readonly clearT: NonNullable<DispatcherOptions['clearTimeout']>;

  constructor(opts: DispatcherOptions = {}) {
    this.serverLimit = opts.serverConcurrencyLimit ?? 600;
    this.waitMs = opts.queueWaitMs ?? 15_000;
    this.setT = opts.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearT = opts.clearTimeout ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  }

  /** Installs a configuration; seats in use carry over to levels that keep their name. */
  configure(schemas: readonly FlowSchema[], levels: readonly PriorityLevelConfiguration[]): void {
    this.sorted = sortFlowSchemas(schemas);
    this.levels = new Map(levels.map((l) => [l.metadata.name ?? '', l]));
    const limited = levels.filter((l) => l.spec.type === 'Limited');
    const shares = limited.reduce((sum, l) => sum + (l.spec.limited?.nominalConcurrencyShares ?? 30), 0);
    const next = new Map<string, LevelState>();
    for (const l of limited) {
      const name = l.metadata.name ?? '';
      const lr = l.spec.limited?.limitResponse;
      const old = this.state.get(name);
      const limit = Math.max(1, Math.ceil((this.serverLimit * (l.spec.limited?.nominalConcurrencyShares ?? 30)) / Math.max(1, shares)));
      const st: LevelState = old ?? { limit, inFlight: 0, queueCount: 1, queueLengthLimit: 50, reject: true, queues: new Map(), order: [], next: 0 };
      st.limit = limit;
      st.reject = lr?.type !== 'Queue';
      st.queueCount = Math.max(1, lr?.queuing?.queues ?? 64);
      st.queueLengthLimit = Math.max(1, lr?.queuing?.queueLengthLimit ?? 50);
      next.set(name, st);
    }
    this.state = next;
  }

  /** The configured concurrency limit of a level (for /metrics and tests). */
  limitOf(level: string): number | undefined {
    return this.state.get(level)?.limit;
  }

  classify(req: RequestDigest): Classification | undefined {
    return classify(req, this.sorted, this.levels);
  }

  /** Classifies and, for a Limited level, takes a seat, queues or refuses. */
  admit(req: RequestDigest, longRunning = false): Admission {
    const classification = this.classify(req);
    if (!classification) return { kind: 'unclassified' };
    const st = this.state.get(classification.priorityLevel.metadata.name ?? '');
    // Exempt, or a watch (kube holds a seat only while a watch initialises).
    if (!st || longRunning) return { kind: 'run', classification, release: () => {} };
    if (st.inFlight < st.limit && st.order.length === 0) {
      st.inFlight++;
      return { kind: 'run', classification, release: this.releaser(st) };
    }
    if (st.reject) return { kind: 'rejected', classification, why: 'concurrency-limit' };
    const index = hash(classification.flow) % st.queueCount;
    let queue = st.queues.get(index);
    if (queue && queue.length >= st.queueLengthLimit) return { kind: 'rejected', classification, why: 'queue-full' };
    if (!queue) {
      queue = [];
      st.queues.set(index, queue);
      st.order.push(index);
    }
    const q = queue;
    const ready = new Promise<(() => void) | 'rejected'>((resolve) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: this.setT(() => {
          const at = q.indexOf(waiter);
          if (at >= 0) q.splice(at, 1);
          if (q.length === 0) this.dropQueue(st, index);
          resolve('rejected');
        }, this.waitMs),
      };
      (waiter.timer as { unref?(): void }).unref?.();
      q.push(waiter);
    });
    return { kind: 'queued', classification, ready };
  }

  private releaser(st: LevelState): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      st.inFlight--;
      this.dispatch(st);
    };
  }

  /** Hands freed seats to queued requests, one queue after the other. */
  private dispatch(st: LevelState): void {
    while (st.inFlight < st.limit && st.order.length > 0) {
      st.next %= st.order.length;
      const index = st.order[st.next]!;
      const q = st.queues.get(index)!;
      const waiter = q.shift()!;
      if (q.length === 0) this.dropQueue(st, index);
      else st.next++;
      this.clearT(waiter.timer);
      st.inFlight++;
      waiter.grant(this.releaser(st));
    }
  }

  private dropQueue(st: LevelState, index: number): void {
    st.queues.delete(index);
    const at = st.order.indexOf(index);
    if (at >= 0) {
      st.order.splice(at, 1);
      if (st.next > at) st.next--;
    }
  }
}

/** FNV-1a: spreads flows over a level's queues. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
