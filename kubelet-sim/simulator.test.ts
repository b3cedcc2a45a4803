import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeResource, type Node } from '../api/core/node.js';
import { podResource, type Pod } from '../api/core/pod.js';
import { eventResource } from '../api/core/event.js';
import { leaseResource, type Lease } from '../api/coordination/lease.js';
import type { KubeObject } from '../api/types.js';
import { createFakeClient, type FakeClient } from '../client/fake-client.js';
import type { RestClient } from '../client/rest-client.js';
import { flush, step } from '../client/testing.js';
import { FakeClock } from '../lib/clock.js';
import { startKubeletSim, type KubeletSim, type KubeletSimOptions } from './index.js';
import { parseCidr, IpAllocator } from './ip-allocator.js';

const T0 = Date.UTC(2026, 0, 1);
const HOLD = 'kubeling.io/test-hold';

interface Harness {
  clock: FakeClock;
  client: FakeClient;
  sim: KubeletSim;
  /** The client the kubelet-sim uses: the fake, whose delete emulates the apiserver's final removal. */
  deletes: Array<{ name: string; gracePeriodSeconds?: number; uid?: string }>;
}

const running: KubeletSim[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

/**
 * A kubelet-sim on a fake client. The fake has no graceful pod deletion, so tests mark
 * pods for deletion themselves (markDeleted, with a finalizer that holds the object) and
 * the kubelet's final delete (grace 0) removes the finalizer, as the apiserver would.
 */
async function harness(opts: Partial<KubeletSimOptions> = {}, existing?: { clock: FakeClock; client: FakeClient }): Promise<Harness> {
  const clock = existing?.clock ?? new FakeClock(T0);
  const client = existing?.client ?? createFakeClient({ clock });
  const deletes: Harness['deletes'] = [];
  const kubeletClient: RestClient = {
    ...client,
    async delete<T extends KubeObject>(ref: Parameters<RestClient['delete']>[0], name: string, o: Parameters<RestClient['delete']>[2] = {}) {
      deletes.push({ name, gracePeriodSeconds: o.gracePeriodSeconds, uid: o.preconditions?.uid });
      const live = await client.get(ref, name, { namespace: o.namespace });
      if (live.metadata.finalizers?.includes(HOLD)) {
        live.metadata.finalizers = live.metadata.finalizers.filter((f) => f !== HOLD);
        return (await client.update(ref, live, { namespace: o.namespace })) as T;
      }
      return client.delete<T>(ref, name, o);
    },
  };
  const sim = await startKubeletSim({
    client: kubeletClient,
    nodes: 3,
    clock,
    random: () => 0,
    qps: 100_000,
    burst: 100_000,
    ...opts,
  });
  running.push(sim);
  await flush(20);
  return { clock, client, sim, deletes };
}

const node = (h: Harness, name: string) => h.client.get<Node>(nodeResource, name);
const pod = (h: Harness, name: string) => h.client.get<Pod>(podResource, name, { namespace: 'default' });

async function setPodCIDR(h: Harness, name: string, cidr: string): Promise<void> {
  await h.client.patch(nodeResource, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, { type: 'merge' });
  await flush(10);
}

async function createPod(h: Harness, name: string, nodeName: string, over: { annotations?: Record<string, string>; spec?: Record<string, unknown> } = {}): Promise<void> {
  await h.client.create(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations: over.annotations },
    spec: { nodeName, restartPolicy: 'Always', terminationGracePeriodSeconds: 30, containers: [{ name: 'app', image: 'nginx:1.27' }], ...over.spec },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  } as KubeObject);
  await flush(10);
}

