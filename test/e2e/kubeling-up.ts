import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlBinary, kubectlEnv, kubectlRunner, type KubectlRunner } from './harness.js';

/**
 * `kubeling up` from the built CLI (dist/) as a user starts it, in its own process with
 * its own data directory, and the real kubectl against it: for the tutorial e2e tests
 * (HPA walkthrough, HPA + cluster autoscaler). Also kubectl in a pseudo-terminal
 * (`script` from util-linux), for `kubectl run -i --tty`.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin/kubeling.js');

export interface KubelingUp extends KubectlRunner {
  kubeconfig: string;
  /** Runs kubectl, throws with its stderr unless it exits 0; resolves with stdout. */
  ok(args: string[], stdin?: string): Promise<string>;
  /** kubectl in a pseudo-terminal, as typed by a user (see ttyKubectl). */
  tty(args: string[]): TtySession;
  /** What `up` wrote to stderr so far (its logs). */
  stderr(): string;
  stop(): Promise<void>;
}

export interface TtySession {
  /** Resolves once the screen (since the last match) matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Keys typed into the terminal (`\x03` is Ctrl-C). */
  type(keys: string): void;
  screen(): string;
  /** Resolves with kubectl's exit code once it has ended. */
  exited(timeoutMs?: number): Promise<number | null>;
}

export async function startKubelingUp(flags: string[]): Promise<KubelingUp> {
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const root = await mkdtemp(join(tmpdir(), 'kubeling-up-e2e-'));
  mkdirSync(join(root, 'home'), { recursive: true });
  let err = '';
  const child: ChildProcess = spawn(process.execPath, [BIN, 'up', '--port', '0', '--data-dir', join(root, 'data'), '--log-level', 'warn', ...flags], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(root, 'home'), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
    if (err.length > 1_000_000) err = err.slice(-500_000);
  });
  let out = '';
  const kubeconfig = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no KUBECONFIG line in 60 s: ${out} ${err}`)), 60_000);
    child.once('exit', (code) => rej(new Error(`kubeling up exited (${code}): ${err}`)));
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /^export KUBECONFIG=(.+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    });
  });
  const runner = kubectlRunner(join(root, 'kubectl'), kubeconfig);
  const ok = async (args: string[], stdin?: string) => {
    const r = await runner.kubectl(args, stdin !== undefined ? { stdin } : {});
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const sessions: ChildProcess[] = [];
  return {
    ...runner,
    kubeconfig,
    ok,
    tty(args) {
      const cmd = [kubectlBinary(), `--kubeconfig=${kubeconfig}`, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      const p = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...kubectlEnv(join(root, 'home'), kubeconfig), TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
      sessions.push(p);
      return ttySession(p);
    },
    stderr: () => err,
    async stop() {
      for (const s of sessions) if (s.exitCode === null) s.kill('SIGKILL');
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}

function ttySession(p: ChildProcess): TtySession {
  let screen = '';
  let seen = 0;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  p.stdout!.setEncoding('utf8').on('data', (s: string) => {
    screen += s;
    // A long-running loop prints without end: keep the tail only.
    if (screen.length > 200_000) {
      const cut = screen.length - 100_000;
      screen = screen.slice(cut);
      seen = Math.max(0, seen - cut);
    }
    wake();
  });
  p.stderr!.setEncoding('utf8').on('data', (s: string) => {
    screen += s;
    wake();
  });
  const done = new Promise<number | null>((r) => p.on('close', (code) => (r(code), wake())));
  return {
    screen: () => screen,
    type: (keys) => void p.stdin!.write(keys),
    waitFor(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(screen.slice(seen));
          if (m) {
            seen += m.index + m[0].length;
            cleanup();
            resolve(m[0]);
          } else if (p.exitCode !== null) {
            cleanup();
            reject(new Error(`kubectl ended (${p.exitCode}) before ${re}: ${screen.slice(-2000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${re}; screen: ${JSON.stringify(screen.slice(-2000))}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    exited: (timeoutMs = 30_000) => Promise.race([done, new Promise<null>((_, rej) => setTimeout(() => rej(new Error('kubectl did not exit')), timeoutMs).unref())]),
  };
}
