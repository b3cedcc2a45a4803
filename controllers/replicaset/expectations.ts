import type { Clock } from '../../lib/clock.js';

/**
 * client-go's ControllerExpectations with UID tracking for deletions
 * (controller_utils.go): after a controller creates or deletes N pods it must not act on
 * that key again until its informer has seen all N, or a slow watch would make it
 * create or delete twice. Expectations older than five minutes count as satisfied, so a
 * lost watch event cannot block a controller forever.
 *
 * Deletions are tracked by pod key so that a pod seen both with a deletionTimestamp and
 * then as deleted lowers the count once.
 */

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
  /** Pod keys whose deletion is expected. */
  deleting: Set<string>;
}

export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly clock: Clock, private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS) {}

  /**
   * True when the controller may act on key: no expectations recorded (a new
   * controller), all observed, or the expectations expired.
   */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.timestamp > this.timeoutMs;
  }

  expectCreations(key: string, count: number): void {
    this.byKey.set(key, { add: count, del: 0, timestamp: this.clock.now(), deleting: new Set() });
  }

  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.byKey.set(key, { add: 0, del: podKeys.length, timestamp: this.clock.now(), deleting: new Set(podKeys) });
  }

  /** The informer saw a pod this controller created (or a create failed / was skipped). */
  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  /** The informer saw podKey deleted or terminating (or the delete failed); counts once per pod. */
  deletionObserved(key: string, podKey: string): void {
    const e = this.byKey.get(key);
    if (e && e.deleting.delete(podKey)) e.del--;
  }

  /** Forgets key (its controller object was deleted). */
  delete(key: string): void {
    this.byKey.delete(key);
  }

  /** For tests and logs: [pending adds, pending deletes], or undefined. */
  pending(key: string): [number, number] | undefined {
    const e = this.byKey.get(key);
    return e ? [e.add, e.del] : undefined;
  }
}
