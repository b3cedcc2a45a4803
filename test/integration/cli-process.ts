import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built CLI (`bin/kubeling.js`, which loads dist/) as a child process in its own
 * process group, so a test can stop it with everything it spawned and leave nothing
 * behind. Output is kept for assertions and failure messages.
 */

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(REPO, 'bin/kubeling.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly name: string;
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` on stdout; rejects if the process exits first or on timeout. */
  waitForStdout(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** pino JSON lines from stderr (non-JSON lines are skipped). */
  logs(): Array<Record<string, unknown>>;
  readonly exited: Promise<Exit>;
  running(): boolean;
  /**
   * Sends `signal` to the process group and waits for the exit; SIGKILLs the group when
   * it is not gone after `timeoutMs`.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

const MAX_KEPT = 4 * 1024 * 1024;

export function startCli(name: string, args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    // Not the test runner's environment: no VITEST (which silences loggers), no NODE_OPTIONS.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out = (out + s).slice(-MAX_KEPT)));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-MAX_KEPT)));
  const exited = new Promise<Exit>((res) => child.once('exit', (code, signal) => res({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is already gone
    }
  };

  return {
    name,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    running,
    logs() {
      const records: Array<Record<string, unknown>> = [];
      for (const line of err.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          records.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // a line cut by the size cap
        }
      }
      return records;
    },
    waitForStdout(re, timeoutMs = 30_000) {
      return new Promise((res, rej) => {
        const fail = (why: string) => {
          cleanup();
          rej(new Error(`${name}: ${why}\nstdout: ${out}\nstderr: ${err.slice(-4000)}`));
        };
        const check = () => {
          const m = re.exec(out);
          if (m) {
            cleanup();
            res(m);
          }
        };
        const timer = setTimeout(() => fail(`no ${re} on stdout within ${timeoutMs} ms`), timeoutMs);
        const onExit = (code: number | null, signal: string | null) => fail(`exited early (${code ?? signal})`);
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          child.off('exit', onExit);
        };
        child.stdout!.on('data', check);
        child.once('exit', onExit);
        check();
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (!running()) {
        signalGroup('SIGKILL'); // anything it left in its group
        return exited;
      }
      signalGroup(signal);
      const timer = setTimeout(() => signalGroup('SIGKILL'), timeoutMs);
      const exit = await exited;
      clearTimeout(timer);
      signalGroup('SIGKILL');
      return exit;
    },
  };
}
