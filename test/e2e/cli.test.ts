import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlRunner } from './harness.js';
import { configMapYaml } from './manifests.js';

// The built CLI as a user runs it: `kubeling up` in a child process on a temporary data
// directory, kubectl through the kubeconfig it announces, SIGTERM for a clean stop, and a
// second start on the same data directory that still has what the first one stored
// (durability of the SQLite file). Needs dist/ (`npm test` builds first).
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin/kubeling.js');

interface RunningCli {
  child: ChildProcess;
  kubeconfigPath: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then the exit code and signal. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `kubeling up` and resolves once it prints the `export KUBECONFIG=` line. */
function startCli(dataDir: string, home: string): Promise<RunningCli> {
  const child = spawn(process.execPath, [BIN, 'up', '--port', '0', '--dns-port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal })),
  );
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubeling up printed no KUBECONFIG line within 30 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 30_000);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`kubeling up exited early (${code ?? signal})\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
    child.stdout!.on('data', (s: string) => {
      stdout += s;
      const match = /^export KUBECONFIG=(.+)$/m.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolveStart({
        child,
        kubeconfigPath: match[1]!.replace(/^'(.*)'$/, '$1'),
        stdout: () => stdout,
        stderr: () => stderr,
        async terminate() {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

describe('kubeling up (the built CLI)', () => {
  let root: string;
  let running: RunningCli | undefined;
  const started: RunningCli[] = [];

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    root = await mkdtemp(join(tmpdir(), 'kubeling-cli-e2e-'));
  });
  afterAll(async () => {
    // A test that failed half-way leaves its kubeling running: never leak it.
    for (const cli of started) if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  it('announces a kubeconfig that kubectl can use, and stops cleanly on SIGTERM', async () => {
    running = await startCli(join(root, 'data'), join(root, 'home'));
    started.push(running);
    expect(running.stdout()).toMatch(/^Kubeling is running at https:\/\/127\.0\.0\.1:\d+\n/);
    expect(running.kubeconfigPath).toBe(join(root, 'data', 'kubeconfig'));

    const { kubectl } = kubectlRunner(join(root, 'run1'), running.kubeconfigPath);
    const ns = await kubectl(['get', 'ns']);
    expect(ns.stderr).toBe('');
    expect(ns.stdout).toMatch(/^NAME\s+STATUS\s+AGE\n/);
    expect(ns.stdout).toMatch(/^default\s+Active\s+\d+[smh]$/m);

    const created = await kubectl(['create', '-f', '-'], { stdin: configMapYaml('survivor', { state: 'kept' }) });
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('configmap/survivor created\n');

    const exit = await running.terminate();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(running.stderr()).not.toMatch(/^kubeling: /m);
  });

  it('restarted on the same data directory, still has the object', async () => {
    running = await startCli(join(root, 'data'), join(root, 'home'));
    started.push(running);
    const { kubectl } = kubectlRunner(join(root, 'run2'), running.kubeconfigPath);
    const res = await kubectl(['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.state}']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('kept');

    const exit = await running.terminate();
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
