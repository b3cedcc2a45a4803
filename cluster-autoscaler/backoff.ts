/**
 * Per-group exponential backoff after a failed scale-up, as CA's ExponentialBackoff:
 * --initial-node-group-backoff-duration doubling up to --max-node-group-backoff-duration,
 * forgotten after 3 h without failures (CA's backoff reset timeout).
 */
const RESET_AFTER_MS = 3 * 3600_000;

export interface BackoffEntry {
  until: number;
  durationMs: number;
  lastFailure: number;
  errorCode: string;
  errorMessage: string;
}

export class GroupBackoff {
  private readonly entries = new Map<string, BackoffEntry>();

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  fail(group: string, now: number, errorCode: string, errorMessage: string): BackoffEntry {
    const prev = this.entries.get(group);
    const durationMs = prev && now - prev.lastFailure < RESET_AFTER_MS ? Math.min(this.maxMs, prev.durationMs * 2) : this.initialMs;
    const e = { until: now + durationMs, durationMs, lastFailure: now, errorCode, errorMessage };
    this.entries.set(group, e);
    return e;
  }

  backedOff(group: string, now: number): BackoffEntry | undefined {
    const e = this.entries.get(group);
    return e && now < e.until ? e : undefined;
  }

  /** A node of the group came up: the group works again (CA's RegisterScaleUp success path). */
  succeed(group: string): void {
    this.entries.delete(group);
  }
}
