import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import type { Registries } from '../registry/registries.js';
import { ApiError, notFound } from '../errors.js';
import { chooseContainer, loopbackEndpoint, upstreamError } from '../request/pod-log.js';
import { parsePodLogOptions, servePodLog } from './pod-log-handler.js';

/** A stand-in kubelet: records requests, answers by the container name. */
let kubelet: http.Server;
let kubeletPort: number;
const seen: string[] = [];
let app: FastifyInstance;
const objects = new Map<string, KubeObject>();

function pod(name: string, containers: string[], nodeName?: string, inits: string[] = []): KubeObject {
  return {
    metadata: { name, namespace: 'default' },
    spec: { nodeName, containers: containers.map((c) => ({ name: c, image: 'nginx' })), initContainers: inits.map((c) => ({ name: c, image: 'busybox' })) },
  };
}

beforeAll(async () => {
  kubelet = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const container = (req.url ?? '').split('?')[0]!.split('/')[4];
    if (container === 'waiting') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('container "waiting" in pod "w" is waiting to start: ContainerCreating');
    } else if (container === 'follow') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first\n');
      setTimeout(() => res.end('second\n'), 30);
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('line 1\nline 2\n');
    }
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  kubeletPort = (kubelet.address() as AddressInfo).port;

  objects.set('Node/n1', { metadata: { name: 'n1', annotations: { 'kubeling.io/kubelet-endpoint': `127.0.0.1:${kubeletPort}` } } });
  objects.set('Node/far', { metadata: { name: 'far', annotations: { 'kubeling.io/kubelet-endpoint': '10.0.0.5:10250' } } });
  objects.set('Node/dead', { metadata: { name: 'dead', annotations: { 'kubeling.io/kubelet-endpoint': '127.0.0.1:1' } } });
  objects.set('Pod/one', pod('one', ['app'], 'n1'));
  objects.set('Pod/two', pod('two', ['a', 'b'], 'n1', ['init']));
  objects.set('Pod/w', pod('w', ['waiting'], 'n1'));
  objects.set('Pod/f', pod('f', ['follow'], 'n1'));
  objects.set('Pod/pending', pod('pending', ['app']));
  objects.set('Pod/far', pod('far', ['app'], 'far'));
  objects.set('Pod/dead', pod('dead', ['app'], 'dead'));

  const registries = {
    forKind: (_group: string, kind: string) => ({
      async get(_ns: string | undefined, name: string) {
        const obj = objects.get(`${kind}/${name}`);
        if (!obj) throw notFound({ group: '', plural: `${kind.toLowerCase()}s` }, name);
        return structuredClone(obj);
      },
    }),
  } as unknown as Registries;
  app = Fastify();
  app.setErrorHandler((err, _req, reply) => {
    const api = err instanceof ApiError ? err : new ApiError(500, 'InternalError', String(err));
    void reply.code(api.code).send(api.toStatus());
  });
  app.get('/api/v1/namespaces/:ns/pods/:name/log', (req, reply) => {
    const { ns, name } = req.params as { ns: string; name: string };
    return servePodLog({ registries }, req, reply, ns, name);
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await new Promise((r) => kubelet.close(r));
});

const get = (path: string) => app.inject({ method: 'GET', url: `/api/v1/namespaces/default/pods/${path}` });

describe('GET pods/{name}/log', () => {
  it('proxies to the node kubelet and streams plain text back, forwarding the options', async () => {
    const res = await get('one/log?tailLines=5&timestamps=true&sinceSeconds=10&limitBytes=100');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toBe('line 1\nline 2\n');
    expect(seen.at(-1)).toBe('/containerLogs/default/one/app?timestamps=true&tailLines=5&sinceSeconds=10&limitBytes=100');
  });

  it('streams a follow until the kubelet ends it', async () => {
    const res = await get('f/log?follow=true');
    expect(res.body).toBe('first\nsecond\n');
    expect(seen.at(-1)).toBe('/containerLogs/default/f/follow?follow=true');
  });

  it.each([
    ['missing/log', 404, 'pods "missing" not found'],
    ['two/log', 400, 'a container name must be specified for pod two, choose one of: [a b] or one of the init containers: [init]'],
    ['one/log?container=x', 400, 'container x is not valid for pod one'],
    ['one/log?tailLines=-1', 422, 'PodLogOptions "one" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0'],
    ['one/log?limitBytes=0', 422, 'PodLogOptions "one" is invalid: limitBytes: Invalid value: 0: must be greater than 0'],
    ['w/log', 400, 'container "waiting" in pod "w" is waiting to start: ContainerCreating'],
    ['far/log', 500, 'Internal error occurred: node "far" publishes no kubelet endpoint (kubeling.io/kubelet-endpoint); only simulated nodes serve logs'],
  ])('%s → %d', async (path, code, message) => {
    const res = await get(path);
    expect(res.statusCode).toBe(code);
    expect(res.json()).toMatchObject({ kind: 'Status', status: 'Failure', code, message });
  });

  it('answers an empty log for a pod not scheduled yet', async () => {
    const res = await get('pending/log');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });

  it('reports an unreachable kubelet as kube-apiserver does (500, the dial error)', async () => {
    const res = await get('dead/log');
    expect(res.statusCode).toBe(500);
    expect(res.json().message).toBe('Get "http://127.0.0.1:1/containerLogs/default/dead/app": dial tcp 127.0.0.1:1: connect: connection refused');
  });
});

describe('pod-log helpers', () => {
  it('validates the options', () => {
    expect(parsePodLogOptions({ follow: 'true', tailLines: '3' }, 'p')).toMatchObject({ follow: true, tailLines: 3 });
    expect(() => parsePodLogOptions({ sinceSeconds: '5', sinceTime: '2026-01-01T00:00:00Z' }, 'p')).toThrow(
      'PodLogOptions "p" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    );
    expect(() => parsePodLogOptions({ tailLines: 'x' }, 'p')).toThrow('strconv.ParseInt: parsing "x": invalid syntax');
    // The official Python client sends Python's str(True).
    expect(parsePodLogOptions({ follow: 'True', timestamps: 'True', previous: 'False' }, 'p')).toMatchObject({ follow: true, timestamps: true, previous: false });
  });

  it('picks the only container, or the named one (init containers too)', () => {
    const p = pod('p', ['app'], 'n', ['setup']) as Parameters<typeof chooseContainer>[0];
    expect(chooseContainer(p, undefined)).toBe('app');
    expect(chooseContainer(p, 'setup')).toBe('setup');
  });

  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['localhost:1', { host: 'localhost', port: 1 }],
    ['[::1]:10250', { host: '::1', port: 10250 }],
    ['10.0.0.1:10250', undefined],
    ['127.0.0.1', undefined],
    [undefined, undefined],
  ])('loopbackEndpoint(%j)', (value, want) => expect(loopbackEndpoint(value)).toEqual(want));

  it('words upstream failures as the generic response checker', () => {
    expect(upstreamError(404, 'pod "x" does not exist', 'x').message).toBe('the server could not find the requested resource ( pods/log x)');
    expect(upstreamError(500, 'boom\n', 'x').toStatus()).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: boom' });
  });
});
