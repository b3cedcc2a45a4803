import { Worker } from 'node:worker_threads';
import type { ApiserverOptions, RunningApiserver } from '../apiserver/main.js';
import type { Logger } from '../lib/logger.js';

/**
 * `kubeling up`'s apiserver, on its own thread: the scheduler, controllers and simulated
 * kubelets keep the main thread's event loop busy (a flood of FailedScheduling events,
 * thousands of status writes), and an apiserver sharing that loop answers kubectl only
 * between their callbacks. On a thread of its own it has its own event loop and heap,
 * while `up` stays one process (one Ctrl-C, one data-directory lock, logs to the same
 * stderr: pino writes fd 2 directly from either thread).
 *
 * The components reach it as any client does, over HTTPS with its CA and token, so what
 * crosses threads is only that data and a close request.
 */
export type ApiserverThreadOptions = Omit<ApiserverOptions, 'logger' | 'clock'> & { logLevel?: string };

/** Messages between this file and apiserver-worker.ts. */
export type FromWorker =
  | { type: 'ready'; url: string; port: number; caCert: string; adminToken: string; componentKey?: string; kubeconfigPath: string }
  | { type: 'failed'; message: string }
  | { type: 'closed'; error?: string };
export type ToWorker = { type: 'close' };

/** What the other components see of the threaded apiserver: RunningApiserver without its in-thread fastify app. */
export type ApiserverHandle = Omit<RunningApiserver, 'app'>;

export function startApiserverThread(opts: ApiserverThreadOptions, logger: Logger): Promise<ApiserverHandle> {
  const worker = new Worker(new URL('./apiserver-worker.js', import.meta.url), { workerData: opts });
  return new Promise<ApiserverHandle>((resolve, reject) => {
    let ready = false;
    let closing: Promise<void> | undefined;
    let onClosed: ((err?: Error) => void) | undefined;
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        ready = true;
        const { type: _type, ...endpoint } = m;
        resolve({
          ...endpoint,
          close() {
            closing ??= new Promise<void>((done, fail) => {
              onClosed = (err) => (err ? fail(err) : done());
              worker.postMessage({ type: 'close' } satisfies ToWorker);
            });
            return closing;
          },
        });
      } else if (m.type === 'failed') {
        reject(new Error(m.message));
      } else if (m.type === 'closed') {
        onClosed?.(m.error ? new Error(m.error) : undefined);
        void worker.terminate();
      }
    });
    worker.on('error', (err) => {
      if (!ready) return reject(err);
      // The apiserver is gone while the cluster runs: every component would only retry.
      logger.fatal({ component: 'apiserver', err }, 'apiserver thread crashed');
      onClosed?.(err);
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
    worker.on('exit', (code) => {
      if (!ready) reject(new Error(`apiserver thread exited with code ${code} before listening`));
      onClosed?.();
    });
  });
}
