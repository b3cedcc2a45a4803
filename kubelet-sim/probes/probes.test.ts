import { afterEach, describe, expect, it } from 'vitest';
import { eventResource } from '../../api/core/event.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { flush, step } from '../../client/testing.js';
import { startTestSim, stopTestSims, type TestSim } from '../testing.js';

/**
 * Probes in the running simulator on a FakeClock (testing.ts: containers start 1.4 s after
 * the pod is created): readiness drives `ready` and the Ready condition, liveness kills
 * and restarts, startup gates both, readiness gates hold Ready back.
 */

const STARTED = 1400;
afterEach(stopTestSims);

async function create(h: TestSim, name: string, containers: unknown[], extra: { annotations?: Record<string, string>; readinessGates?: unknown[]; restartPolicy?: string } = {}): Promise<void> {
  await h.client.create(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { nodeName: h.sim.nodeNames[0], restartPolicy: extra.restartPolicy ?? 'Always', containers, ...(extra.readinessGates ? { readinessGates: extra.readinessGates } : {}) },
  } as KubeObject);
  await flush(10);
}

const pod = (h: TestSim, name: string) => h.client.get<Pod>(podResource, name, { namespace: 'default' });
const cond = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);
const annotate = (h: TestSim, name: string, value: string | null) =>
  h.client.patch(podResource, name, { metadata: { annotations: { 'kubeling.io/unhealthy': value } } }, { type: 'merge', namespace: 'default' });
async function events(h: TestSim, name: string) {
  const list = (await h.client.list(eventResource, { namespace: 'default' })).items as Array<{ reason?: string; type?: string; message?: string; count?: number; involvedObject?: { name?: string; fieldPath?: string } }>;
  return list.filter((e) => e.involvedObject?.name === name);
}

const web = (probes: Record<string, unknown>) => ({ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }], ...probes });

describe('readiness', () => {
  it('a failing readiness probe keeps the container unready (Unhealthy events); once it passes the pod is Ready', async () => {
    const h = await startTestSim(1);
    await create(h, 'r', [web({ readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 2 } })], { annotations: { 'kubeling.io/unhealthy': 'readiness' } });
    await step(h.clock, STARTED + 5000, 100);
    let p = await pod(h, 'r');
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ ready: false, started: true });
    expect(cond(p, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' });
    expect(cond(p, 'ContainersReady')).toMatchObject({ status: 'False' });
    const unhealthy = (await events(h, 'r')).find((e) => e.reason === 'Unhealthy');
    expect(unhealthy).toMatchObject({ type: 'Warning', message: 'Readiness probe failed: HTTP probe failed with statuscode: 500', involvedObject: { fieldPath: 'spec.containers{web}' } });

    await annotate(h, 'r', null);
    await step(h.clock, 2500, 100);
    p = await pod(h, 'r');
    expect(p.status?.containerStatuses?.[0]?.ready).toBe(true);
    expect(cond(p, 'Ready')?.status).toBe('True');
    expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(0);

    // failureThreshold (3) failures in a row make it unready again, without a restart.
    await annotate(h, 'r', 'readiness');
    await step(h.clock, 3900, 100);
    expect((await pod(h, 'r')).status?.containerStatuses?.[0]?.ready).toBe(true);
    await step(h.clock, 2500, 100);
    p = await pod(h, 'r');
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ ready: false, restartCount: 0 });
  });

  it('readiness gates: Ready waits for the gate condition that another controller sets', async () => {
    const h = await startTestSim(1);
    await create(h, 'g', [web({})], { readinessGates: [{ conditionType: 'example.com/feature-1' }] });
    await step(h.clock, STARTED + 500, 100);
    let p = await pod(h, 'g');
    expect(cond(p, 'ContainersReady')?.status).toBe('True');
    expect(cond(p, 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "example.com/feature-1" does not exist.' });
    const conditions = [...(p.status?.conditions ?? []), { type: 'example.com/feature-1', status: 'False' }];
    await h.client.patch(podResource, 'g', { status: { conditions } }, { type: 'merge', subresource: 'status', namespace: 'default' });
    await step(h.clock, 500, 100);
    p = await pod(h, 'g');
    expect(cond(p, 'Ready')).toMatchObject({ status: 'False', message: 'the status of pod readiness gate "example.com/feature-1" is not "True", but False' });
    const on = (p.status?.conditions ?? []).map((c) => (c.type === 'example.com/feature-1' ? { ...c, status: 'True' } : c));
    await h.client.patch(podResource, 'g', { status: { conditions: on } }, { type: 'merge', subresource: 'status', namespace: 'default' });
    await step(h.clock, 500, 100);
    p = await pod(h, 'g');
    expect(cond(p, 'Ready')?.status).toBe('True');
    expect(cond(p, 'example.com/feature-1')?.status).toBe('True');
  });
});

