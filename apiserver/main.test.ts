import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, type RunningApiserver } from './main.js';

// The real thing: real buildApp, real SQLite store behind the watch cache, real TLS on
// loopback. main-wiring.test.ts covers the same wiring with stand-ins.
const run = promisify(execFile);

function get(url: string, ca: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request(url, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startApiserver (sqlite, port 0)', () => {
  let dir: string;
  let api: RunningApiserver;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeling-apiserver-'));
    api = await startApiserver({ dataDir: dir, port: 0, store: 'sqlite' });
  });
  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers /healthz over TLS verified with the cluster CA', async () => {
    expect(api.url).toBe(`https://127.0.0.1:${api.port}`);
    const res = await get(`${api.url}/healthz`, api.caCert);
    expect(res).toEqual({ status: 200, body: 'ok' });
  });

  it('answers /api without credentials as kube does for system:anonymous: 403', async () => {
    const res = await get(`${api.url}/api`, api.caCert);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message: 'forbidden: User "system:anonymous" cannot get path "/api"' });
  });

  it('answers /api with an unknown token with a 401 Status', async () => {
    const res = await get(`${api.url}/api`, api.caCert, 'not-a-token');
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
  });

  it('answers /api with the admin token', async () => {
    const res = await get(`${api.url}/api`, api.caCert, api.adminToken);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
  });

  it('is reachable by kubectl through the kubeconfig it wrote', async () => {
    const { stdout } = await run('/usr/bin/kubectl', ['--kubeconfig', api.kubeconfigPath, 'get', '--raw', '/healthz']);
    expect(stdout).toBe('ok');
  });
});
