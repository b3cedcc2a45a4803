import { createLogger } from '../../lib/logger.js';
import { startApiserver } from '../../apiserver/main.js';

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
});
const stop = async (): Promise<void> => {
  await server.close().catch(() => undefined);
  process.exit(0);
};
process.on('message', (msg: unknown) => {
  if (msg === 'stop') void stop();
  if (msg === 'memory') {
    const m = process.memoryUsage();
    process.send!({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed } satisfies ServerMemory);
  }
});
process.on('disconnect', () => void stop());
process.send({ type: 'ready', url: server.url, caCert: server.caCert, adminToken: server.adminToken } satisfies ServerReady);
