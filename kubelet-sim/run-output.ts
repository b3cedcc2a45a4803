import type { OutputLine } from './command-plan.js';

/**
 * What a container's running program printed, kept as the container runtime keeps a
 * log: complete lines, each stamped with when its newline arrived, and a trailing
 * unfinished line that is written out as a partial entry once it has waited
 * `partialFlushMs` (a `wget -q -O-` loop prints `OK!OK!OK!…` and never a newline: its
 * log still grows, as `kubectl logs` shows on a real node). stdout and stderr share the
 * log, as kubelet's does. Bounded: the oldest entries roll off past maxEntries, and a
 * partial entry is cut at maxEntryBytes (containerd's 16 KiB) to start another.
 */

export interface RunOutputOptions {
  /** When the run started (epoch ms): entries are stored as offsets from it. */
  startedAt: number;
  maxEntries?: number;
  maxEntryBytes?: number;
}

export class RunOutput {
  private readonly entries: OutputLine[] = [];
  private pending = '';
  private pendingSince = 0;
  private readonly maxEntries: number;
  private readonly maxEntryBytes: number;

  constructor(private readonly o: RunOutputOptions) {
    this.maxEntries = o.maxEntries ?? 10_000;
    this.maxEntryBytes = o.maxEntryBytes ?? 16 * 1024;
  }

  /** Adds printed text at time `now`; returns true when complete entries were added. */
  write(text: string, now: number): boolean {
    if (text === '') return false;
    if (this.pending === '') this.pendingSince = now;
    this.pending += text;
    let added = false;
    for (;;) {
      const nl = this.pending.indexOf('\n');
      if (nl < 0) break;
      this.push({ atMs: now - this.o.startedAt, text: this.pending.slice(0, nl) });
      this.pending = this.pending.slice(nl + 1);
      this.pendingSince = now;
      added = true;
    }
    if (this.pending.length >= this.maxEntryBytes) added = this.flush() || added;
    return added;
  }

  /** Whether an unfinished line waits to be written. */
  hasPending(): boolean {
    return this.pending !== '';
  }

  /** Writes the unfinished line as partial entries, stamped when it began (on a timer, or when the run ends). */
  flush(): boolean {
    if (this.pending === '') return false;
    for (let i = 0; i < this.pending.length; i += this.maxEntryBytes) {
      this.push({ atMs: this.pendingSince - this.o.startedAt, text: this.pending.slice(i, i + this.maxEntryBytes), partial: true });
    }
    this.pending = '';
    return true;
  }

  /** The entries so far, oldest first (a copy the caller may keep). */
  lines(): OutputLine[] {
    return this.entries.slice();
  }

  private push(line: OutputLine): void {
    this.entries.push(line);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
  }
}
