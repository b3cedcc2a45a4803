import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlRunner } from './harness.js';

// `kubeling up` with its apiserver on a worker thread (cli/apiserver-thread.ts), as built:
// the banner, kubectl served by that thread (API Priority and Fairness objects and
// headers included), one SIGTERM stopping both threads with exit 0, and a start failure
// inside the thread (port taken) reported as the apiserver alone reports it.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin/kubeling.js');

function up(args: string[], home: string) {
  const child = spawn(process.execPath, [BIN, 'up', '--dns-port', '0', '--nodes', '1', '--log-level', 'warn', ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('kubeling up: the apiserver thread', () => {
  let root: string;
  let taken: Server;
  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist/cli/apiserver-worker.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    root = await mkdtemp(join(tmpdir(), 'kubeling-up-thread-'));
    taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise((r) => taken.close(r));
    await rm(root, { recursive: true, force: true });
  });

  it('serves kubectl from its thread and stops with one SIGTERM', async () => {
    const run = up(['--port', '0', '--data-dir', join(root, 'data')], root);
    for (let i = 0; i < 1200 && !/export KUBECONFIG=/.test(run.stdout()); i++) {
      if (run.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const kubeconfig = /^export KUBECONFIG=(.+)$/m.exec(run.stdout())?.[1];
    expect(kubeconfig, run.stderr()).toBeDefined();
    const { kubectl } = kubectlRunner(root, kubeconfig!);
    const fs = await kubectl(['get', 'flowschemas', 'exempt', 'global-default', '-o', 'name']);
    expect(fs.stdout.trim().split('\n')).toEqual(['flowschema.flowcontrol.apiserver.k8s.io/exempt', 'flowschema.flowcontrol.apiserver.k8s.io/global-default']);
    const verbose = await kubectl(['get', 'namespaces', '-v=8']);
    expect(verbose.stderr).toMatch(/X-Kubernetes-Pf-Flowschema-Uid: [0-9a-f-]{36}/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 150_000);

  it('reports a start failure inside the thread and exits 1', async () => {
    const port = (taken.address() as { port: number }).port;
    const run = up(['--port', String(port), '--data-dir', join(root, 'data2')], root);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(`kubeling: port ${port} is already in use on 127.0.0.1: is another kubeling running? use --port`);
    expect(run.stdout()).toBe('');
  }, 150_000);
});
