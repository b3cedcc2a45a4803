import { describe, expect, it } from 'vitest';
import { leaseResource } from '../api/coordination/lease.js';
import { createFakeClient } from '../client/fake-client.js';
import { step } from '../client/testing.js';
import { FakeClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { createFakeMetricsApi } from './fake-metrics.js';
import { HPA_LEASE_NAME, startHpa } from './start-hpa.js';

describe('startHpa (kubeling hpa)', () => {
  it('two replicas share the Lease kube-system/kubeling-hpa: one leads, the other takes over when it stops', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    const raw = createFakeMetricsApi(client, clock);
    const logger = createLogger({ level: 'silent' });
    const a = await startHpa({ client, rawGet: raw.get, clock, logger, leaderElect: true });
    await step(clock, 1000);
    const b = await startHpa({ client, rawGet: raw.get, clock, logger, leaderElect: true });
    await step(clock, 3000);
    const holder = async () => ((await client.get(leaseResource, HPA_LEASE_NAME, { namespace: 'kube-system' })).spec as { holderIdentity?: string }).holderIdentity;
    expect(await holder()).toBe(a.identity);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    expect(a.enabled).toEqual(['horizontal-pod-autoscaler-controller']);

    await a.stop();
    await step(clock, 5000);
    expect(await holder()).toBe(b.identity);
    expect(b.isLeader()).toBe(true);
    await b.stop();
  });
});
