import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { createSqliteStore } from '../storage/sqlite-store.js';
import type { Registries } from '../registry/registries.js';

/**
 * Test-only helpers for the GraphQL suites: an app over in-memory SQLite (buildApp
 * registers GraphQL), a GraphQL call through inject, and a minimal
 * graphql-transport-ws client over the `ws` package mercurius brings.
 */

export interface GraphqlResponse {
  status: number;
  data: Record<string, any> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

export async function graphqlApp(): Promise<FastifyInstance> {
  const app = await buildApp({ store: createSqliteStore({ path: ':memory:' }) });
  await app.ready();
  return app;
}

export function registriesOf(app: FastifyInstance): Registries {
  return (app as unknown as { registries: Registries }).registries;
}

export async function gql(app: FastifyInstance, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphqlResponse> {
  const res = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify({ query, variables }),
  });
  const body = res.json() as Omit<GraphqlResponse, 'status'>;
  return { status: res.statusCode, ...body };
}

/** POSTs an object through REST and returns the stored object. */
export async function restCreate(app: FastifyInstance, path: string, obj: unknown): Promise<Record<string, any>> {
  const res = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(obj) });
  if (res.statusCode !== 201) throw new Error(`create ${path}: ${res.statusCode} ${res.body}`);
  return res.json();
}

export function pod(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] },
  };
}

/** The part of `ws` these tests use. */
export interface WsClient {
  send(data: string): void;
  close(): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'open', fn: () => void): void;
  on(event: 'close', fn: (code: number) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
}

type WsConstructor = new (url: string, protocols: string | string[]) => WsClient;

const require = createRequire(import.meta.url);
const WebSocket = require('ws') as WsConstructor;

export interface WsMessage {
  type: string;
  id?: string;
  payload?: any;
}

/**
 * A graphql-transport-ws connection that records every message; next() resolves with the
 * first unread message matching a predicate (no sleeps: it waits on the socket).
 */
export class GraphqlSocket {
  private readonly messages: WsMessage[] = [];
  private readonly waiters: Array<{ match: (m: WsMessage) => boolean; resolve: (m: WsMessage) => void }> = [];
  closed = false;

  private constructor(private readonly ws: WsClient) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as WsMessage;
      const i = this.waiters.findIndex((w) => w.match(msg));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg);
      else this.messages.push(msg);
    });
    ws.on('close', () => {
      this.closed = true;
    });
  }

  /** `graphql-transport-ws` (graphql-ws), or the legacy `graphql-ws` of subscriptions-transport-ws. */
  static async open(url: string, protocol: 'graphql-transport-ws' | 'graphql-ws' = 'graphql-transport-ws'): Promise<GraphqlSocket> {
    const ws = new WebSocket(url, protocol);
    await new Promise<void>((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    return new GraphqlSocket(ws);
  }

  send(msg: WsMessage): void {
    this.ws.send(JSON.stringify(msg));
  }

  next(match: (m: WsMessage) => boolean = () => true): Promise<WsMessage> {
    const i = this.messages.findIndex(match);
    if (i >= 0) return Promise.resolve(this.messages.splice(i, 1)[0]);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  close(): void {
    this.ws.close();
  }
}
