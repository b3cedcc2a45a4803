import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';
import { createRestClient, type HttpRestClient } from '../../client/rest-client.js';

/**
 * A real apiserver for integration tests that need a network peer (controllers,
 * kubelet-sim, the scheduler): in-memory SQLite, plain HTTP on 127.0.0.1 with a free
 * port, no authentication, and a REST client pointed at it. inject()-only tests use
 * makeTestApp (test-app.ts) instead.
 */
export interface LiveApiserver {
  /** Base URL, e.g. http://127.0.0.1:34567. */
  url: string;
  /** A client for the test itself; closed by close(). */
  client: HttpRestClient;
  app: FastifyInstance;
  store: Store;
  /** Closes the client, the server and the store, in that order. Stop the components that use the server first. */
  close(): Promise<void>;
}

export interface LiveApiserverOptions extends Partial<AppOptions> {
  /** Runs on the built app before it listens (routes cannot be added after): test-only routes. */
  beforeListen?: (app: FastifyInstance) => void | Promise<void>;
}

export async function startLiveApiserver(options: LiveApiserverOptions = {}): Promise<LiveApiserver> {
  const { beforeListen, ...appOptions } = options;
  const store = appOptions.store ?? createSqliteStore({ path: ':memory:' });
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({ ...appOptions, store });
    await beforeListen?.(app);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const client = createRestClient({ server: url });
    const server = app;
    return {
      url,
      client,
      app: server,
      store,
      async close() {
        client.close();
        await server.close();
        await store.close();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}
