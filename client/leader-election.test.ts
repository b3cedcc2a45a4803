import { describe, expect, it } from 'vitest';
import type { LeaseSpec } from '../api/coordination/lease.js';
import { FakeClock } from '../lib/clock.js';
import { ApiError } from './api-error.js';
import { createFakeClient, type FakeClient } from './fake-client.js';
import { createLeaderElector, type LeaderElector } from './leader-election.js';
import type { RestClient } from './rest-client.js';
import type { ResourceRef } from './resource.js';
import { flush, step } from './testing.js';

const leases: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true, kind: 'Lease' };
const lease = { namespace: 'kube-system', name: 'kube-scheduler' };

function candidate(identity: string, client: RestClient, clock: FakeClock) {
  const events: string[] = [];
  const elector = createLeaderElector({
    client,
    clock,
    lease,
    identity,
    random: () => 0,
    onStartedLeading: () => events.push('started'),
    onStoppedLeading: () => events.push('stopped'),
  });
  return { elector, events };
}

async function leaseSpec(client: FakeClient): Promise<LeaseSpec> {
  return (await client.get(leases, lease.name, { namespace: lease.namespace })).spec as LeaseSpec;
}

const notBoth = (a: LeaderElector, b: LeaderElector) => () => expect(a.isLeader() && b.isLeader()).toBe(false);

describe('leader election', () => {
  it('elects exactly one of two candidates; the other takes over only after the lease expires', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    const a = candidate('a', client, clock);
    const b = candidate('b', client, clock);
    a.elector.start();
    await flush();
    b.elector.start();
    await flush();
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.getLeader()).toBe('a');

    const first = await leaseSpec(client);
    expect(first).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(first.acquireTime).toBe('2026-01-01T00:00:00.000000Z');

    await step(clock, 30_000, 500, notBoth(a.elector, b.elector));
    expect(a.elector.isLeader()).toBe(true);
    const renewed = await leaseSpec(client);
    expect(renewed.acquireTime).toBe(first.acquireTime);
    expect(Date.parse(renewed.renewTime!)).toBeGreaterThan(Date.parse(first.renewTime!));

    // a crashes: no release. b must wait out the lease from when it last saw it change.
    await a.elector.stop({ release: false });
    expect(a.events).toEqual(['started', 'stopped']);
    await step(clock, 10_000, 500);
    expect(b.elector.isLeader()).toBe(false);
    await step(clock, 10_000, 500);
    expect(b.elector.isLeader()).toBe(true);
    expect(b.events).toEqual(['started']);
    expect(await leaseSpec(client)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.elector.stop();
  });

  it('a stopping leader releases the lease so a follower takes over within a retry period', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    const a = candidate('a', client, clock);
    const b = candidate('b', client, clock);
    a.elector.start();
    await flush();
    b.elector.start();
    await step(clock, 4_000, 500);
    await a.elector.stop();
    expect(await leaseSpec(client)).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    await step(clock, 2_500, 500);
    expect(b.elector.isLeader()).toBe(true);
    expect(await leaseSpec(client)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.elector.stop();
  });

  it('a leader that cannot renew steps down within the renew deadline', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    let partitioned = false;
    const down = () => Promise.reject(ApiError.from(0, 'connection refused'));
    const aClient: RestClient = {
      ...client,
      get: (...args) => (partitioned ? down() : client.get(...args)),
      update: (...args) => (partitioned ? down() : client.update(...args)),
    };
    const a = candidate('a', aClient, clock);
    const b = candidate('b', client, clock);
    a.elector.start();
    await flush();
    b.elector.start();
    await step(clock, 4_000, 500);
    expect(a.elector.isLeader()).toBe(true);

    partitioned = true;
    await step(clock, 12_500, 500, notBoth(a.elector, b.elector));
    expect(a.elector.isLeader()).toBe(false);
    expect(a.events).toEqual(['started', 'stopped']);
    await step(clock, 10_000, 500, notBoth(a.elector, b.elector));
    expect(b.elector.isLeader()).toBe(true);
    await a.elector.stop();
    await b.elector.stop();
  });

  it('rejects timings client-go rejects', () => {
    const client = createFakeClient();
    expect(() => createLeaderElector({ client, lease, identity: 'x', leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow();
    expect(() => createLeaderElector({ client, lease, identity: 'x', renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow();
  });
});
