import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, isAlreadyExists, isConflict, isGone, isNotFound, isRetriable } from './api-error.js';
import { createRestClient, loadKubeconfig, type HttpRestClient, type PatchType } from './rest-client.js';
import type { ResourceRef } from './resource.js';
import type { WatchEvent } from './watch-stream.js';

const pods: ResourceRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };
const deployments: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' };
const nodes: ResourceRef = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Route = (req: Seen, res: http.ServerResponse) => void;

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

function json(res: http.ServerResponse, code: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

let server: http.Server;
let base: string;
let client: HttpRestClient;
const seen: Seen[] = [];
let route: Route = (_req, res) => json(res, 200, {});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      route(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createRestClient({ server: base, token: 'secret-token', userAgent: 'kubeling-test/1.0' });
});

afterAll(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const last = (): Seen => seen[seen.length - 1]!;

describe('rest client: paths, queries, headers', () => {
  it('GETs a namespaced object with the bearer token, user agent and Accept', async () => {
    route = (_q, res) => json(res, 200, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } });
    const pod = await client.get(pods, 'p', { namespace: 'ns' });
    expect(pod.metadata.name).toBe('p');
    expect(last().method).toBe('GET');
    expect(last().url).toBe('/api/v1/namespaces/ns/pods/p');
    expect(last().headers.authorization).toBe('Bearer secret-token');
    expect(last().headers['user-agent']).toBe('kubeling-test/1.0');
    expect(last().headers.accept).toBe('application/json');
  });

  it.each([
    [deployments, { namespace: 'ns' }, '/apis/apps/v1/namespaces/ns/deployments'],
    [deployments, {}, '/apis/apps/v1/deployments'],
    [nodes, { namespace: 'ignored' }, '/api/v1/nodes'],
  ] as const)('lists %j %j at %s with selector and paging parameters', async (ref, opts, path) => {
    route = (_q, res) => json(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'x' } }] });
    const list = await client.list(ref, { ...opts, labelSelector: 'app=web,tier!=db', fieldSelector: 'metadata.name=x', limit: 10, resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' });
    const url = new URL(last().url, base);
    expect(url.pathname).toBe(path);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      labelSelector: 'app=web,tier!=db',
      fieldSelector: 'metadata.name=x',
      limit: '10',
      resourceVersion: '0',
      resourceVersionMatch: 'NotOlderThan',
    });
    expect(list.items[0]).toMatchObject({ apiVersion: ref.group ? `${ref.group}/v1` : 'v1', kind: ref.kind });
  });

  it('listAll follows continue tokens without repeating resourceVersion', async () => {
    route = (q, res) => {
      const cont = new URL(q.url, base).searchParams.get('continue');
      if (!cont) json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '9', continue: 'tok1' }, items: [{ metadata: { name: 'a' } }] });
      else json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '9' }, items: [{ metadata: { name: 'b' } }] });
    };
    const before = seen.length;
    const list = await client.listAll(pods, { pageSize: 1, labelSelector: 'a=b' });
    expect(list.items.map((p) => p.metadata.name)).toEqual(['a', 'b']);
    expect(list.metadata).toEqual({ resourceVersion: '9' });
    const second = new URL(seen[before + 1]!.url, base).searchParams;
    expect(Object.fromEntries(second)).toEqual({ labelSelector: 'a=b', limit: '1', continue: 'tok1' });
  });

  it('creates in the object namespace, filling apiVersion and kind', async () => {
    route = (q, res) => json(res, 201, JSON.parse(q.body));
    await client.create(deployments, { metadata: { name: 'd', namespace: 'prod' }, spec: {} }, { fieldManager: 'kubeling', dryRun: true });
    expect(last().method).toBe('POST');
    expect(last().url).toBe('/apis/apps/v1/namespaces/prod/deployments?dryRun=All&fieldManager=kubeling');
    expect(last().headers['content-type']).toBe('application/json');
    expect(JSON.parse(last().body)).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
  });

  it('updates the main resource and the status subresource with PUT', async () => {
    route = (q, res) => json(res, 200, JSON.parse(q.body));
    const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', resourceVersion: '5' }, status: { phase: 'Running' } };
    await client.update(pods, obj);
    expect([last().method, last().url]).toEqual(['PUT', '/api/v1/namespaces/ns/pods/p']);
    await client.updateStatus(pods, obj);
    expect([last().method, last().url]).toEqual(['PUT', '/api/v1/namespaces/ns/pods/p/status']);
    await client.updateSubresource(deployments, 'd', 'scale', { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'd', namespace: 'ns' }, spec: { replicas: 3 } });
    expect([last().method, last().url]).toEqual(['PUT', '/apis/apps/v1/namespaces/ns/deployments/d/scale']);
    await expect(client.update(pods, { metadata: { name: 'p' } })).rejects.toThrow(/namespace is required/);
  });

  it.each([
    ['merge', 'application/merge-patch+json', ''],
    ['strategic', 'application/strategic-merge-patch+json', ''],
    ['json', 'application/json-patch+json', ''],
    ['apply', 'application/apply-patch+yaml', '?fieldManager=kubeling&force=true'],
  ] as [PatchType, string, string][])('patch type %s sends Content-Type %s', async (type, contentType, search) => {
    route = (_q, res) => json(res, 200, { metadata: { name: 'd' } });
    const body = type === 'json' ? [{ op: 'replace', path: '/spec/replicas', value: 2 }] : { spec: { replicas: 2 } };
    await client.patch(deployments, 'd', body, { type, namespace: 'ns', fieldManager: type === 'apply' ? 'kubeling' : undefined, force: true });
    expect(last().method).toBe('PATCH');
    expect(last().url).toBe(`/apis/apps/v1/namespaces/ns/deployments/d${search}`);
    expect(last().headers['content-type']).toBe(contentType);
    expect(JSON.parse(last().body)).toEqual(body);
  });

  it('deletes with DeleteOptions in the body', async () => {
    route = (_q, res) => json(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
    await client.delete(pods, 'p', { namespace: 'ns', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', preconditions: { uid: 'u1' } });
    expect([last().method, last().url]).toEqual(['DELETE', '/api/v1/namespaces/ns/pods/p']);
    expect(JSON.parse(last().body)).toEqual({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
      preconditions: { uid: 'u1' },
    });
    await client.deleteCollection(pods, { namespace: 'ns', labelSelector: 'app=web' });
    expect([last().method, last().url]).toEqual(['DELETE', '/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb']);
    expect(last().body).toBe('');
  });

  it('binds and evicts through pod subresources', async () => {
    route = (_q, res) => json(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    await client.bind('ns', 'p', 'node-7');
    expect([last().method, last().url]).toEqual(['POST', '/api/v1/namespaces/ns/pods/p/binding']);
    expect(JSON.parse(last().body)).toEqual({
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'p', namespace: 'ns' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'node-7' },
    });
    await client.evict('ns', 'p', { gracePeriodSeconds: 30 });
    expect([last().method, last().url]).toEqual(['POST', '/api/v1/namespaces/ns/pods/p/eviction']);
    expect(JSON.parse(last().body)).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'p', namespace: 'ns' },
      deleteOptions: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 30 },
    });
  });
});

