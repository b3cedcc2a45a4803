import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRoute, startRelays } from './forward.js';

describe('compose relay (compose/forward.ts)', () => {
  const servers: net.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('parses LISTEN=TARGET routes', () => {
    expect(parseRoute('127.0.0.1:4443=kubelet-sim:14443')).toEqual({ listen: { host: '127.0.0.1', port: 4443 }, target: { host: 'kubelet-sim', port: 14443 } });
    expect(parseRoute('0.0.0.0:18086=[::1]:8086').target).toEqual({ host: '::1', port: 8086 });
  });

  it.each(['', '127.0.0.1:1', '127.0.0.1:1=x', 'a:1=b:2=c:3', 'a:0=b:1', 'a:1=b:65536', 'a:x=b:1'])('refuses %j with a message', (arg) => {
    expect(() => parseRoute(arg)).toThrow(/not (LISTEN=TARGET|HOST:PORT)/);
  });

  it('relays bytes both ways between a loopback listener and a loopback target', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    servers.push(echo);
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const target = (echo.address() as net.AddressInfo).port;
    const relays = await startRelays([{ listen: { host: '127.0.0.1', port: 0 }, target: { host: '127.0.0.1', port: target } }]);
    servers.push(...relays);
    const port = (relays[0]!.address() as net.AddressInfo).port;
    const reply = await new Promise<string>((resolve, reject) => {
      const c = net.connect(port, '127.0.0.1', () => c.end('hello through the relay'));
      let got = '';
      c.on('data', (d) => (got += d));
      c.on('end', () => resolve(got));
      c.on('error', reject);
    });
    expect(reply).toBe('hello through the relay');
  });

  it('closes the client connection when the target refuses', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const dead = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const relays = await startRelays([{ listen: { host: '127.0.0.1', port: 0 }, target: { host: '127.0.0.1', port: dead } }]);
    servers.push(...relays);
    const port = (relays[0]!.address() as net.AddressInfo).port;
    const ended = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.on('close', () => resolve(true));
      c.on('error', () => undefined);
    });
    expect(ended).toBe(true);
  });
});
