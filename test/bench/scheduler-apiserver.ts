import { createLogger } from '../../lib/logger.js';
import { startApiserver, type StoreKind } from '../../apiserver/main.js';

/**
 * Child-process entry of the scheduler benchmark: an apiserver (SQLite in
 * SCHED_BENCH_DATA_DIR, or etcd at SCHED_BENCH_ETCD) on a free loopback port. Reports
 * { type: 'ready', url, caCert, adminToken } over IPC and exits on 'stop' or when the
 * parent goes away. Its own process, as kube-apiserver is: the scheduler being measured
 * does not share an event loop with the server it talks to.
 */
export interface SchedulerBenchServerReady {
  type: 'ready';
  url: string;
  caCert: string;
  adminToken: string;
}

const dataDir = process.env.SCHED_BENCH_DATA_DIR;
const etcd = process.env.SCHED_BENCH_ETCD;
if (!dataDir || !process.send) {
  console.error('scheduler-apiserver is started by the scheduler benchmark (needs SCHED_BENCH_DATA_DIR and an IPC channel)');
  process.exit(2);
}

const store: StoreKind = etcd ? 'etcd' : 'sqlite';
const server = await startApiserver({
  store,
  ...(etcd ? { etcdServers: [etcd] } : {}),
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
});
process.on('disconnect', () => void stop());
const ready: SchedulerBenchServerReady = { type: 'ready', url: server.url, caCert: server.caCert, adminToken: server.adminToken };
process.send(ready);