describe('liveness and startup', () => {
  it("a liveness probe failing failureThreshold times kills the container: Killing, a restart, lastState 137", async () => {
    const h = await startTestSim(1);
    await create(h, 'l', [web({ livenessProbe: { httpGet: { path: '/healthz', port: 80 }, initialDelaySeconds: 3, periodSeconds: 3 } })]);
    // nginx answers /healthz with 404: probes at 3, 6 and 9 s fail; the third kills.
    await step(h.clock, STARTED + 8500, 100);
    expect((await pod(h, 'l')).status?.containerStatuses?.[0]?.restartCount).toBe(0);
    await step(h.clock, 1000, 100);
    const s = (await pod(h, 'l')).status?.containerStatuses?.[0];
    expect(s?.restartCount).toBe(1);
    expect(s?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    const ev = await events(h, 'l');
    expect(ev.find((e) => e.reason === 'Unhealthy')).toMatchObject({ type: 'Warning', message: 'Liveness probe failed: HTTP probe failed with statuscode: 404' });
    expect(ev.find((e) => e.reason === 'Killing')).toMatchObject({ type: 'Normal', message: 'Container web failed liveness probe, will be restarted' });
  });

  it("a failed node's kubelet probes nothing; once it recovers, probing goes on", async () => {
    const h = await startTestSim(1);
    await create(h, 'frozen', [web({ livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1, failureThreshold: 2 } })], { annotations: { 'kubeling.io/unhealthy': 'liveness' } });
    await step(h.clock, STARTED + 100, 100);
    h.sim.failNode(h.sim.nodeNames[0]!);
    await step(h.clock, 5000, 100);
    expect((await events(h, 'frozen')).some((e) => e.reason === 'Killing')).toBe(false);
    h.sim.recoverNode(h.sim.nodeNames[0]!);
    await step(h.clock, 3000, 100);
    expect((await events(h, 'frozen')).find((e) => e.reason === 'Killing')?.message).toBe('Container web failed liveness probe, will be restarted');
  });

  it('the exec liveness tutorial: cat /tmp/healthy passes until the command removes the file', async () => {
    const h = await startTestSim(1);
    await create(h, 'liveness-exec', [
      {
        name: 'liveness',
        image: 'registry.k8s.io/busybox:1.27.2',
        args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
        livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5 },
      },
    ]);
    await step(h.clock, STARTED + 34_000, 200);
    expect((await events(h, 'liveness-exec')).some((e) => e.reason === 'Unhealthy')).toBe(false);
    await step(h.clock, 12_000, 200);
    const ev = await events(h, 'liveness-exec');
    expect(ev.find((e) => e.reason === 'Unhealthy')?.message).toBe("Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n");
    expect(ev.find((e) => e.reason === 'Killing')?.message).toBe('Container liveness failed liveness probe, will be restarted');
    expect((await pod(h, 'liveness-exec')).status?.containerStatuses?.[0]?.restartCount).toBe(1);
  });

  it('a startup probe holds readiness and liveness back until it passes; started follows it', async () => {
    const h = await startTestSim(1);
    await create(
      h,
      's',
      [
        web({
          startupProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 30 },
          readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 10 },
          livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1, failureThreshold: 1 },
        }),
      ],
      { annotations: { 'kubeling.io/unhealthy': 'startup,liveness' } },
    );
    await step(h.clock, STARTED + 5000, 100);
    let p = await pod(h, 's');
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ started: false, ready: false, restartCount: 0 });
    expect((await events(h, 's')).find((e) => e.reason === 'Unhealthy')?.message).toBe('Startup probe failed: dial tcp ' + p.status?.podIP + ':80: i/o timeout');
    // Startup passes: readiness is probed at once; liveness (still failing) then kills.
    await annotate(h, 's', 'liveness');
    await step(h.clock, 1100, 100);
    p = await pod(h, 's');
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ started: true, ready: true });
    await step(h.clock, 1500, 100);
    expect((await events(h, 's')).find((e) => e.reason === 'Killing')?.message).toBe('Container web failed liveness probe, will be restarted');
  });

  it('a startup probe that never passes kills the container', async () => {
    const h = await startTestSim(1);
    await create(h, 'never', [web({ startupProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1, failureThreshold: 2 } })], { restartPolicy: 'Never' });
    await step(h.clock, STARTED + 1500, 100);
    const p = await pod(h, 'never');
    expect(p.status?.phase).toBe('Failed');
    expect(p.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 137 });
    expect((await events(h, 'never')).find((e) => e.reason === 'Killing')?.message).toBe('Container web failed startup probe, will be restarted');
  });
});