/** What the apiserver does on a graceful DELETE: deletionTimestamp = now + grace (held by a finalizer here). */
async function markDeleted(h: Harness, name: string, graceSeconds: number): Promise<void> {
  const p = await pod(h, name);
  p.metadata.finalizers = [...(p.metadata.finalizers ?? []), HOLD];
  p.metadata.deletionTimestamp = new Date(h.clock.now() + graceSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  p.metadata.deletionGracePeriodSeconds = graceSeconds;
  await h.client.update(podResource, p as KubeObject);
  await flush(10);
}

const leaseRenewals = (h: Harness, name: string) =>
  h.client.actions.filter((a) => a.resource === 'leases' && (a.verb === 'update' || a.verb === 'create') && a.name === name).length;
const statusReports = (h: Harness, name: string) =>
  h.client.actions.filter((a) => a.resource === 'nodes' && a.verb === 'patch' && a.subresource === 'status' && a.name === name).length;

describe('node registration', () => {
  it('registers each node with the fields kubectl and the scheduler read', async () => {
    const h = await harness();
    const n = await node(h, 'kubeling-node-1');
    expect(n.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': 'kubeling-node-1',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'node.kubernetes.io/instance-type': 'kubeling.standard',
    });
    expect(n.metadata.annotations?.['kubeling.io/kubelet-endpoint']).toBe(`127.0.0.1:${h.sim.port}`);
    expect(n.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(h.sim.port);
    expect(n.status?.addresses).toEqual([
      { type: 'InternalIP', address: '10.0.0.11' },
      { type: 'ExternalIP', address: '198.18.0.2' },
      { type: 'Hostname', address: 'kubeling-node-1' },
    ]);
    expect(n.status?.nodeInfo).toMatchObject({
      kubeletVersion: 'v1.32.0-kubeling',
      containerRuntimeVersion: 'containerd://1.7.24',
      operatingSystem: 'linux',
      architecture: 'amd64',
    });
    expect(n.status?.capacity).toMatchObject({ cpu: '8', memory: '32Gi', pods: '110' });
    expect(n.status?.allocatable?.pods).toBe('110');
    expect(n.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'NetworkUnavailable=False',
      'MemoryPressure=False',
      'DiskPressure=False',
      'PIDPressure=False',
      'Ready=True',
    ]);
    const lease = await h.client.get(leaseResource, 'kubeling-node-1', { namespace: 'kube-node-lease' });
    expect(lease.spec).toMatchObject({ holderIdentity: 'kubeling-node-1', leaseDurationSeconds: 40 });
    expect(lease.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'kubeling-node-1', uid: n.metadata.uid }]);
    // Every node got its own InternalIP.
    const ips = await Promise.all(h.sim.nodeNames.map(async (name) => (await node(h, name)).status!.addresses![0]!.address));
    expect(new Set(ips).size).toBe(3);
  });

  it('applies a template: capacity, labels, taints', async () => {
    const h = await harness({
      nodes: 1,
      namePrefix: 'gpu-',
      template: { capacity: { cpu: '64', 'nvidia.com/gpu': '8' }, labels: { pool: 'gpu' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] },
    });
    const n = await node(h, 'gpu-0');
    expect(n.status?.capacity).toMatchObject({ cpu: '64', 'nvidia.com/gpu': '8', memory: '32Gi' });
    expect(n.metadata.labels?.pool).toBe('gpu');
    expect(n.spec?.taints).toEqual([{ key: 'gpu', value: 'true', effect: 'NoSchedule' }]);
  });

  it('takes over an existing Node on restart instead of failing', async () => {
    const first = await harness({ nodes: 1 });
    await first.sim.stop();
    const h = await harness({ nodes: 1 }, first);
    const n = await node(h, 'kubeling-node-0');
    expect(n.metadata.annotations?.['kubeling.io/kubelet-endpoint']).toBe(`127.0.0.1:${h.sim.port}`);
    expect(n.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(h.sim.port);
  });
});

