import { createLogger } from '../../lib/logger.js';
import { startApiserver } from '../../apiserver/main.js';
import { startCpuProfile, type CpuProfileSession } from './cpu-profile-session.js';

/**
 * Child-process entry of the benchmarks' apiserver (started by bench-server.ts): starts an
 * apiserver on etcd (BENCH_ETCD set) or SQLite in BENCH_DATA_DIR, reports its address over
 * IPC, answers 'memory' requests and exits on 'stop' (or when the parent goes away). Its
 * own process, so the server does not share an event loop with the benchmark's clients.
 *
 * Environment: BENCH_DATA_DIR, and BENCH_ETCD (client URL) for the etcd store.
 */
export interface ServerReady {
  type: 'ready';
  url: string;
  caCert: string;
  adminToken: string;
}

/** Sent to the child: start a CPU profile, or stop it and write it to `file`. */
export interface CpuProfileRequest {
  type: 'cpu-profile';
  action: 'start' | 'stop';
  file?: string;
}

/** The child's answer to a CpuProfileRequest. */
export interface CpuProfileDone {
  type: 'cpu-profile-done';
  action: 'start' | 'stop';
  error?: string;
}

export interface ServerMemory {
  type: 'memory';
  rss: number;
  heapUsed: number;
}

const etcd = process.env.BENCH_ETCD;
const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir || !process.send) {
  console.error('serve-apiserver is started by the benchmarks (needs BENCH_DATA_DIR and an IPC channel)');
  process.exit(2);
}

const server = await startApiserver({
  ...(etcd ? { store: 'etcd' as const, etcdServers: [etcd] } : { store: 'sqlite' as const }),
  port: 0,
  dataDir,
  logger: createLogger({ level: 'warn' }),
  // No controller manager makes default ServiceAccounts here.
  refuseMissingServiceAccount: false,
});
const stop = async (): Promise<void> => {
  await server.close().catch(() => undefined);
  process.exit(0);
};
let profiling: CpuProfileSession | undefined;
/** Profiles one phase of a benchmark, started and stopped over IPC. */
async function cpuProfile(req: CpuProfileRequest): Promise<void> {
  try {
    if (req.action === 'start') {
      profiling = await startCpuProfile();
    } else if (profiling) {
      await profiling.stop(req.file);
      profiling = undefined;
    }
    process.send!({ type: 'cpu-profile-done', action: req.action } satisfies CpuProfileDone);
  } catch (err) {
    process.send!({ type: 'cpu-profile-done', action: req.action, error: (err as Error).message } satisfies CpuProfileDone);
  }
}

process.on('message', (msg: unknown) => {
  if (msg === 'stop') void stop();
  if (typeof msg === 'object' && msg !== null && (msg as CpuProfileRequest).type === 'cpu-profile') void cpuProfile(msg as CpuProfileRequest);
  if (msg === 'memory') {
    const m = process.memoryUsage();
    process.send!({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed } satisfies ServerMemory);
  }
});
process.on('disconnect', () => void stop());
process.send({ type: 'ready', url: server.url, caCert: server.caCert, adminToken: server.adminToken } satisfies ServerReady);
