import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flush } from '../client/testing.js';
import { FakeClock } from '../lib/clock.js';
import { rootLogger } from '../lib/logger.js';
import type { Instance } from './cloud-state.js';
import { parseProviderId, providerIdOf } from './cloud-provider.js';
import { parseNodeGroups } from './node-groups.js';
import { SimCloud } from './sim-cloud.js';

const tmp = mkdtempSync(join(tmpdir(), 'kubeling-cloud-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const logger = rootLogger.child({});
logger.level = 'silent';
const groups = parseNodeGroups({ nodeGroups: [{ name: 'pool', minSize: 1, maxSize: 3, provisioning: { delay: '10s', jitter: '2s', deleteDelay: '3s' } }] });

function cloud(clock: FakeClock, statePath?: string, booted: Instance[] = []) {
  return new SimCloud({ groups, clock, logger, random: () => 1, ...(statePath ? { statePath } : {}), boot: async (i) => void booted.push(i) });
}

describe('SimCloud', () => {
  it('starts groups at minSize, creates with delay and jitter, boots running instances, deletes with delay', async () => {
    const clock = new FakeClock();
    const booted: Instance[] = [];
    const c = cloud(clock, undefined, booted);
    c.start();
    expect((await c.nodeGroups())[0]!.targetSize).toBe(1);
    await c.increaseSize('pool', 2);
    const [, second] = await c.instances('pool');
    expect(second).toMatchObject({ state: 'Creating', readyAt: clock.now() + 12_000 }); // random 1 → +jitter
    expect(second!.id).toMatch(/^pool-[a-z0-9]{5}$/);
    clock.advance(12_000);
    await flush();
    expect((await c.instances()).map((i) => i.state)).toEqual(['Running', 'Running', 'Running']);
    expect(booted).toHaveLength(3);
    await c.deleteInstances('pool', [second!.id]);
    expect((await c.nodeGroups())[0]!.targetSize).toBe(2);
    clock.advance(3000);
    expect(await c.instances()).toHaveLength(2);
    c.stop();
  });

  it.each([
    { name: 'beyond maxSize', act: (c: SimCloud) => c.increaseSize('pool', 3), want: /size increase too large - desired:4 max:3/ },
    { name: 'unknown group', act: (c: SimCloud) => c.increaseSize('nope', 1), want: /node group "nope" not found/ },
    { name: 'non-positive delta', act: (c: SimCloud) => c.increaseSize('pool', 0), want: /must be positive/ },
    { name: 'below minSize', act: async (c: SimCloud) => c.deleteInstances('pool', [(await c.instances())[0]!.id]), want: /min size reached/ },
    { name: 'unknown instance', act: (c: SimCloud) => c.deleteInstances('pool', ['pool-zzzzz']), want: /instance "pool-zzzzz" not found/ },
  ])('refuses $name with a CloudError', async ({ act, want }) => {
    const c = cloud(new FakeClock());
    c.start();
    await expect(act(c)).rejects.toThrow(want);
    c.stop();
  });

  it('keeps its instances, load balancers and routes in the state file across a restart', async () => {
    const path = join(tmp, 'cloud.json');
    const clock = new FakeClock();
    const a = cloud(clock, path);
    a.start();
    await a.increaseSize('pool', 1);
    const ip = await a.ensureLoadBalancer('default/web');
    await a.createRoute('n1', '100.96.1.0/24');
    a.stop();
    const booted: Instance[] = [];
    const b = cloud(clock, path, booted);
    b.start();
    expect(await b.instances()).toHaveLength(2);
    expect(await b.ensureLoadBalancer('default/web')).toBe(ip);
    expect(await b.ensureLoadBalancer('default/other')).not.toBe(ip);
    expect(await b.routes()).toEqual({ n1: '100.96.1.0/24' });
    clock.advance(12_000); // the one still Creating comes up after the restart
    await flush();
    expect(booted.length).toBeGreaterThanOrEqual(1);
    b.stop();
  });

  it('refuses a corrupt state file with its name', () => {
    const path = join(tmp, 'bad.json');
    writeFileSync(path, '{"version":2}');
    expect(() => cloud(new FakeClock(), path)).toThrow(/bad\.json: invalid cloud state/);
  });

  it('hands out load balancer addresses until the pool is empty', async () => {
    const c = new SimCloud({ groups: [], clock: new FakeClock(), logger, lbPool: { first: '203.0.113.254', size: 2 } });
    expect(await c.ensureLoadBalancer('a/x')).toBe('203.0.113.254');
    expect(await c.ensureLoadBalancer('a/y')).toBe('203.0.113.255');
    await expect(c.ensureLoadBalancer('a/z')).rejects.toThrow(/no load balancer address left/);
    await c.deleteLoadBalancer('a/x');
    expect(await c.ensureLoadBalancer('a/z')).toBe('203.0.113.254');
  });

  it('provider IDs round-trip', () => {
    expect(parseProviderId(providerIdOf('pool', 'pool-abcde'))).toEqual({ group: 'pool', instance: 'pool-abcde' });
    expect(parseProviderId('aws:///eu-west-1a/i-123')).toBeUndefined();
    expect(parseProviderId('kubeling://pool')).toBeUndefined();
  });
});
