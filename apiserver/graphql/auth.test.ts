import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { createSqliteStore } from '../storage/sqlite-store.js';
import { Registries } from '../registry/registries.js';
import { realClock } from '../../lib/clock.js';
import type { RequestHeaders, UserInfo } from '../auth/authenticator.js';
import { authorizationFromParams, decideConnect } from './auth.js';
import { registerGraphql } from './index.js';
import { GraphqlSocket, gql } from './test-helpers.js';

const ALICE: UserInfo = { username: 'alice', groups: ['system:authenticated'] };
const authenticate = (headers: RequestHeaders): UserInfo | null => (headers.authorization === 'Bearer good' ? ALICE : null);

describe('authorizationFromParams', () => {
  it.each([
    [{ Authorization: 'Bearer a' }, 'Bearer a'],
    [{ authorization: 'Bearer b' }, 'Bearer b'],
    [{ headers: { Authorization: 'Bearer c' } }, 'Bearer c'],
    [{ other: 1 }, undefined],
    [{ Authorization: 42 }, undefined],
    [null, undefined],
    ['Bearer x', undefined],
  ])('%j → %s', (payload, want) => {
    expect(authorizationFromParams(payload)).toBe(want);
  });
});

describe('decideConnect', () => {
  it.each([
    ['no auth required', {}, false, { kind: 'defer' }],
    ['no credentials in the payload', {}, true, { kind: 'defer' }],
    ['a good token', { Authorization: 'Bearer good' }, true, { kind: 'accept', user: ALICE }],
    ['a bad token', { Authorization: 'Bearer bad' }, true, { kind: 'reject' }],
  ])('%s', (_what, payload, required, want) => {
    expect(decideConnect(payload, required, authenticate)).toEqual(want);
  });

  it('rejects a token it has no authenticator for', () => {
    expect(decideConnect({ Authorization: 'Bearer good' }, true, undefined)).toEqual({ kind: 'reject' });
  });
});

// A bare fastify app standing in for buildApp's authentication: its onRequest hook sets
// req.user from the Authorization header, and /graphql is treated as a public path (the
// GraphQL layer itself answers 401).
describe('registerGraphql with authRequired', () => {
  let app: FastifyInstance;
  let registries: Registries;

  beforeEach(async () => {
    const store = createSqliteStore({ path: ':memory:' });
    registries = new Registries(store, realClock);
    app = Fastify();
    app.addHook('onRequest', async (req) => {
      req.user = authenticate(req.headers) ?? undefined;
    });
    app.addHook('onClose', async () => store.close());
    await registerGraphql(app, { registries, clock: realClock, authRequired: true, authenticate });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
  });

  const QUERY = '{ namespaces { items { metadata { name } } } }';

  it('answers 401 Unauthorized without a token', async () => {
    const res = await gql(app, QUERY);
    expect(res.status).toBe(401);
    expect(res.data).toBeNull();
    expect(res.errors![0]).toMatchObject({ message: 'Unauthorized', extensions: { code: 'Unauthorized', status: 401 } });
  });

  it('answers with a valid token', async () => {
    const res = await gql(app, QUERY, undefined, { authorization: 'Bearer good' });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ namespaces: { items: [] } });
  });

  it('refuses GET queries without a token too', async () => {
    const res = await app.inject({ method: 'GET', url: `/graphql?query=${encodeURIComponent(QUERY)}` });
    expect(res.statusCode).toBe(401);
  });

  it('serves the playground without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/graphiql' });
    expect(res.statusCode).toBe(200);
  });

  describe('over WebSocket', () => {
    let url: string;

    beforeEach(async () => {
      await app.listen({ host: '127.0.0.1', port: 0 });
      url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
    });

    const WATCH = 'subscription { watchNamespaces { type object { metadata { name } } } }';

    it('accepts a token in the connection params', async () => {
      const socket = await GraphqlSocket.open(url);
      socket.send({ type: 'connection_init', payload: { Authorization: 'Bearer good' } });
      expect((await socket.next()).type).toBe('connection_ack');
      socket.send({ id: '1', type: 'subscribe', payload: { query: WATCH } });
      await registries.namespaces.create(undefined, { metadata: { name: 'team-a' } });
      const event = await socket.next((m) => m.id === '1');
      expect(event.payload.data.watchNamespaces).toEqual({ type: 'ADDED', object: { metadata: { name: 'team-a' } } });
      socket.close();
    });

    it('closes the connection on a bad token', async () => {
      const socket = await GraphqlSocket.open(url);
      socket.send({ type: 'connection_init', payload: { Authorization: 'Bearer bad' } });
      const answer = await socket.next();
      expect(answer).toMatchObject({ type: 'connection_error', payload: { message: 'Forbidden' } });
    });

    it('refuses subscriptions of a connection without credentials', async () => {
      const socket = await GraphqlSocket.open(url);
      socket.send({ type: 'connection_init', payload: {} });
      expect((await socket.next()).type).toBe('connection_ack');
      socket.send({ id: '2', type: 'subscribe', payload: { query: WATCH } });
      const err = await socket.next((m) => m.id === '2');
      expect(err.type).toBe('error');
      expect(err.payload[0].extensions).toMatchObject({ code: 'Unauthorized', status: 401 });
      socket.close();
    });
  });
});
