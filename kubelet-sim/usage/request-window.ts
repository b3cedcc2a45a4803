/**
 * The requests a container served lately, in one-second buckets (a ring of WINDOW_RING
 * seconds), so the usage model can ask "what CPU were requests costing per second around
 * time t" for any t in the last minute, while it integrates usage lazily.
 */

export const WINDOW_RING = 64;
/** Seconds the request rate is averaged over (kubelet-like smoothing of a bursty loop). */
export const RATE_WINDOW_S = 5;

export class RequestWindow {
  private readonly sec = new Float64Array(WINDOW_RING).fill(-1);
  private readonly cpu = new Float64Array(WINDOW_RING);
  private readonly mem = new Float64Array(WINDOW_RING);
  private readonly count = new Float64Array(WINDOW_RING);
  /** Requests ever recorded (a cumulative counter, like a server's requests_total). */
  total = 0;

  add(atMs: number, cpuSeconds: number, memoryBytes: number): void {
    const s = Math.floor(atMs / 1000);
    const i = ((s % WINDOW_RING) + WINDOW_RING) % WINDOW_RING;
    if (this.sec[i] !== s) {
      this.sec[i] = s;
      this.cpu[i] = 0;
      this.mem[i] = 0;
      this.count[i] = 0;
    }
    this.cpu[i]! += Math.max(0, cpuSeconds);
    this.mem[i]! += Math.max(0, memoryBytes);
    this.count[i]! += 1;
    this.total += 1;
  }

  /** Averages over the RATE_WINDOW_S whole seconds up to atMs: cores, bytes held (1 s per request), requests/s. */
  rateAt(atMs: number): { cpu: number; memory: number; requests: number } {
    const last = Math.floor(atMs / 1000);
    let cpu = 0;
    let mem = 0;
    let n = 0;
    for (let s = last - RATE_WINDOW_S + 1; s <= last; s++) {
      const i = ((s % WINDOW_RING) + WINDOW_RING) % WINDOW_RING;
      if (this.sec[i] === s) {
        cpu += this.cpu[i]!;
        mem += this.mem[i]!;
        n += this.count[i]!;
      }
    }
    return { cpu: cpu / RATE_WINDOW_S, memory: mem / RATE_WINDOW_S, requests: n / RATE_WINDOW_S };
  }
}
