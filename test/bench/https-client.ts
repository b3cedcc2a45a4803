import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';

/**
 * A minimal HTTPS client for the benchmark: node:https with a keep-alive agent that
 * trusts the cluster CA and sends the admin bearer token. No retries, no parsing beyond
 * what a call asks for, so the figures measure the server.
 */
export interface HttpsClient {
  /** One request; resolves with the status and the whole body as text. */
  call(method: string, path: string, body?: string, extraHeaders?: Record<string, string>): Promise<{ status: number; body: string }>;
  /** Opens a streaming GET (a watch); resolves once the response headers arrived. */
  stream(path: string, agent: Agent): Promise<{ res: IncomingMessage; close(): void }>;
  /** A separate agent with room for many long-lived connections (watchers). */
  newAgent(maxSockets: number, keepAlive?: boolean): Agent;
  destroy(): void;
}

export function createHttpsClient(baseUrl: string, caCert: string, token: string, maxSockets: number): HttpsClient {
  const base = new URL(baseUrl);
  const agents: Agent[] = [];
  const newAgent = (sockets: number, keepAlive = true): Agent => {
    const agent = new Agent({ keepAlive, maxSockets: sockets, ca: caCert });
    agents.push(agent);
    return agent;
  };
  const agent = newAgent(maxSockets);
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };

  return {
    call(method, path, body, extraHeaders) {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            hostname: base.hostname,
            port: base.port,
            path,
            method,
            agent,
            headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extraHeaders },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    stream(path, streamAgent) {
      return new Promise((resolve, reject) => {
        const req = request({ hostname: base.hostname, port: base.port, path, method: 'GET', agent: streamAgent, headers }, (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`GET ${path}: ${res.statusCode}`));
            return;
          }
          resolve({ res, close: () => req.destroy() });
        });
        req.on('error', reject);
        req.end();
      });
    },
    newAgent,
    destroy() {
      for (const a of agents) a.destroy();
    },
  };
}
