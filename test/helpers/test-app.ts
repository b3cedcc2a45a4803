import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

/** An apiserver over an in-memory SQLite store, for inject()-based tests. */
export async function makeTestApp(options: Partial<AppOptions> = {}): Promise<TestApp> {
  const store = options.store ?? createSqliteStore({ path: ':memory:' });
  const app = await buildApp({ ...options, store });
  await app.ready();
  return {
    app,
    store,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export function json(res: { body: string }): any {
  return JSON.parse(res.body);
}

export function pod(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
    ...extra,
  };
}
