import type { Clock, TimerHandle } from '../lib/clock.js';

/**
 * The clock a simulated process sleeps on: the kubelet-sim's clock, except that a wait
 * that follows straight on from the previous one (a `while sleep 0.01; do wget …; done`
 * loop: sleep, request latency, sleep…) counts from when the previous one was due, not
 * from when its timer actually fired. On a busy host timers fire late (a 10 ms timer
 * often takes 12–15 ms under load), which would make a loop's request rate depend on
 * how loaded the machine running the simulation is; here it depends on the simulated
 * durations only, as the usage model's calibration assumes.
 *
 * Bounded: only a wait started within CHAIN_MS of the previous timer catches up, by at
 * most MAX_LAG_MS; a process that waited on anything else (input, an exec client) or fell
 * far behind starts afresh. A catching-up loop still runs at most as fast as the process
 * pacer (process-pace.ts) lets it.
 */

const CHAIN_MS = 20;
const MAX_LAG_MS = 1000;

export function processClock(base: Clock): Clock {
  let lastDue = -Infinity;
  let firedAt = -Infinity;
  return {
    now: () => base.now(),
    setTimeout(fn: () => void, ms: number): TimerHandle {
      const now = base.now();
      const chained = now - firedAt <= CHAIN_MS && now - lastDue <= MAX_LAG_MS;
      const due = (chained ? Math.min(now, lastDue) : now) + Math.max(0, ms);
      return base.setTimeout(() => {
        lastDue = due;
        firedAt = base.now();
        fn();
      }, Math.max(0, due - now));
    },
    clearTimeout: (h) => base.clearTimeout(h),
  };
}
