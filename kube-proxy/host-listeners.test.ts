import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../lib/clock.js';
import { rootLogger } from '../lib/logger.js';
import type { DataPath } from '../network/data-path.js';
import type { SimResponse } from '../network/data-path-types.js';
import { HostListeners } from './host-listeners.js';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const opened: HostListeners[] = [];
afterEach(async () => {
  for (const l of opened.splice(0)) await l.close();
});

async function listen(answer: Partial<SimResponse>, clock: FakeClock, maxLatencyMs?: number): Promise<number> {
  const port = await freePort();
  const dataPath = { send: () => ({ outcome: 'response', latencyMs: 0, ...answer }) as SimResponse } as unknown as DataPath;
  const l = new HostListeners({ dataPath: () => dataPath, nodeAddress: () => '10.0.0.1', logger: rootLogger, onError: () => {}, clock, ...(maxLatencyMs ? { maxLatencyMs } : {}) });
  opened.push(l);
  l.sync([{ key: `127.0.0.1:${port}`, address: '127.0.0.1', port, kind: 'NodePort', namespace: 'default', service: 's', servicePort: 'default/s' }]);
  await l.settled();
  return port;
}

/** GETs and reports when the answer arrived relative to the fake clock's moves. */
function get(port: number, log: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          log.push(`answer ${body}`);
          resolve(body);
        });
      })
      .on('error', reject);
  });
}

/** Moves the clock once the request is waiting on it (a timer was set). */
async function whenWaiting(clock: FakeClock, step: () => void): Promise<void> {
  for (let i = 0; i < 5000 && clock.pendingTimers() === 0; i++) await new Promise((r) => setTimeout(r, 1));
  step();
}

describe('NodePort listeners on the host wait out the simulated latency', () => {
  it('the answer comes only after the model latency has passed on the clock', async () => {
    const clock = new FakeClock();
    const port = await listen({ status: 200, body: 'slow', latencyMs: 250 }, clock);
    const log: string[] = [];
    const answer = get(port, log);
    await whenWaiting(clock, () => {
      log.push('at 249');
      clock.advance(249);
    });
    expect(log).toEqual(['at 249']);
    clock.advance(1);
    expect(await answer).toBe('slow');
    expect(log).toEqual(['at 249', 'answer slow']);
  });

  it('the wait is bounded by maxLatencyMs', async () => {
    const clock = new FakeClock();
    const port = await listen({ status: 200, body: 'capped', latencyMs: 3_600_000 }, clock, 500);
    const log: string[] = [];
    const answer = get(port, log);
    await whenWaiting(clock, () => clock.advance(500));
    expect(await answer).toBe('capped');
  });
});
