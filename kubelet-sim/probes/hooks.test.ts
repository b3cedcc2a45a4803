import { afterEach, describe, expect, it } from 'vitest';
import { eventResource } from '../../api/core/event.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { flush, step } from '../../client/testing.js';
import { startTestSim, stopTestSims, type TestSim } from '../testing.js';

/** postStart and preStop hooks in the running simulator on a FakeClock (containers start 1.4 s after creation). */

const STARTED = 1400;
afterEach(stopTestSims);

async function create(h: TestSim, name: string, container: Record<string, unknown>, grace?: number): Promise<void> {
  await h.client.create(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: h.sim.nodeNames[0], restartPolicy: 'Always', containers: [{ name: 'app', image: 'busybox:1.36', ...container }], ...(grace !== undefined ? { terminationGracePeriodSeconds: grace } : {}) },
  } as KubeObject);
  await flush(10);
}
const getPod = (h: TestSim, name: string) => h.client.get<Pod>(podResource, name, { namespace: 'default' });
/** The kubelet has not stopped the pod's containers yet. */
const exists = async (h: TestSim, name: string) => h.sim.podState(`default/${name}`) === 'Running';
async function events(h: TestSim, name: string) {
  return ((await h.client.list(eventResource, { namespace: 'default' })).items as Array<{ reason?: string; type?: string; message?: string; involvedObject?: { name?: string } }>).filter((e) => e.involvedObject?.name === name);
}
/**
 * What the apiserver does on a graceful delete: deletionTimestamp = now + grace (the fake
 * client deletes at once, and removes an object with a deletionTimestamp and no finalizer,
 * so a test finalizer keeps it; the kubelet's progress is read from its own state).
 */
async function gracefulDelete(h: TestSim, name: string, graceSeconds: number): Promise<void> {
  const at = new Date(h.clock.now() + graceSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  await h.client.patch(podResource, name, { metadata: { deletionTimestamp: at, deletionGracePeriodSeconds: graceSeconds, finalizers: ['test.kubeling.io/hold'] } }, { type: 'merge', namespace: 'default' });
  await flush(10);
}
const logs = async (h: TestSim, name: string) => (await fetch(`http://127.0.0.1:${h.sim.port}/containerLogs/default/${name}/app`)).text();

describe('postStart', () => {
  it('runs in the container right after it starts (the main command sees its file)', async () => {
    const h = await startTestSim(1);
    await create(h, 'greeter', {
      command: ['sh', '-c', 'sleep 1; cat /tmp/message; while true; do sleep 60; done'],
      lifecycle: { postStart: { exec: { command: ['/bin/sh', '-c', 'echo Hello from the postStart handler > /tmp/message'] } } },
    });
    await step(h.clock, STARTED + 1500, 100);
    expect(await logs(h, 'greeter')).toBe('Hello from the postStart handler\n');
  });

  it('a failing postStart hook: FailedPostStartHook, Killing, and a restart', async () => {
    const h = await startTestSim(1);
    await create(h, 'bad-start', { command: ['sleep', '3600'], lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo boom; exit 1'] } } } });
    await step(h.clock, STARTED + 300, 100);
    const p = await getPod(h, 'bad-start');
    expect(p.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(1);
    const ev = await events(h, 'bad-start');
    expect(ev.find((e) => e.reason === 'FailedPostStartHook')).toMatchObject({
      type: 'Warning',
      message: `Exec lifecycle hook ([sh -c echo boom; exit 1]) for Container "app" in Pod "bad-start_default(${p.metadata.uid})" failed - error: command 'sh -c echo boom; exit 1' exited with 1: boom\n, message: "boom\\n"`,
    });
    expect(ev.find((e) => e.reason === 'Killing' && e.message === 'FailedPostStartHook')).toBeDefined();
  });
});

describe('preStop', () => {
  it('runs before the containers stop: a sleep hook holds the pod within its grace period', async () => {
    const h = await startTestSim(1);
    await create(h, 'draining', { command: ['sleep', '3600'], lifecycle: { preStop: { sleep: { seconds: 5 } } } }, 30);
    await step(h.clock, STARTED + 200, 100);
    await gracefulDelete(h, 'draining', 30);
    await step(h.clock, 4500, 100);
    expect(await exists(h, 'draining')).toBe(true);
    expect((await getPod(h, 'draining')).status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    await step(h.clock, 3000, 100);
    expect(await exists(h, 'draining')).toBe(false);
  });

  it('a hook longer than the grace period is cut at the grace period', async () => {
    const h = await startTestSim(1);
    await create(h, 'slow', { command: ['sleep', '3600'], lifecycle: { preStop: { exec: { command: ['sleep', '600'] } } } }, 3);
    await step(h.clock, STARTED + 200, 100);
    await gracefulDelete(h, 'slow', 3);
    // deletionTimestamp has whole seconds: the grace left is 2–3 s.
    await step(h.clock, 1500, 100);
    expect(await exists(h, 'slow')).toBe(true);
    await step(h.clock, 2000, 100);
    expect(await exists(h, 'slow')).toBe(false);
  });

  it('a failing preStop hook: FailedPreStopHook, and the pod still goes', async () => {
    const h = await startTestSim(1);
    await create(h, 'bad-stop', { command: ['sleep', '3600'], lifecycle: { preStop: { httpGet: { path: '/shutdown', port: 8080 } } } }, 30);
    await step(h.clock, STARTED + 200, 100);
    const uid = (await getPod(h, 'bad-stop')).metadata.uid;
    await gracefulDelete(h, 'bad-stop', 30);
    await step(h.clock, 3000, 100);
    expect(await exists(h, 'bad-stop')).toBe(false);
    const ev = (await events(h, 'bad-stop')).find((e) => e.reason === 'FailedPreStopHook');
    expect(ev?.message).toMatch(new RegExp(`^HTTP lifecycle hook \\(/shutdown\\) for Container "app" in Pod "bad-stop_default\\(${uid}\\)" failed - error: Get "http://100\\.96\\.0\\.\\d+:8080/shutdown": dial tcp 100\\.96\\.0\\.\\d+:8080: connect: connection refused$`));
  });
});
