import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { EventQueue } from './subscriptions.js';
import { GraphqlSocket, graphqlApp, pod, registriesOf, restCreate } from './test-helpers.js';

describe('EventQueue', () => {
  it('hands out pushed items in order, to waiting and later readers', async () => {
    const q = new EventQueue<number>();
    const waiting = q.next();
    q.push(1);
    q.push(2);
    expect(await waiting).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
  });

  it('delivers buffered items before a failure, then ends', async () => {
    const closed = vi.fn();
    const q = new EventQueue<number>();
    q.closeWith(closed);
    q.push(1);
    q.fail(new Error('boom'));
    expect(closed).toHaveBeenCalledTimes(1);
    expect(await q.next()).toEqual({ value: 1, done: false });
    await expect(q.next()).rejects.toThrow('boom');
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects a waiting reader at once on failure', async () => {
    const q = new EventQueue<number>();
    const waiting = q.next();
    q.fail(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('runs the close callback once on return, and ends waiting readers', async () => {
    const closed = vi.fn();
    const q = new EventQueue<number>();
    q.closeWith(closed);
    const waiting = q.next();
    await q.return();
    await q.return();
    expect(closed).toHaveBeenCalledTimes(1);
    expect(await waiting).toEqual({ value: undefined, done: true });
    q.push(3);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('closes a producer set after the queue already ended', () => {
    const q = new EventQueue<number>();
    q.fail(new Error('early'));
    const closed = vi.fn();
    q.closeWith(closed);
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('ends a reader that falls too far behind with Expired', async () => {
    const q = new EventQueue<number>(2);
    q.push(1);
    q.push(2);
    q.push(3);
    const err = await q.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).reason).toBe('Expired');
  });
});

describe('watch subscriptions over WebSocket', () => {
  let app: FastifyInstance;
  let url: string;
  let closes: Array<Promise<void>>;

  beforeEach(async () => {
    app = await graphqlApp();
    // Record when each registry watch is closed, to check the cleanup on unsubscribe.
    const reg = registriesOf(app).forKind('', 'Pod');
    const watch = reg.watch.bind(reg);
    closes = [];
    vi.spyOn(reg, 'watch').mockImplementation(async (...args) => {
      const inner = await watch(...args);
      let done!: () => void;
      closes.push(new Promise<void>((resolve) => (done = resolve)));
      return {
        close: () => {
          inner.close();
          done();
        },
      };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
  });

  afterEach(async () => {
    await app.close();
  });

  async function connect(): Promise<GraphqlSocket> {
    const socket = await GraphqlSocket.open(url);
    socket.send({ type: 'connection_init', payload: {} });
    expect((await socket.next()).type).toBe('connection_ack');
    return socket;
  }

  const WATCH = 'subscription($ns: String, $sel: String) { watchPods(namespace: $ns, labelSelector: $sel) { type object { metadata { name labels } } } }';

  it('streams ADDED and MODIFIED events and closes the registry watch on complete', async () => {
    const socket = await connect();
    socket.send({ id: '1', type: 'subscribe', payload: { query: WATCH, variables: { ns: 'default', sel: 'app=web' } } });
    await restCreate(app, '/api/v1/namespaces/default/pods', pod('other', { app: 'db' }));
    await restCreate(app, '/api/v1/namespaces/default/pods', pod('web', { app: 'web' }));

    const added = await socket.next((m) => m.id === '1');
    expect(added).toEqual({
      id: '1',
      type: 'next',
      payload: { data: { watchPods: { type: 'ADDED', object: { metadata: { name: 'web', labels: { app: 'web' } } } } } },
    });

    const patch = await app.inject({
      method: 'PATCH',
      url: '/api/v1/namespaces/default/pods/web',
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ metadata: { labels: { app: 'web', v: '2' } } }),
    });
    expect(patch.statusCode).toBe(200);
    const modified = await socket.next((m) => m.id === '1');
    expect(modified.payload.data.watchPods).toEqual({ type: 'MODIFIED', object: { metadata: { name: 'web', labels: { app: 'web', v: '2' } } } });

    expect(closes).toHaveLength(1);
    socket.send({ id: '1', type: 'complete' });
    await closes[0];
    socket.close();
  });

  it('speaks the legacy subscriptions-transport-ws protocol too (Apollo clients of old)', async () => {
    const socket = await GraphqlSocket.open(url, 'graphql-ws');
    socket.send({ type: 'connection_init', payload: {} });
    expect((await socket.next((m) => m.type !== 'ka')).type).toBe('connection_ack');
    socket.send({ id: '7', type: 'start', payload: { query: WATCH, variables: { ns: 'default', sel: 'app=legacy' } } });
    await restCreate(app, '/api/v1/namespaces/default/pods', pod('old-school', { app: 'legacy' }));
    const data = await socket.next((m) => m.id === '7');
    expect(data).toEqual({
      id: '7',
      type: 'data',
      payload: { data: { watchPods: { type: 'ADDED', object: { metadata: { name: 'old-school', labels: { app: 'legacy' } } } } } },
    });
    socket.send({ id: '7', type: 'stop' });
    await closes[0];
    socket.close();
  });

  it('carries relation fields: each pod event resolves its node as it is now', async () => {
    await restCreate(app, '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { zone: 'a' } } });
    const socket = await connect();
    const query = 'subscription { watchPods(namespace: "default") { type object { metadata { name } node { metadata { name labels } } } } }';
    socket.send({ id: '1', type: 'subscribe', payload: { query } });
    await restCreate(app, '/api/v1/namespaces/default/pods', pod('unbound'));
    const first = await socket.next((m) => m.id === '1');
    expect(first.payload.data.watchPods).toEqual({ type: 'ADDED', object: { metadata: { name: 'unbound' }, node: null } });
    const bound = await restCreate(app, '/api/v1/namespaces/default/pods', {
      ...pod('bound'),
      spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'nginx:1.27' }] },
    });
    expect(bound.spec.nodeName).toBe('n1');
    const second = await socket.next((m) => m.id === '1');
    expect(second.payload.data.watchPods).toEqual({ type: 'ADDED', object: { metadata: { name: 'bound' }, node: { metadata: { name: 'n1', labels: { zone: 'a' } } } } });
    socket.send({ id: '1', type: 'complete' });
    socket.close();
  });

  it('starts with the current objects as ADDED, and cleans up when the socket closes', async () => {
    await restCreate(app, '/api/v1/namespaces/default/pods', pod('existing'));
    const socket = await connect();
    socket.send({ id: 'a', type: 'subscribe', payload: { query: WATCH } });
    const first = await socket.next((m) => m.id === 'a');
    expect(first.payload.data.watchPods).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'existing' } } });
    socket.close();
    await closes[0];
  });

  it('refuses a bad selector with a coded error', async () => {
    const socket = await connect();
    socket.send({ id: 'x', type: 'subscribe', payload: { query: WATCH, variables: { sel: 'a in (' } } });
    const err = await socket.next((m) => m.id === 'x');
    expect(err.type).toBe('error');
    expect(err.payload[0].extensions).toMatchObject({ code: 'BadRequest', status: 400 });
    expect(closes).toHaveLength(0);
    socket.close();
  });
});
