import { realClock, type Clock } from '../lib/clock.js';

/**
 * A token bucket: `qps` tokens per second, at most `burst` saved up. Used for client-side
 * request throttling (client-go's default is 5 qps, burst 10) and as the overall limiter
 * a work queue may combine with its per-item backoff.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(qps > 0)) throw new Error('TokenBucket: qps must be > 0');
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /**
   * Takes one token now (it may go into debt) and returns how long the caller must wait
   * before acting, in ms: 0 while tokens remain.
   */
  reserve(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  /** Resolves once the caller may proceed. */
  wait(): Promise<void> {
    const ms = this.reserve();
    if (ms === 0) return Promise.resolve();
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }
}
