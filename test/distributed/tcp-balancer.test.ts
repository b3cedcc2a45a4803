import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpBalancer } from './tcp-balancer.js';

/** A TCP server answering every connection with its own name. */
function namedServer(name: string): Promise<{ server: Server; port: number }> {
  return new Promise((res) => {
    const server = createServer((s) => s.end(name));
    server.listen(0, '127.0.0.1', () => res({ server, port: (server.address() as { port: number }).port }));
  });
}

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function ask(port: number): Promise<string> {
  return new Promise((res, rej) => {
    let out = '';
    const s = connect(port, '127.0.0.1');
    s.setEncoding('utf8');
    s.on('data', (d: string) => (out += d));
    s.on('end', () => res(out));
    s.on('error', rej);
  });
}

// The stand-in for HAProxy when it is not installed. These backends speak no TLS, so no
// health check passes and every backend stays in rotation (as when no apiserver is ready).
describe('startTcpBalancer', () => {
  const closers: Array<() => void> = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  it('spreads connections over the backends, round robin', async () => {
    const a = await namedServer('a');
    const b = await namedServer('b');
    closers.push(() => a.server.close(), () => b.server.close());
    const port = await freePort();
    const lb = startTcpBalancer({ host: '127.0.0.1', port }, [{ host: '127.0.0.1', port: a.port }, { host: '127.0.0.1', port: b.port }]);
    closers.push(() => lb.close());
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await ask(port).catch(async () => ask(port)));
    expect(answers.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('sends a connection a backend refuses to the next one', async () => {
    const a = await namedServer('a');
    closers.push(() => a.server.close());
    const dead = await freePort();
    const port = await freePort();
    const lb = startTcpBalancer({ host: '127.0.0.1', port }, [{ host: '127.0.0.1', port: dead }, { host: '127.0.0.1', port: a.port }]);
    closers.push(() => lb.close());
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await ask(port).catch(async () => ask(port)));
    expect(answers).toEqual(['a', 'a', 'a']);
  });
});