describe('rest client: errors', () => {
  it.each([
    [404, 'NotFound', isNotFound],
    [409, 'AlreadyExists', isAlreadyExists],
    [409, 'Conflict', isConflict],
    [410, 'Expired', isGone],
  ] as const)('maps a %i %s Status to ApiError', async (code, reason, predicate) => {
    route = (_q, res) => json(res, code, status(code, reason, `it is ${reason}`));
    const err: unknown = await client.get(pods, 'p', { namespace: 'ns' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(code);
    expect((err as ApiError).reason).toBe(reason);
    expect((err as ApiError).message).toBe(`it is ${reason}`);
    expect((err as ApiError).status.kind).toBe('Status');
    expect(predicate(err)).toBe(true);
  });

  it('maps a non-Status error body by HTTP code', async () => {
    route = (_q, res) => {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('overloaded');
    };
    const err = (await client.get(pods, 'p', { namespace: 'ns' }).catch((e) => e)) as ApiError;
    expect([err.code, err.reason, err.message]).toEqual([503, 'ServiceUnavailable', 'overloaded']);
    expect(isRetriable(err)).toBe(true);
  });

  it('retries a throttled GET that carries Retry-After', async () => {
    let calls = 0;
    route = (_q, res) => (++calls === 1 ? json(res, 429, status(429, 'TooManyRequests', 'slow down'), { 'Retry-After': '0' }) : json(res, 200, { metadata: { name: 'p' } }));
    await expect(client.get(pods, 'p', { namespace: 'ns' })).resolves.toMatchObject({ metadata: { name: 'p' } });
    expect(calls).toBe(2);
  });

  it('retries a write refused by priority and fairness (X-Kubernetes-PF-* headers), not one refused otherwise', async () => {
    let calls = 0;
    const pf = { 'Retry-After': '0', 'X-Kubernetes-PF-FlowSchema-UID': 'fs', 'X-Kubernetes-PF-PriorityLevel-UID': 'pl' };
    route = (_q, res) => (++calls === 1 ? json(res, 429, status(429, 'TooManyRequests', 'Too many requests, please try again later.'), pf) : json(res, 201, { metadata: { name: 'p' } }));
    await expect(client.create(pods, { metadata: { name: 'p' } }, { namespace: 'ns' })).resolves.toMatchObject({ metadata: { name: 'p' } });
    expect(calls).toBe(2);
    // An eviction refused by a disruption budget is a 429 too, but it was processed: no retry.
    calls = 0;
    route = (_q, res) => (++calls, json(res, 429, status(429, 'TooManyRequests', 'Cannot evict pod'), { 'Retry-After': '0' }));
    await expect(client.create(pods, { metadata: { name: 'p' } }, { namespace: 'ns' })).rejects.toMatchObject({ code: 429 });
    expect(calls).toBe(1);
  });

  it('turns connection failures into retriable code-0 ServiceUnavailable errors', async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const c = createRestClient({ server: `http://127.0.0.1:${port}` });
    const err = (await c.list(pods).catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect([err.code, err.reason]).toEqual([0, 'ServiceUnavailable']);
    expect(isRetriable(err)).toBe(true);
    c.close();
  });

  it('gives up on a server that does not answer within timeoutMs', async () => {
    route = () => {}; // never responds
    const c = createRestClient({ server: base, timeoutMs: 50 });
    const err = (await c.get(pods, 'p', { namespace: 'ns' }).catch((e) => e)) as ApiError;
    expect([err.code, err.reason]).toEqual([0, 'Timeout']);
    c.close();
  });
});

describe('rest client: watch', () => {
  it('sends watch parameters and decodes NDJSON frames split across chunks', async () => {
    const frames = [
      { type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'a', resourceVersion: '11' } } },
      { type: 'MODIFIED', object: { kind: 'Pod', metadata: { name: 'ä', resourceVersion: '12' } } },
      { type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '13' } } },
    ];
    const wire = Buffer.from(frames.map((f) => JSON.stringify(f) + '\n').join(''));
    route = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // Cut inside a frame and inside the two-byte 'ä'.
      const cuts = [0, 7, 30, wire.indexOf(Buffer.from('ä')) + 1, wire.length - 3, wire.length];
      let i = 0;
      const next = (): void => {
        if (i + 1 >= cuts.length) return void res.end();
        res.write(wire.subarray(cuts[i]!, cuts[i + 1]!));
        i++;
        setImmediate(next);
      };
      next();
    };
    const w = await client.watch(pods, { namespace: 'ns', resourceVersion: '10', allowWatchBookmarks: true, labelSelector: 'app=web', timeoutSeconds: 300 });
    const url = new URL(last().url, base);
    expect(url.pathname).toBe('/api/v1/namespaces/ns/pods');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      watch: 'true',
      resourceVersion: '10',
      allowWatchBookmarks: 'true',
      labelSelector: 'app=web',
      timeoutSeconds: '300',
    });
    const got: WatchEvent[] = [];
    for await (const ev of w) got.push(ev);
    expect(got).toEqual(frames);
  });

  it('throws an ERROR event Status as ApiError (410 Expired)', async () => {
    route = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '2' } } }) + '\n');
      res.end(JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 1 (5)') }) + '\n');
    };
    const w = await client.watch(pods, { resourceVersion: '1' });
    const got: string[] = [];
    const err = await (async () => {
      for await (const ev of w) got.push(ev.type);
    })().catch((e) => e);
    expect(got).toEqual(['ADDED']);
    expect(isGone(err)).toBe(true);
    expect((err as ApiError).message).toBe('too old resource version: 1 (5)');
  });

  it('rejects a refused watch with the Status error', async () => {
    route = (_q, res) => json(res, 403, status(403, 'Forbidden', 'pods is forbidden'));
    await expect(client.watch(pods)).rejects.toMatchObject({ code: 403, reason: 'Forbidden' });
  });

  it('close() ends iteration and drops the connection', async () => {
    let serverSawClose!: () => void;
    const closed = new Promise<void>((r) => (serverSawClose = r));
    route = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n');
      res.on('close', () => serverSawClose());
    };
    const w = await client.watch(pods);
    const it = w[Symbol.asyncIterator]();
    expect((await it.next()).value?.type).toBe('ADDED');
    const pending = it.next();
    w.close();
    expect(await pending).toEqual({ value: undefined, done: true });
    await closed;
    expect(w.closed).toBe(true);
  });
});

describe('loadKubeconfig', () => {
  it('reads server, CA data, token and namespace from the current context', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    const path = join(dir, 'config');
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: kubeling',
        'clusters:',
        '- name: other',
        '  cluster: { server: "https://10.9.9.9:6443" }',
        '- name: kubeling',
        '  cluster:',
        '    server: https://127.0.0.1:6443',
        `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`,
        'contexts:',
        '- name: kubeling',
        '  context: { cluster: kubeling, user: admin, namespace: team-a }',
        'users:',
        '- name: admin',
        '  user: { token: abc123 }',
      ].join('\n'),
    );
    expect(loadKubeconfig(path)).toEqual({ server: 'https://127.0.0.1:6443', caCert: ca, token: 'abc123', namespace: 'team-a' });
    expect(() => loadKubeconfig(path, { context: 'missing' })).toThrow(/context "missing" not found/);
  });
});
