import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../lib/logger.js';
import { startApiserver } from '../../apiserver/main.js';
import type { CpuProfileDone, CpuProfileRequest, ServerMemory, ServerReady } from './serve-apiserver.js';

/** An apiserver for a benchmark (etcd, or SQLite without `etcd`), in a child process (default) or in this one. */
export interface BenchServer {
  url: string;
  caCert: string;
  adminToken: string;
  /** The server's process id (this process when in-process). */
  pid: number | undefined;
  /** The server process's memory, or undefined if it cannot be asked. */
  memory(): Promise<{ rss: number; heapUsed: number } | undefined>;
  /**
   * Starts a CPU profile of the server process ('start'), or stops it and writes it to
   * `file` ('stop'): one phase of a benchmark, viewed with cpu-profile-top.ts. Child only.
   */
  cpuProfile(action: 'start' | 'stop', file?: string): Promise<void>;
  /** Stops the server (and its process); idempotent. */
  stop(): Promise<void>;
}

export async function startBenchServer(opts: { etcd?: string; dataDir: string; inProcess?: boolean; cpuProfDir?: string; env?: NodeJS.ProcessEnv }): Promise<BenchServer> {
  if (opts.inProcess) {
    const server = await startApiserver({
      ...(opts.etcd ? { store: 'etcd' as const, etcdServers: [opts.etcd] } : { store: 'sqlite' as const }),
      port: 0,
      dataDir: opts.dataDir,
      logger: createLogger({ level: 'warn' }),
      // No controller manager makes default ServiceAccounts here.
      refuseMissingServiceAccount: false,
    });
    return {
      url: server.url,
      caCert: server.caCert,
      adminToken: server.adminToken,
      pid: process.pid,
      memory: async () => {
        const m = process.memoryUsage();
        return { rss: m.rss, heapUsed: m.heapUsed };
      },
      cpuProfile: async () => {
        throw new Error('phase profiles need the apiserver in its own process (drop --in-process)');
      },
      stop: () => server.close(),
    };
  }
  const entry = fileURLToPath(new URL('./serve-apiserver.js', import.meta.url));
  const execArgv = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, BENCH_DATA_DIR: opts.dataDir };
  if (opts.etcd) env.BENCH_ETCD = opts.etcd;
  else delete env.BENCH_ETCD;
  const child = fork(entry, [], {
    env,
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('apiserver child did not start within 60 s')), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`apiserver child exited (${code}) before it was ready`));
    });
    child.on('message', (msg: ServerReady | ServerMemory | CpuProfileDone) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve(msg);
      }
    });
  }).catch(async (err) => {
    await killChild(child);
    throw err;
  });
  let stopping: Promise<void> | undefined;
  return {
    url: ready.url,
    caCert: ready.caCert,
    adminToken: ready.adminToken,
    pid: child.pid,
    memory: () =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 5000);
        const onMessage = (msg: ServerReady | ServerMemory | CpuProfileDone): void => {
          if (msg.type !== 'memory') return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve({ rss: msg.rss, heapUsed: msg.heapUsed });
        };
        child.on('message', onMessage);
        child.send('memory');
      }),
    cpuProfile: (action, file) =>
      new Promise((resolve, reject) => {
        const onMessage = (msg: ServerReady | ServerMemory | CpuProfileDone): void => {
          if (msg.type !== 'cpu-profile-done' || msg.action !== action) return;
          child.off('message', onMessage);
          if (msg.error) reject(new Error(`apiserver CPU profile ${action}: ${msg.error}`));
          else resolve();
        };
        child.on('message', onMessage);
        child.send({ type: 'cpu-profile', action, file } satisfies CpuProfileRequest);
      }),
    stop: () => (stopping ??= stopChild(child)),
  };
}

/** Asks the child to stop (it writes its CPU profile on a clean exit); kills it after 15 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
