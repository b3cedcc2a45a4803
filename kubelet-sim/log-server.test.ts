import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../lib/clock.js';
import { rootLogger } from '../lib/logger.js';
import { startLogServer, type LogServer, type LogServerHost } from './log-server.js';

const host: LogServerHost = {
  clock: realClock,
  logger: rootLogger.child({ test: 'log-server' }),
  defaultIntervalMs: 1000,
  lookup: () => undefined,
  watch: () => () => {},
  failNode: () => {},
  recoverNode: () => {},
  listNodes: () => [{ name: 'n0', failed: false, registered: true, pods: 0 }],
};

let server: LogServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(address: string, port: number, path: string): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const res = await fetch(`http://${address}:${port}${path}`);
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { error: String((err as { cause?: { code?: string } }).cause?.code ?? err) };
  }
}

describe('the kubelet-sim server address (kubelet-sim --address/--port)', () => {
  it('listens on 127.0.0.1 by default', async () => {
    server = await startLogServer(host);
    expect(await get('127.0.0.1', server.port, '/healthz')).toEqual({ status: 200, body: 'ok' });
  });

  it('listens only on the address it is given', async () => {
    server = await startLogServer(host, 0, undefined, '127.0.0.2');
    expect(await get('127.0.0.2', server.port, '/nodes')).toMatchObject({ status: 200 });
    expect(await get('127.0.0.1', server.port, '/healthz')).toEqual({ error: 'ECONNREFUSED' });
  });
});
