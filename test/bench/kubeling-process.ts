import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { createHttpsClient, type HttpsClient } from './https-client.js';

const REPO = resolve(import.meta.dirname, '../../..');
const BIN = join(REPO, 'bin/kubeling.js');

/** A `kubeling` command a benchmark started, with an admin client on its kubeconfig. */
export interface KubelingProcess {
  child: ChildProcess;
  client: HttpsClient;
  kubeconfig: string;
  stop(): Promise<void>;
}

/**
 * Starts `kubeling ARGS --data-dir DIR` (the built CLI, as a user runs it) and resolves once
 * it prints its kubeconfig line; the client gets `connections` sockets.
 */
export async function startKubelingProcess(args: string[], dir: string, o: { connections: number; startTimeoutMs: number }): Promise<KubelingProcess> {
  const child = spawn(process.execPath, [BIN, ...args, '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`kubeling ${args[0]} did not start in ${o.startTimeoutMs / 1000} s`)), o.startTimeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('export KUBECONFIG=')) {
        clearTimeout(timer);
        ok();
      }
    });
    child.on('exit', (code) => fail(new Error(`kubeling ${args[0]} exited with ${code}: ${out}`)));
  });
  const kubeconfig = join(dir, 'kubeconfig');
  const cfg = loadKubeconfig(kubeconfig);
  const client = createHttpsClient(cfg.server, cfg.caCert!, cfg.token!, o.connections);
  return {
    child,
    client,
    kubeconfig,
    async stop() {
      client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
