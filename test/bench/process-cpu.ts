import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system, all threads) a process has used so far, in milliseconds, read
 * from /proc/PID/stat; undefined where /proc is not there or the process is gone. The
 * benchmarks take it before and after a phase to say which process spent the cores.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return parseProcStatCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc times: 100 on Linux for every common architecture. */
const TICKS_PER_SECOND = 100;

/** utime + stime (fields 14 and 15) of a /proc/PID/stat line, in milliseconds. */
export function parseProcStatCpuMs(stat: string): number | undefined {
  // The command name (field 2) is in parentheses and may hold spaces: split after it.
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** CPU time of several processes over one phase. */
export class CpuMeter {
  private readonly start = new Map<string, number | undefined>();
  constructor(private readonly pids: Record<string, number | undefined>) {
    for (const [name, pid] of Object.entries(pids)) this.start.set(name, processCpuMs(pid));
  }

  /** Milliseconds of CPU each process used since the meter was made (undefined if unknown). */
  elapsed(): Record<string, number | undefined> {
    const out: Record<string, number | undefined> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const before = this.start.get(name);
      const now = processCpuMs(pid);
      out[name] = before === undefined || now === undefined ? undefined : now - before;
    }
    return out;
  }
}
