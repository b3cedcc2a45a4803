import { parentPort, workerData } from 'node:worker_threads';
import { startApiserver } from '../apiserver/main.js';
import { createLogger } from '../lib/logger.js';
import type { ApiserverThreadOptions, FromWorker, ToWorker } from './apiserver-thread.js';

// The thread body of apiserver-thread.ts: starts the apiserver with the options given,
// reports where it listens, closes it when asked.
const port = parentPort!;
const { logLevel, ...opts } = workerData as ApiserverThreadOptions;
const send = (m: FromWorker): void => port.postMessage(m);

try {
  const apiserver = await startApiserver({ ...opts, logger: createLogger(logLevel ? { level: logLevel } : {}) });
  port.on('message', (m: ToWorker) => {
    if (m.type !== 'close') return;
    apiserver.close().then(
      () => send({ type: 'closed' }),
      (err: unknown) => send({ type: 'closed', error: err instanceof Error ? err.message : String(err) }),
    );
  });
  const { url, port: boundPort, caCert, adminToken, componentKey, kubeconfigPath } = apiserver;
  send({ type: 'ready', url, port: boundPort, caCert, adminToken, ...(componentKey ? { componentKey } : {}), kubeconfigPath });
} catch (err) {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
