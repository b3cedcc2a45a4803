/**
 * How a node's CPU is divided among its containers at one instant, as the kernel's CFS
 * does it: a container never gets more than its CPU limit (the quota: the rest of its
 * demand is throttled), and when the node is saturated, CPU is shared in proportion to
 * cpu.shares (the CPU request; 2 shares, i.e. 2m, for a container without one), no
 * container getting more than it asks for. Pure.
 */

export interface CpuClaim {
  /** Cores the container would use unconstrained. */
  demand: number;
  /** Cores; undefined: no limit. */
  limit?: number;
  /** Cores requested: its weight under contention. */
  request: number;
}

/** Smallest weight, as kubelet's MinShares (2 shares = 2 millicores). */
export const MIN_SHARE_CORES = 0.002;

/** Cores each claim gets, in claim order, out of `capacity` cores. */
export function shareCpu(claims: readonly CpuClaim[], capacity: number): number[] {
  const want = claims.map((c) => Math.max(0, Math.min(c.demand, c.limit ?? Infinity)));
  const total = want.reduce((a, b) => a + b, 0);
  if (total <= capacity) return want;
  // Water-filling: give every unsatisfied claim its weighted part of what is left; those
  // that want less keep what they want, the rest is divided again among the others.
  const got = new Array<number>(claims.length).fill(0);
  let open = claims.map((_, i) => i).filter((i) => want[i]! > 0);
  let left = Math.max(0, capacity);
  while (open.length > 0 && left > 1e-12) {
    const weight = open.reduce((a, i) => a + Math.max(MIN_SHARE_CORES, claims[i]!.request), 0);
    const next: number[] = [];
    let spent = 0;
    for (const i of open) {
      const part = (left * Math.max(MIN_SHARE_CORES, claims[i]!.request)) / weight;
      const need = want[i]! - got[i]!;
      if (need <= part) {
        got[i] = want[i]!;
        spent += need;
      } else next.push(i);
    }
    if (next.length === open.length) {
      // Nobody is satisfied by their part: everyone gets exactly their part.
      for (const i of open) got[i] = got[i]! + (left * Math.max(MIN_SHARE_CORES, claims[i]!.request)) / weight;
      break;
    }
    left -= spent;
    open = next;
  }
  return got;
}

/**
 * How much slower a container answers than unconstrained: demand over what it got (1
 * when it got all it asked for). A throttled container serves requests proportionally slower.
 */
export function slowdown(demand: number, granted: number): number {
  if (demand <= 0 || granted >= demand) return 1;
  if (granted <= 0) return 1000;
  return Math.min(1000, demand / granted);
}
