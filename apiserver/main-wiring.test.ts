import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import type { AppOptions } from './app.js';
import type { Store } from './storage/store.js';

// startApiserver's own wiring (files, TLS, tokens, listen, kubeconfig, close order and
// cleanup) against a stand-in app and store, so it is tested before the real buildApp
// and stores exist. apiserver/main.test.ts runs the same path with the real ones.
const events: string[] = [];
const appOptions: AppOptions[] = [];
let storeOpts: unknown[] = [];

vi.mock('./app.js', async () => {
  const { fastify } = await import('fastify');
  return {
    buildApp: async (options: AppOptions) => {
      appOptions.push(options);
      const app = fastify({ https: options.https! });
      app.get('/whoami', async (req, reply) => {
        const user = options.authenticator!(req.headers);
        return user ? user : reply.code(401).send({ kind: 'Status', code: 401 });
      });
      app.addHook('onClose', async () => void events.push('app closed'));
      return app;
    },
  };
});

function fakeStore(name: 'sqlite' | 'etcd'): Store {
  return { name, close: async () => void events.push(`${name} store closed`) } as Store;
}
vi.mock('./storage/sqlite-store.js', () => ({
  createSqliteStore: (opts: unknown) => (storeOpts.push(opts), fakeStore('sqlite')),
}));
vi.mock('./storage/etcd-store.js', () => ({
  createEtcdStore: async (opts: unknown) => (storeOpts.push(opts), fakeStore('etcd')),
}));
vi.mock('./storage/watch-cache.js', () => ({
  withWatchCache: (store: Store) => (events.push(`watch cache over ${store.name}`), store),
}));

const { startApiserver, clientHost } = await import('./main.js');

function get(url: string, ca: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startApiserver wiring', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeling-main-'));
    events.length = 0;
    appOptions.length = 0;
    storeOpts = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves TLS the CA verifies, authenticates the admin token, writes the kubeconfig, closes app then store', async () => {
    const running = await startApiserver({ dataDir: join(dir, 'data'), port: 0 });
    try {
      expect(running.url).toBe(`https://127.0.0.1:${running.port}`);
      expect(running.port).toBeGreaterThan(0);
      expect(storeOpts).toEqual([{ path: join(dir, 'data', 'kubeling.db') }]);
      expect(events).toEqual(['watch cache over sqlite']);
      expect(appOptions[0]!.store.name).toBe('sqlite');

      const anonymous = await get(`${running.url}/whoami`, running.caCert);
      expect(anonymous.status).toBe(401);
      const admin = await get(`${running.url}/whoami`, running.caCert, running.adminToken);
      expect(JSON.parse(admin.body)).toEqual({ username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });

      expect(running.kubeconfigPath).toBe(join(dir, 'data', 'kubeconfig'));
      expect((await stat(running.kubeconfigPath)).mode & 0o777).toBe(0o600);
      const kc = parse(await readFile(running.kubeconfigPath, 'utf8'));
      expect(kc.clusters[0].cluster.server).toBe(running.url);
      expect(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(running.caCert);
      expect(kc.users[0].user.token).toBe(running.adminToken);
      expect((await readFile(join(dir, 'data', 'pki', 'admin.token'), 'utf8')).trim()).toBe(running.adminToken);
    } finally {
      await running.close();
      await running.close();
    }
    expect(events).toEqual(['watch cache over sqlite', 'app closed', 'sqlite store closed']);
  });

  it('uses etcd behind the watch cache, and tokens from --token-auth-file', async () => {
    const tokenFile = join(dir, 'tokens.csv');
    await (await import('node:fs/promises')).writeFile(tokenFile, 'viewer-token,viewer,7,"readers"\n');
    const running = await startApiserver({
      dataDir: dir,
      port: 0,
      store: 'etcd',
      etcdServers: ['http://127.0.0.1:2379'],
      tokenAuthFile: tokenFile,
      kubeconfigPath: join(dir, 'elsewhere', 'kc.yaml'),
    });
    try {
      expect(storeOpts).toEqual([{ endpoints: ['http://127.0.0.1:2379'] }]);
      expect(events).toEqual(['watch cache over etcd']);
      const viewer = await get(`${running.url}/whoami`, running.caCert, 'viewer-token');
      expect(JSON.parse(viewer.body)).toEqual({ username: 'viewer', uid: '7', groups: ['readers', 'system:authenticated'] });
      expect(running.kubeconfigPath).toBe(join(dir, 'elsewhere', 'kc.yaml'));
      await stat(running.kubeconfigPath);
    } finally {
      await running.close();
    }
  });

  it('keeps the admin token and CA across restarts', async () => {
    const a = await startApiserver({ dataDir: dir, port: 0 });
    await a.close();
    const b = await startApiserver({ dataDir: dir, port: 0 });
    await b.close();
    expect(b.adminToken).toBe(a.adminToken);
    expect(b.caCert).toBe(a.caCert);
  });

  describe('when the port is taken', () => {
    let blocker: Server;
    let port: number;
    beforeEach(async () => {
      blocker = createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      port = (blocker.address() as { port: number }).port;
    });
    afterEach(async () => {
      await new Promise((r) => blocker.close(r));
    });

    it('fails with a clear message and closes the store', async () => {
      await expect(startApiserver({ dataDir: dir, port })).rejects.toThrow(
        `port ${port} is already in use on 127.0.0.1: is another kubeling running? use --port`,
      );
      expect(events).toEqual(['watch cache over sqlite', 'app closed', 'sqlite store closed']);
    });
  });
});

describe('clientHost', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['0.0.0.0', '127.0.0.1'],
    ['::', '127.0.0.1'],
    ['::1', '[::1]'],
    ['127.0.0.2', '127.0.0.2'],
  ])('%s → %s', (bind, host) => {
    expect(clientHost(bind)).toBe(host);
  });
});
