import { realClock, type Clock } from './clock.js';

/**
 * A clock that runs `factor` times faster than real time from the moment it is made: a
 * demo or an e2e test sees a CronJob's every-minute schedule fire every 60/factor s.
 * Only the components given this clock are accelerated; the others keep real time.
 */
export function createScaledClock(factor: number, base: Clock = realClock): Clock {
  if (!(factor > 0)) throw new Error(`clock factor must be positive, got ${factor}`);
  const start = base.now();
  return {
    now: () => start + (base.now() - start) * factor,
    setTimeout: (fn, ms) => base.setTimeout(fn, Math.max(0, ms) / factor),
    clearTimeout: (h) => base.clearTimeout(h),
  };
}
