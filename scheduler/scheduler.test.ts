import { afterEach, describe, expect, it } from 'vitest';
import { eventResource } from '../api/core/event.js';
import { nodeResource } from '../api/core/node.js';
import { podResource } from '../api/core/pod.js';
import { leaseResource } from '../api/coordination/lease.js';
import type { KubeObject } from '../api/types.js';
import { ApiError } from '../client/api-error.js';
import { createFakeClient, type FakeClient } from '../client/fake-client.js';
import { FakeClock } from '../lib/clock.js';
import { computePodResourceRequest } from './resources.js';
import { startScheduler, type RunningScheduler, type StartSchedulerOptions } from './scheduler.js';
import { makeNode, makePod } from './testing/builders.js';
import type { PodLike } from './types.js';

interface PodObj extends KubeObject {
  spec: { nodeName?: string; containers: { resources?: { requests?: Record<string, string> } }[] };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}
interface EventObj extends KubeObject {
  reason: string;
  message: string;
  type: string;
  count: number;
  involvedObject: { name: string };
  source: { component: string };
  reportingComponent: string;
}

/** Lets the informers, binds and the recorder run until check() passes (no timers involved). */
async function eventually(check: () => void | Promise<void>, tries = 5000): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await check();
      return;
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setImmediate(r));
    }
  }
}