describe('heartbeats', () => {
  it('renews the Lease every 10 s and reports status every 5 min, not more', async () => {
    const h = await harness();
    // With its podCIDR, as node IPAM gives it at once: a node still without one reports
    // NetworkUnavailable 30 s after registering (a status change, tested elsewhere).
    await setPodCIDR(h, 'kubeling-node-2', '100.96.2.0/24');
    const leases0 = leaseRenewals(h, 'kubeling-node-2');
    const reports0 = statusReports(h, 'kubeling-node-2');
    await step(h.clock, 60_000, 500);
    expect(leaseRenewals(h, 'kubeling-node-2') - leases0).toBe(6);
    expect(statusReports(h, 'kubeling-node-2') - reports0).toBe(0);
    await step(h.clock, 250_000, 1000);
    expect(statusReports(h, 'kubeling-node-2') - reports0).toBe(1);
    const lease = await h.client.get<Lease>(leaseResource, 'kubeling-node-2', { namespace: 'kube-node-lease' });
    expect(Date.parse(lease.spec!.renewTime!)).toBeGreaterThan(T0 + 300_000);
  });

  it('spreads the nodes over the interval instead of renewing them together', async () => {
    const h = await harness({ nodes: 4 });
    const times = new Map<string, number>();
    const seen = h.client.actions.length;
    for (let t = 0; t < 10_000; t += 500) {
      await step(h.clock, 500, 500);
      for (const a of h.client.actions.slice(seen)) if (a.resource === 'leases' && !times.has(a.name!)) times.set(a.name!, t);
    }
    expect(new Set(times.values()).size).toBe(4);
  });

  it('a node left without a podCIDR reports its network not ready, and Ready as soon as it gets one', async () => {
    const h = await harness({ nodes: 1 });
    const cond = async (type: string) => (await node(h, 'kubeling-node-0')).status!.conditions!.find((c) => c.type === type)!;
    expect((await cond('Ready')).status).toBe('True');
    // Past the grace for the IPAM controller's first assignment (30 s) and the next sync.
    await step(h.clock, 41_000, 1000);
    expect(await cond('Ready')).toMatchObject({
      status: 'False',
      reason: 'KubeletNotReady',
      message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
    });
    expect(await cond('NetworkUnavailable')).toMatchObject({ status: 'True', reason: 'NoRouteCreated' });
    // A CIDR freed elsewhere reaches it: reported at once, not at the next 10 s sync.
    await setPodCIDR(h, 'kubeling-node-0', '100.96.0.0/24');
    await step(h.clock, 100, 100);
    expect(await cond('Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(await cond('NetworkUnavailable')).toMatchObject({ status: 'False', reason: 'RouteCreated' });
  });

  it('corrects a Ready=Unknown written by someone else at the next sync', async () => {
    const h = await harness({ nodes: 1 });
    const n = await node(h, 'kubeling-node-0');
    n.status!.conditions = n.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c));
    await h.client.updateStatus(nodeResource, n as KubeObject);
    await step(h.clock, 11_000, 500);
    expect((await node(h, 'kubeling-node-0')).status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
  });

  it('fail stops lease renewal and status updates; recover resumes them', async () => {
    const h = await harness();
    h.sim.failNode('kubeling-node-0');
    const before = leaseRenewals(h, 'kubeling-node-0');
    const other = leaseRenewals(h, 'kubeling-node-1');
    await step(h.clock, 60_000, 1000);
    expect(leaseRenewals(h, 'kubeling-node-0')).toBe(before);
    expect(leaseRenewals(h, 'kubeling-node-1')).toBeGreaterThan(other);
    h.sim.recoverNode('kubeling-node-0');
    await flush(20);
    expect(leaseRenewals(h, 'kubeling-node-0')).toBe(before + 1);
    expect(() => h.sim.failNode('nope')).toThrow(/not simulated/);
  });
});

describe('pod lifecycle', () => {
  it('takes a pod from Pending through ContainerCreating to Running with an IP in the podCIDR', async () => {
    const h = await harness();
    await setPodCIDR(h, 'kubeling-node-0', '100.96.0.0/24');
    await createPod(h, 'web', 'kubeling-node-0');
    await step(h.clock, 100, 50);
    let p = await pod(h, 'web');
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(p.status?.hostIP).toBe('10.0.0.10');
    expect(p.status?.startTime).toBeDefined();
    await step(h.clock, 3000, 100);
    p = await pod(h, 'web');
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.podIP).toBe('100.96.0.2');
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ ready: true, started: true, restartCount: 0 });
    expect(h.sim.podState('default/web')).toBe('Running');
    const events = (await h.client.list(eventResource, { namespace: 'default' })).items.map((e) => e.reason);
    expect(events).toEqual(expect.arrayContaining(['Pulling', 'Pulled', 'Created', 'Started']));
  });

  it('waits for the node podCIDR (IPAM) before creating the sandbox', async () => {
    const h = await harness();
    await createPod(h, 'early', 'kubeling-node-1');
    await step(h.clock, 5000, 250);
    expect((await pod(h, 'early')).status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    await setPodCIDR(h, 'kubeling-node-1', '100.96.1.0/24');
    await step(h.clock, 3000, 100);
    expect((await pod(h, 'early')).status).toMatchObject({ phase: 'Running', podIP: '100.96.1.2' });
  });

  it('gives hostNetwork pods the node IP without using the range', async () => {
    const h = await harness();
    await setPodCIDR(h, 'kubeling-node-0', '100.96.0.0/24');
    await createPod(h, 'hostnet', 'kubeling-node-0', { spec: { hostNetwork: true } });
    await createPod(h, 'normal', 'kubeling-node-0');
    await step(h.clock, 3000, 100);
    expect((await pod(h, 'hostnet')).status?.podIP).toBe('10.0.0.10');
    expect((await pod(h, 'normal')).status?.podIP).toBe('100.96.0.2');
  });

  it('honours restartPolicy: Always restarts with a back-off, Never fails', async () => {
    const h = await harness();
    await setPodCIDR(h, 'kubeling-node-0', '100.96.0.0/24');
    const crash = { 'kubeling.io/exit-after': '5s', 'kubeling.io/exit-code': '1' };
    await createPod(h, 'always', 'kubeling-node-0', { annotations: crash });
    await createPod(h, 'never', 'kubeling-node-0', { annotations: crash, spec: { restartPolicy: 'Never' } });
    await step(h.clock, 9000, 250);
    const never = await pod(h, 'never');
    expect(never.status?.phase).toBe('Failed');
    expect(never.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    let always = await pod(h, 'always');
    expect(always.status?.phase).toBe('Running');
    expect(always.status?.containerStatuses?.[0]).toMatchObject({ restartCount: 1, lastState: { terminated: { exitCode: 1 } } });
    await step(h.clock, 6000, 250);
    always = await pod(h, 'always');
    expect(always.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    await step(h.clock, 10_000, 250);
    always = await pod(h, 'always');
    expect(always.status?.containerStatuses?.[0]).toMatchObject({ restartCount: 2, ready: true });
    // The IP of the finished pod went back to the range.
    await createPod(h, 'next', 'kubeling-node-0');
    await step(h.clock, 3000, 100);
    expect((await pod(h, 'next')).status?.podIP).not.toBe((await pod(h, 'always')).status?.podIP);
  });

  it('terminates gracefully: containers stop within the grace period, then the kubelet deletes with grace 0', async () => {
    // Containers would take 10 s to stop; the 2 s grace period cuts that short.
    const h = await harness({ stages: { stages: [{ name: 'pod-stop', delay: { ms: 10_000, jitterMs: 0 } }] } });
    await setPodCIDR(h, 'kubeling-node-0', '100.96.0.0/24');
    await createPod(h, 'web', 'kubeling-node-0');
    await step(h.clock, 3000, 100);
    const uid = (await pod(h, 'web')).metadata.uid;
    await markDeleted(h, 'web', 2);
    await step(h.clock, 1500, 50);
    expect(h.sim.podState('default/web')).toBe('Running');
    expect(h.deletes).toEqual([]);
    await step(h.clock, 1000, 50);
    expect(h.deletes).toEqual([{ name: 'web', gracePeriodSeconds: 0, uid }]);
    await expect(pod(h, 'web')).rejects.toThrow(/not found/);
    expect(h.sim.podState('default/web')).toBeUndefined();
  });

  it('never hands out a duplicate IP: exhaustion leaves the pod in ContainerCreating with a warning until an IP frees up', async () => {
    const h = await harness();
    await setPodCIDR(h, 'kubeling-node-2', '100.96.2.0/29'); // 5 usable addresses
    for (let i = 0; i < 6; i++) await createPod(h, `p${i}`, 'kubeling-node-2');
    await step(h.clock, 4000, 100);
    const pods = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => pod(h, `p${i}`)));
    const ips = pods.map((p) => p.status?.podIP).filter(Boolean) as string[];
    expect(ips).toHaveLength(5);
    expect(new Set(ips).size).toBe(5);
    const range = new IpAllocator(parseCidr('100.96.2.0/29')!);
    for (const ip of ips) expect(range.contains(ip)).toBe(true);
    const stuck = pods.find((p) => !p.status?.podIP)!;
    expect(stuck.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    const warnings = (await h.client.list(eventResource, { namespace: 'default' })).items.filter((e) => e.reason === 'FailedCreatePodSandBox');
    expect(warnings[0]).toMatchObject({ type: 'Warning', involvedObject: { name: stuck.metadata.name } });
    expect(String(warnings[0]!.message)).toContain('no IP addresses available in range set: 100.96.2.1-100.96.2.6');
    // Release: a pod goes, its IP serves the stuck one.
    const victim = pods.find((p) => p.status?.podIP)!;
    await h.client.delete(podResource, victim.metadata.name!, { namespace: 'default' });
    await step(h.clock, 15_000, 250);
    const now = await pod(h, stuck.metadata.name!);
    expect(now.status).toMatchObject({ phase: 'Running', podIP: victim.status!.podIP });
  });

  it('rebuilds IP allocations from existing pods after a restart', async () => {
    const first = await harness({ nodes: 1 });
    await setPodCIDR(first, 'kubeling-node-0', '100.96.0.0/24');
    await createPod(first, 'a', 'kubeling-node-0');
    await step(first.clock, 3000, 100);
    const ipA = (await pod(first, 'a')).status?.podIP;
    await first.sim.stop();
    const h = await harness({ nodes: 1 }, first);
    expect(h.sim.podState('default/a')).toBe('Running');
    await createPod(h, 'b', 'kubeling-node-0');
    await step(h.clock, 3000, 100);
    const ipB = (await pod(h, 'b')).status?.podIP;
    expect(ipA).toBe('100.96.0.2');
    expect(ipB).toBe('100.96.0.3');
  });

  it('freezes the pods of a failed node and resumes them on recover', async () => {
    const h = await harness();
    await setPodCIDR(h, 'kubeling-node-0', '100.96.0.0/24');
    h.sim.failNode('kubeling-node-0');
    await createPod(h, 'frozen', 'kubeling-node-0');
    await step(h.clock, 5000, 250);
    expect((await pod(h, 'frozen')).status?.startTime).toBeUndefined();
    h.sim.recoverNode('kubeling-node-0');
    await step(h.clock, 3000, 100);
    expect((await pod(h, 'frozen')).status?.phase).toBe('Running');
  });
});

