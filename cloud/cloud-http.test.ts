import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../lib/clock.js';
import { rootLogger } from '../lib/logger.js';
import { HttpCloud, serveCloud } from './cloud-http.js';
import { parseNodeGroups } from './node-groups.js';
import { SimCloud } from './sim-cloud.js';

// The HTTP API of `kubeling cloud` against a real loopback server (port 0): the client
// sees the same answers and the same coded refusals as the in-process cloud.
const logger = rootLogger.child({});
logger.level = 'silent';
const sim = new SimCloud({ groups: parseNodeGroups({ nodeGroups: [{ name: 'pool', minSize: 1, maxSize: 2 }] }), clock: new FakeClock(), logger });
let server: Awaited<ReturnType<typeof serveCloud>>;
let cloud: HttpCloud;

beforeAll(async () => {
  sim.start();
  server = await serveCloud(sim, '127.0.0.1', 0);
  cloud = new HttpCloud(`http://127.0.0.1:${server.port}`);
});
afterAll(async () => {
  sim.stop();
  await server.close();
});

describe('cloud over HTTP', () => {
  it('lists groups and instances, grows a group, hands out LBs and routes', async () => {
    expect((await cloud.nodeGroups()).map((g) => [g.name, g.targetSize])).toEqual([['pool', 1]]);
    await cloud.increaseSize('pool', 1);
    expect(await cloud.instances('pool')).toHaveLength(2);
    const ip = await cloud.ensureLoadBalancer('default/web');
    expect(ip).toMatch(/^203\.0\.113\.\d+$/);
    await cloud.createRoute('n1', '100.96.3.0/24');
    expect(await cloud.routes()).toEqual({ n1: '100.96.3.0/24' });
    await cloud.deleteRoute('n1');
    await cloud.deleteLoadBalancer('default/web');
  });

  it.each([
    { name: 'beyond max', act: () => cloud.increaseSize('pool', 5), want: { code: 'MaxSizeReached' } },
    { name: 'unknown group', act: () => cloud.increaseSize('x', 1), want: { code: 'NotFound' } },
    { name: 'bad delta', act: () => cloud.increaseSize('pool', Number.NaN), want: { code: 'Invalid' } },
  ])('refuses $name with the cloud error code', async ({ act, want }) => {
    await expect(act()).rejects.toMatchObject(want);
  });

  it('answers bad requests with 400/404 JSON, never a crash', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const bad = await fetch(`${base}/v1/nodegroups/pool/increase`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'Invalid' });
    const missing = await fetch(`${base}/v2/anything`);
    expect(missing.status).toBe(404);
    const ids = await fetch(`${base}/v1/nodegroups/pool/delete`, { method: 'POST', body: '{"ids": 3}' });
    expect(ids.status).toBe(400);
  });
});
