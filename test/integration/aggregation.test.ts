import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apiserver/app.js';
import { generateCa, generateServingCert } from '../../apiserver/auth/x509.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';

/**
 * API aggregation end to end in-process: two apiservers on one store (the distributed
 * setup), a real HTTPS extension server on loopback behind a Service, APIServices with
 * insecureSkipTLSVerify, a caBundle, a wrong caBundle and a missing Service.
 */

let store: Store;
let a: FastifyInstance;
let b: FastifyInstance;
let backend: https.Server;
let backendPort: number;
const seenUsers: string[] = [];
const ca = generateCa(Date.now(), 'ext-ca');
const otherCa = generateCa(Date.now(), 'other-ca');

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const json = (res: { body: string }) => JSON.parse(res.body);

async function post(app: FastifyInstance, url: string, body: unknown) {
  return app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

function apiService(version: string, extra: Record<string, unknown> = {}, service = 'ext') {
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `${version}.ext.example.io` },
    spec: { group: 'ext.example.io', version, groupPriorityMinimum: 1000, versionPriority: 10, service: { namespace: 'kube-system', name: service, port: 443 }, ...extra },
  };
}

async function available(app: FastifyInstance, name: string, status: string): Promise<Record<string, string>> {
  return waitFor(async () => {
    const res = await app.inject({ url: `/apis/apiregistration.k8s.io/v1/apiservices/${name}` });
    const cond = (json(res).status?.conditions ?? []).find((c: { type: string }) => c.type === 'Available');
    return cond?.status === status ? cond : undefined;
  });
}

beforeAll(async () => {
  const cert = generateServingCert(ca, { dns: ['ext.kube-system.svc'], ips: ['127.0.0.1'] }, Date.now());
  backend = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    seenUsers.push(String(req.headers['x-remote-user']));
    if (req.url?.startsWith('/apis/ext.example.io/v1/things')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'ThingList', apiVersion: 'ext.example.io/v1', items: [{ name: 'one' }], url: req.url }));
      return;
    }
    if (/^\/apis\/ext\.example\.io\/v\d+$/.test(req.url ?? '')) {
      const gv = req.url!.slice('/apis/'.length);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: [{ name: 'things', singularName: 'thing', namespaced: false, kind: 'Thing', verbs: ['get', 'list'] }] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendPort = (backend.address() as AddressInfo).port;

  store = createSqliteStore({ path: ':memory:' });
  a = await buildApp({ store, aggregatorCheckIntervalMs: 200 });
  b = await buildApp({ store, aggregatorCheckIntervalMs: 200 });
  await a.ready();
  await b.ready();
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'ext', namespace: 'kube-system', annotations: { 'kubeling.io/loopback-endpoint': `127.0.0.1:${backendPort}` } },
    spec: { ports: [{ port: 443, targetPort: 443 }] },
  };
  expect((await post(a, '/api/v1/namespaces/kube-system/services', svc)).statusCode).toBe(201);
  expect((await post(a, '/apis/apiregistration.k8s.io/v1/apiservices', apiService('v1', { insecureSkipTLSVerify: true }))).statusCode).toBe(201);
  expect((await post(a, '/apis/apiregistration.k8s.io/v1/apiservices', apiService('v2', { caBundle: Buffer.from(ca.cert).toString('base64') }))).statusCode).toBe(201);
  expect((await post(a, '/apis/apiregistration.k8s.io/v1/apiservices', apiService('v3', { caBundle: Buffer.from(otherCa.cert).toString('base64') }))).statusCode).toBe(201);
  expect((await post(a, '/apis/apiregistration.k8s.io/v1/apiservices', apiService('v4', {}, 'missing'))).statusCode).toBe(201);
}, 30_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await store?.close();
  backend?.close();
});

