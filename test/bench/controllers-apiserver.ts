import { startApiserver } from '../../apiserver/main.js';
import { createLogger } from '../../lib/logger.js';

/**
 * Child-process entry of the controllers benchmark: an apiserver on SQLite in
 * CTRL_BENCH_DATA_DIR on a free loopback port, in its own process (its own event loop, as
 * kube-apiserver), so the components measured do not share a loop with the server.
 *
 * IPC protocol: sends { type: 'ready', url, caCert, adminToken } once listening; answers
 * 'memory' with { type: 'memory', rss, heapUsed }; exits on 'stop' or when the parent goes.
 */
export interface ControllersBenchServerReady {
  type: 'ready';
  url: string;
  caCert: string;
  adminToken: string;
}

export interface ControllersBenchServerMemory {
  type: 'memory';
  rss: number;
  heapUsed: number;
}

const dataDir = process.env.CTRL_BENCH_DATA_DIR;
if (!dataDir || !process.send) {
  console.error('controllers-apiserver is started by the controllers benchmark (needs CTRL_BENCH_DATA_DIR and an IPC channel)');
  process.exit(2);
}

const server = await startApiserver({ store: 'sqlite', port: 0, dataDir, logger: createLogger({ level: 'warn' }) });
const stop = async (): Promise<void> => {
  await server.close().catch(() => undefined);
  process.exit(0);
};
process.on('message', (msg: unknown) => {
  if (msg === 'stop') void stop();
  if (msg === 'memory') {
    const m = process.memoryUsage();
    const reply: ControllersBenchServerMemory = { type: 'memory', rss: m.rss, heapUsed: m.heapUsed };
    process.send!(reply);
  }
});
process.on('disconnect', () => void stop());
const ready: ControllersBenchServerReady = { type: 'ready', url: server.url, caCert: server.caCert, adminToken: server.adminToken };
process.send(ready);
