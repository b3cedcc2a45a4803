import { FakeClock } from '../../lib/clock.js';
import { runProgram } from './busybox.js';
import { IMAGE_DIRS, SimFs } from './sim-fs.js';
import { collector, type Input, type NetHost, type ShellHost } from './types.js';

/** Test helpers for the simulated shell: a host on a FakeClock, and a driver that moves the clock while a program waits. */

export function makeHost(net: NetHost = {}, clock = new FakeClock()): ShellHost & { clock: FakeClock } {
  const fs = new SimFs(() => clock.now());
  for (const d of IMAGE_DIRS) fs.mkdirp(d);
  fs.write('/etc/hostname', 'pod-1\n');
  return { clock, fs, hostname: 'pod-1', net };
}

/** Input fed by the test: push() text, end() for EOF. */
export function feed(): Input & { push(text: string): void; end(): void } {
  const chunks: Array<string | null> = [];
  let wake: (() => void) | undefined;
  return {
    push(text) {
      chunks.push(text);
      wake?.();
    },
    end() {
      chunks.push(null);
      wake?.();
    },
    async read(signal) {
      while (chunks.length === 0) {
        if (signal.aborted) throw new (await import('./types.js')).Interrupted();
        await new Promise<void>((resolve) => {
          wake = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        wake = undefined;
      }
      if (chunks[0] === null) return null;
      return chunks.shift()!;
    },
  };
}

/**
 * Runs argv to its end, advancing the fake clock by stepMs whenever the program is idle
 * (waiting in sleep or a request), up to maxSteps times.
 */
export async function run(
  argv: string[],
  opts: { host?: ReturnType<typeof makeHost>; env?: Record<string, string>; stdin?: Input; stepMs?: number; maxSteps?: number; signal?: AbortSignal } = {},
): Promise<{ code: number; out: string; err: string; host: ReturnType<typeof makeHost> }> {
  const host = opts.host ?? makeHost();
  const out = collector();
  const err = collector();
  const stdin = opts.stdin ?? { read: async () => null };
  let settled = false;
  const p = runProgram(argv, host, new Map(Object.entries(opts.env ?? {})), { stdin, stdout: out, stderr: err }, opts.signal ?? new AbortController().signal).finally(() => {
    settled = true;
  });
  for (let i = 0; i < (opts.maxSteps ?? 1000) && !settled; i++) {
    await new Promise<void>((r) => setImmediate(r));
    if (!settled) host.clock.advance(opts.stepMs ?? 100);
  }
  const code = await p;
  return { code, out: out.text(), err: err.text(), host };
}