describe('log and control server', () => {
  const get = async (h: Harness, path: string) => {
    const res = await fetch(`http://127.0.0.1:${h.sim.port}${path}`);
    return { code: res.status, body: await res.text() };
  };

  it('serves container logs and the kubelet errors over loopback HTTP', async () => {
    const h = await harness();
    await setPodCIDR(h, 'kubeling-node-0', '100.96.0.0/24');
    await createPod(h, 'web', 'kubeling-node-0');
    await step(h.clock, 100, 50);
    expect(await get(h, '/containerLogs/default/web/app')).toEqual({
      code: 400,
      body: 'container "app" in pod "web" is waiting to start: ContainerCreating',
    });
    await step(h.clock, 25_000, 500);
    const logs = await get(h, '/containerLogs/default/web/app?tailLines=1');
    expect(logs.code).toBe(200);
    expect(logs.body).toMatch(/^kubeling-sim: container "app" heartbeat 2 \(up 20s\)\n$/);
    expect((await get(h, '/containerLogs/default/nope/app')).code).toBe(404);
  });

  it('follows a running container: new lines as the clock moves, the end when it is stopped', async () => {
    // Delays pinned here (not the defaults): sandbox 400 ms + pull 800 ms + start 200 ms.
    const pinned = [
      { name: 'pod-stop', delay: { ms: 500, jitterMs: 0 } },
      { name: 'pod-sandbox', delay: { ms: 400, jitterMs: 0 } },
      { name: 'container-start', delay: { ms: 200, jitterMs: 0 } },
    ];
    const h = await harness({ stages: { stages: pinned } });
    await setPodCIDR(h, 'kubeling-node-0', '100.96.0.0/24');
    await createPod(h, 'web', 'kubeling-node-0', { annotations: { 'kubeling.io/log-interval': '1s' } });
    await step(h.clock, 3000, 100);
    const res = await new Promise<http.IncomingMessage>((resolve) => http.get(`http://127.0.0.1:${h.sim.port}/containerLogs/default/web/app?follow=true&tailLines=0`, resolve));
    let body = '';
    res.on('data', (c: Buffer) => (body += c.toString()));
    const ended = new Promise((resolve) => res.on('end', resolve));
    const until = async (what: string) => {
      for (let i = 0; i < 500 && !body.includes(what); i++) await new Promise((r) => setImmediate(r));
      expect(body).toContain(what);
    };
    // Running since 1.4 s (stage delays with no jitter): heartbeat 1 went out at 2.4 s, before the follow.
    await step(h.clock, 1000, 100);
    await until('heartbeat 2 (up 2s)');
    expect(body).not.toContain('heartbeat 1 ');
    await step(h.clock, 1000, 100);
    await until('heartbeat 3 (up 3s)');
    await markDeleted(h, 'web', 30);
    await step(h.clock, 1000, 100);
    await until('received SIGTERM, shutting down');
    await ended;
    expect(body.trim().split('\n')).toEqual([
      'kubeling-sim: container "app" heartbeat 2 (up 2s)',
      'kubeling-sim: container "app" heartbeat 3 (up 3s)',
      'kubeling-sim: container "app" heartbeat 4 (up 4s)', // at 5.4 s; the stop comes at 5.5 s
      'kubeling-sim: container "app" received SIGTERM, shutting down',
    ]);
  });

  it('fails and recovers nodes through POST /nodes/<name>/fail|recover', async () => {
    const h = await harness();
    const post = (path: string) => fetch(`http://127.0.0.1:${h.sim.port}${path}`, { method: 'POST' });
    expect((await post('/nodes/kubeling-node-1/fail')).status).toBe(200);
    const before = leaseRenewals(h, 'kubeling-node-1');
    await step(h.clock, 30_000, 1000);
    expect(leaseRenewals(h, 'kubeling-node-1')).toBe(before);
    const list = JSON.parse((await get(h, '/nodes')).body) as { nodes: Array<{ name: string; failed: boolean }> };
    expect(list.nodes.find((n) => n.name === 'kubeling-node-1')?.failed).toBe(true);
    expect((await post('/nodes/kubeling-node-1/recover')).status).toBe(200);
    await flush(20);
    expect(leaseRenewals(h, 'kubeling-node-1')).toBeGreaterThan(before);
    expect((await post('/nodes/nope/fail')).status).toBe(404);
  });
});