/** Lets background work run for a while, for asserting that something did not happen. */
async function settleIo(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

const node = (name: string, cpu = '4') => makeNode(name).alloc({ cpu, memory: '8Gi', pods: 110 }).obj() as unknown as KubeObject;
const pod = (name: string, cpu = '500m') => makePod(name).req({ cpu, memory: '128Mi' }).obj() as unknown as KubeObject;

let running: RunningScheduler | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function setup(extra: Partial<StartSchedulerOptions> = {}) {
  const clock = new FakeClock();
  const client = createFakeClient({ clock });
  running = await startScheduler({ client, clock, random: () => 0, ...extra });
  return { clock, client, sched: running };
}

async function getPod(client: FakeClient, name: string): Promise<PodObj> {
  return client.get<PodObj>(podResource, name, { namespace: 'default' });
}

async function events(client: FakeClient, reason: string): Promise<EventObj[]> {
  const list = await client.list<EventObj>(eventResource, { namespace: 'default' });
  return list.items.filter((e) => e.reason === reason);
}

const bindActions = (client: FakeClient, name: string) =>
  client.actions.filter((a) => a.subresource === 'binding' && a.name === name).length;

describe('scheduler', () => {
  it('binds a pending pod and records a Scheduled event', async () => {
    const { client } = await setup();
    await client.create(nodeResource, node('n1'));
    await client.create(podResource, pod('web'));
    await eventually(async () => expect((await getPod(client, 'web')).spec.nodeName).toBe('n1'));
    const p = await getPod(client, 'web');
    expect(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    await eventually(async () => expect(await events(client, 'Scheduled')).toHaveLength(1));
    const [ev] = await events(client, 'Scheduled');
    expect(ev).toMatchObject({
      type: 'Normal',
      message: 'Successfully assigned default/web to n1',
      involvedObject: { name: 'web' },
      source: { component: 'default-scheduler' },
      reportingComponent: 'default-scheduler',
    });
    expect(running!.stats()).toMatchObject({ bound: 1, scheduled: 1, bindsInFlight: 0, leader: true });
  });

  it('leaves pods of other schedulers and bound pods alone', async () => {
    const { client } = await setup();
    await client.create(nodeResource, node('n1'));
    await client.create(podResource, { ...pod('other'), spec: { ...(pod('other').spec as object), schedulerName: 'my-scheduler' } });
    await client.create(podResource, { ...pod('sched'), spec: { ...(pod('sched').spec as object), nodeName: 'n1' } });
    await client.create(podResource, pod('mine'));
    await eventually(async () => expect((await getPod(client, 'mine')).spec.nodeName).toBe('n1'));
    await settleIo();
    expect((await getPod(client, 'other')).spec.nodeName).toBeUndefined();
    expect(bindActions(client, 'other') + bindActions(client, 'sched')).toBe(0);
    // The pre-bound pod counts against n1.
    expect(running!.core.snapshot.get('n1')!.requested.milliCPU).toBe(1000);
  });

  it('marks an unschedulable pod, aggregates retries, and binds it once a node fits', async () => {
    const { clock, client } = await setup();
    await client.create(nodeResource, node('small', '1'));
    await client.create(podResource, pod('big', '2'));
    const message =
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
    await eventually(async () => {
      const c = (await getPod(client, 'big')).status?.conditions?.find((x) => x.type === 'PodScheduled');
      expect(c).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
    });
    await eventually(async () => expect(await events(client, 'FailedScheduling')).toMatchObject([{ type: 'Warning', message, count: 1 }]));
    expect(running!.core.queue.whereIs('default/big')).toBe('unschedulable');

    // A node update that could help (allocatable) but does not: a retry, same message.
    await client.updateStatus(nodeResource, { ...node('small', '1'), status: { allocatable: { cpu: '1500m', memory: '8Gi', pods: '110' } } });
    await eventually(() => expect(running!.core.queue.whereIs('default/big')).toBe('backoff'));
    clock.advance(1000);
    await eventually(() => expect(running!.stats().unschedulable).toBe(2));
    await eventually(async () => expect(await events(client, 'FailedScheduling')).toMatchObject([{ message, count: 2 }]));
    const statusPatches = client.actions.filter((a) => a.verb === 'patch' && a.resource === 'pods' && a.subresource === 'status');
    expect(statusPatches).toHaveLength(1);

    // A heartbeat-only node update moves nothing.
    await client.updateStatus(nodeResource, { ...node('small', '1'), status: { allocatable: { cpu: '1500m', memory: '8Gi', pods: '110' }, conditions: [] } });
    await settleIo();
    expect(running!.core.queue.whereIs('default/big')).toBe('unschedulable');

    await client.create(nodeResource, node('large', '4'));
    await eventually(() => expect(running!.core.queue.whereIs('default/big')).toBe('backoff'));
    clock.advance(2000);
    await eventually(async () => expect((await getPod(client, 'big')).spec.nodeName).toBe('large'));
    const c = (await getPod(client, 'big')).status?.conditions?.find((x) => x.type === 'PodScheduled');
    expect(c?.status).toBe('True');
  });

  it('retries a failed bind after the backoff, 1 s then 2 s', async () => {
    const { clock, client } = await setup();
    let failures = 2;
    client.prependReactor((a) => {
      if (a.subresource === 'binding' && failures > 0) {
        failures--;
        return ApiError.from(500, 'etcdserver: request timed out', 'InternalError');
      }
      return undefined;
    });
    await client.create(nodeResource, node('n1'));
    await client.create(podResource, pod('web'));
    await eventually(() => expect(running!.core.queue.whereIs('default/web')).toBe('backoff'));
    expect(bindActions(client, 'web')).toBe(1);
    // The assumed resources were given back.
    expect(running!.core.snapshot.get('n1')!.requested.milliCPU).toBe(0);

    clock.advance(999);
    await settleIo();
    expect(bindActions(client, 'web')).toBe(1);
    clock.advance(1);
    await eventually(() => expect(bindActions(client, 'web')).toBe(2));
    await eventually(() => expect(running!.core.queue.whereIs('default/web')).toBe('backoff'));
    clock.advance(1999);
    await settleIo();
    expect(bindActions(client, 'web')).toBe(2);
    clock.advance(1);
    await eventually(async () => expect((await getPod(client, 'web')).spec.nodeName).toBe('n1'));
    expect(running!.stats()).toMatchObject({ bindErrors: 2, bound: 1 });
  });

  it('drops a pod whose bind conflicts (already assigned)', async () => {
    const { clock, client } = await setup();
    client.prependReactor((a) =>
      a.subresource === 'binding' ? ApiError.from(409, 'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "x"', 'Conflict') : undefined,
    );
    await client.create(nodeResource, node('n1'));
    await client.create(podResource, pod('web'));
    await eventually(() => expect(running!.stats().bindConflicts).toBe(1));
    expect(running!.core.queue.whereIs('default/web')).toBeUndefined();
    expect(running!.core.snapshot.isAssumed((await getPod(client, 'web')).metadata.uid!)).toBe(false);
    clock.advance(60_000);
    await settleIo();
    expect(bindActions(client, 'web')).toBe(1);
  });

  it('forgets a pending pod that is deleted', async () => {
    const { client } = await setup();
    await client.create(podResource, pod('ghost'));
    await eventually(() => expect(running!.stats().unschedulable).toBeGreaterThan(0));
    expect(running!.core.queue.whereIs('default/ghost')).toBe('backoff'); // no nodes: nothing to blame
    await client.delete(podResource, 'ghost', { namespace: 'default' });
    await eventually(() => expect(running!.core.queue.whereIs('default/ghost')).toBeUndefined());
    expect(running!.stats().queue).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
    const [ev] = await events(client, 'FailedScheduling');
    expect(ev?.message).toBe('no nodes available to schedule pods');
  });

  it('binds 1,000 pods over 100 nodes with no node over capacity', async () => {
    const { client } = await setup({ random: undefined });
    for (let i = 0; i < 100; i++) await client.create(nodeResource, node(`n${i}`, '4'));
    // 350m each: 11 fit a 4-CPU node, 1,100 in all.
    for (let i = 0; i < 1000; i++) await client.create(podResource, pod(`p${i}`, '350m'));
    await eventually(() => expect(running!.stats().bound).toBe(1000), 100_000);
    const pods = (await client.list<PodObj>(podResource)).items;
    const perNode = new Map<string, number>();
    for (const p of pods) {
      expect(p.spec.nodeName).toBeTruthy();
      const cpu = computePodResourceRequest(p as unknown as PodLike).milliCPU;
      perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + cpu);
    }
    for (const milli of perNode.values()) expect(milli).toBeLessThanOrEqual(4000);
    expect(perNode.size).toBeGreaterThan(90);
  });

  it('schedules only while holding the kube-scheduler lease', async () => {
    const { client } = await setup({ leaderElect: true, identity: 'me' });
    await eventually(async () => {
      const lease = await client.get<KubeObject & { spec: { holderIdentity: string } }>(leaseResource, 'kube-scheduler', { namespace: 'kube-system' });
      expect(lease.spec.holderIdentity).toBe('me');
    });
    await client.create(nodeResource, node('n1'));
    await client.create(podResource, pod('web'));
    await eventually(async () => expect((await getPod(client, 'web')).spec.nodeName).toBe('n1'));
    expect(running!.stats().leader).toBe(true);
  });

  it('waits while another candidate holds the lease', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    await client.create(leaseResource, {
      metadata: { name: 'kube-scheduler', namespace: 'kube-system' },
      spec: { holderIdentity: 'other', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00.000000Z' },
    });
    running = await startScheduler({ client, clock, leaderElect: true, identity: 'me' });
    await client.create(nodeResource, node('n1'));
    await client.create(podResource, pod('web'));
    await eventually(() => expect(running!.stats().queue.active).toBe(1));
    await settleIo();
    expect(running!.stats()).toMatchObject({ leader: false, attempts: 0 });
    expect(bindActions(client, 'web')).toBe(0);
  });
});