describe('API aggregation', () => {
  it('registers Local APIServices for the built-in groups', async () => {
    expect(await available(a, 'v1.apps', 'True')).toMatchObject({ reason: 'Local' });
    expect(await available(a, 'v1.', 'True')).toMatchObject({ reason: 'Local' });
  });

  it('marks a reachable backend Available, with insecureSkipTLSVerify or the right caBundle', async () => {
    expect(await available(a, 'v1.ext.example.io', 'True')).toMatchObject({ reason: 'Passed', message: 'all checks passed' });
    expect(await available(a, 'v2.ext.example.io', 'True')).toMatchObject({ reason: 'Passed' });
  });

  it('refuses a backend whose certificate the caBundle does not sign', async () => {
    const cond = await available(a, 'v3.ext.example.io', 'False');
    expect(cond.reason).toBe('FailedDiscoveryCheck');
    expect(cond.message).toMatch(/^failing or missing response from https:\/\/127\.0\.0\.1:\d+: /);
  });

  it('reports a missing Service', async () => {
    expect(await available(a, 'v4.ext.example.io', 'False')).toMatchObject({ reason: 'ServiceNotFound', message: 'service/missing in "kube-system" is not present' });
  });

  it('proxies requests through either apiserver, with the user in X-Remote-User', async () => {
    await available(b, 'v1.ext.example.io', 'True');
    const res = await b.inject({ url: '/apis/ext.example.io/v1/things?limit=5' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ kind: 'ThingList', items: [{ name: 'one' }], url: '/apis/ext.example.io/v1/things?limit=5' });
    expect(seenUsers).toContain('kubernetes-admin');
  });

  it('lists the aggregated group in legacy and aggregated discovery', async () => {
    const groups = json(await a.inject({ url: '/apis' })).groups as Array<{ name: string; versions: Array<{ version: string }> }>;
    const ext = groups.find((g) => g.name === 'ext.example.io');
    expect(ext?.versions.map((v) => v.version)).toEqual(['v4', 'v3', 'v2', 'v1']);
    expect(json(await a.inject({ url: '/apis/ext.example.io' }))).toMatchObject({ kind: 'APIGroup', name: 'ext.example.io' });
    const agg = json(await a.inject({ url: '/apis', headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } }));
    const entry = agg.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'ext.example.io');
    expect(entry.versions.find((v: { version: string }) => v.version === 'v1')).toMatchObject({ resources: [{ resource: 'things', scope: 'Cluster', responseKind: { kind: 'Thing' } }], freshness: 'Current' });
  });

  it('answers 503 ServiceUnavailable for an APIService that is not Available', async () => {
    const res = await a.inject({ url: '/apis/ext.example.io/v4/things' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toBe('service unavailable\n');
  });

  it('refuses invalid APIServices with kube messages', async () => {
    const res = await post(a, '/apis/apiregistration.k8s.io/v1/apiservices', { ...apiService('v9'), metadata: { name: 'wrong' } });
    expect(res.statusCode).toBe(422);
    expect(json(res).message).toBe('APIService.apiregistration.k8s.io "wrong" is invalid: metadata.name: Invalid value: "wrong": must be `spec.version+"."+spec.group`');
  });

  it('answers 404 with kube\'s message for the node proxy of an unknown node', async () => {
    const res = await a.inject({ url: '/api/v1/nodes/nope/proxy/stats/summary' });
    expect(res.statusCode).toBe(404);
    expect(json(res)).toMatchObject({ reason: 'NotFound', message: 'nodes "nope" not found' });
  });

  it('goes unavailable when the backend goes down, and answers 503', async () => {
    await new Promise<void>((r) => {
      backend.close(() => r());
      backend.closeAllConnections();
    });
    const res = await a.inject({ url: '/apis/ext.example.io/v1/things' });
    expect(res.statusCode).toBe(503);
    expect(await available(a, 'v1.ext.example.io', 'False')).toMatchObject({ reason: 'FailedDiscoveryCheck' });
    expect((await a.inject({ url: '/apis/ext.example.io/v1/things' })).body).toBe('service unavailable\n');
  });
});

