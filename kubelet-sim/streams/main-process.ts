import type { Logger } from '../../lib/logger.js';
import { runProgram } from '../shell/busybox.js';
import type { ShellHost } from '../shell/types.js';
import { Terminal } from './terminal.js';

/**
 * A container's main process when it is an interactive program (stdin: true — what
 * `kubectl run -it --image=busybox` creates): a shell reading the container's stdin,
 * started at the first `attach` of a run, shared by every attach of that run. When it
 * exits, the container exits with its status (onExit), as on a node.
 */

export interface MainProcess {
  readonly terminal: Terminal;
  readonly argv: string[];
  /** Settles with the exit status. */
  readonly done: Promise<number>;
  readonly stdinOnce: boolean;
  stop(): void;
}

export class MainProcesses {
  private readonly procs = new Map<string, MainProcess>();

  constructor(private readonly logger: Logger) {}

  /**
   * The process of the run `key` (uid/container/startedAt), started now when there is
   * none. onExit runs once, with the status, when it ends by itself.
   */
  getOrStart(
    key: string,
    opts: { argv: string[]; tty: boolean; stdinOnce: boolean; host: ShellHost; env: Map<string, string>; onExit: (code: number) => void },
  ): MainProcess {
    const existing = this.procs.get(key);
    if (existing) return existing;
    const terminal = new Terminal(opts.tty);
    const ctrl = new AbortController();
    // Ctrl-C reaches the process itself until a shell makes a command the foreground.
    terminal.io.tty?.setForeground(ctrl);
    // Started on the next tick, so that the attach asking for it is wired before the shell's first prompt.
    const done = new Promise<void>((r) => setImmediate(r)).then(() => runProgram(opts.argv, opts.host, opts.env, terminal.io, ctrl.signal)).catch((err: unknown) => {
      this.logger.error({ err, key }, 'simulated main process failed');
      return 1;
    });
    const proc: MainProcess = { terminal, argv: opts.argv, done, stdinOnce: opts.stdinOnce, stop: () => ctrl.abort() };
    this.procs.set(key, proc);
    void done.then((code) => {
      this.procs.delete(key);
      if (!ctrl.signal.aborted) opts.onExit(code);
    });
    return proc;
  }

  /** Ends the processes of runs no longer alive (the container stopped or the pod went). */
  prune(alive: (key: string) => boolean): void {
    for (const [key, p] of this.procs) {
      if (!alive(key)) {
        this.procs.delete(key);
        p.stop();
      }
    }
  }
}
