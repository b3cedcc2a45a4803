import { afterEach, describe, expect, it } from 'vitest';
import { eventResource } from '../../api/core/event.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { flush, step } from '../../client/testing.js';
import { startTestSim, stopTestSims, type TestSim } from '../testing.js';

/**
 * The usage model inside the running kubelet-sim (fake client, FakeClock): the node's
 * /metrics/resource and /stats/summary, a load-profile annotation, a refused profile
 * (event, the pod keeps running) and an OOM kill that restarts the container.
 * Containers start 1.4 s after the pod is bound (pinned stages).
 */

afterEach(stopTestSims);

async function create(h: TestSim, name: string, profile: string, restartPolicy = 'Always', memoryLimit?: string): Promise<void> {
  await h.client.create(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations: { 'kubeling.io/load-profile': profile } },
    spec: {
      nodeName: h.sim.nodeNames[0],
      restartPolicy,
      containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m' }, limits: { cpu: '1', ...(memoryLimit ? { memory: memoryLimit } : {}) } } }],
    },
  } as KubeObject);
  await flush(10);
}

const get = async (h: TestSim, path: string) => {
  const res = await fetch(`http://127.0.0.1:${h.sim.port}/node/${h.sim.nodeNames[0]}${path}`);
  return { code: res.status, body: await res.text() };
};

describe('kubelet stats from the usage model', () => {
  it('serves a profile pod in /metrics/resource and /stats/summary', async () => {
    const h = await startTestSim(1);
    await create(h, 'busy', '{type: constant, cpu: 400m, memory: 30Mi}');
    await step(h.clock, 11_400, 200);
    const text = (await get(h, '/metrics/resource')).body;
    const cpu = /container_cpu_usage_seconds_total\{container="app",namespace="default",pod="busy"\} (\S+) \d+/.exec(text);
    // About 10 s at 401m (the profile + nginx's 1m idle).
    expect(Number(cpu?.[1])).toBeGreaterThan(3.9);
    expect(Number(cpu?.[1])).toBeLessThan(4.1);
    const summary = JSON.parse((await get(h, '/stats/summary')).body);
    expect(summary.pods[0].containers[0]).toMatchObject({ name: 'app', cpu: { usageNanoCores: 401000000 }, memory: { workingSetBytes: 33 * 2 ** 20 } });
  });

  it('answers 404 for a node it does not simulate and for unknown kubelet paths', async () => {
    const h = await startTestSim(1);
    expect((await fetch(`http://127.0.0.1:${h.sim.port}/node/other/stats/summary`)).status).toBe(404);
    expect((await get(h, '/spec')).code).toBe(404);
  });

  it('refuses an absurd profile with a Warning event; the pod keeps running on its image model', async () => {
    const h = await startTestSim(1);
    await create(h, 'absurd', '{type: ramp, from: {cpu: 0}, to: {cpu: 100000}, duration: 1m}');
    await step(h.clock, 3_000, 200);
    await get(h, '/metrics/resource');
    await step(h.clock, 1_000, 200);
    const events = (await h.client.list(eventResource, { namespace: 'default' })).items as Array<KubeObject & { reason?: string; message?: string; type?: string }>;
    const ev = events.find((e) => e.reason === 'InvalidLoadProfile');
    expect(ev?.type).toBe('Warning');
    expect(ev?.message).toBe(
      "annotation kubeling.io/load-profile refused: to.cpu: 100000 is more than any node has (at most 1024 cores); using the image's usage model",
    );
    expect((await h.client.get<Pod>(podResource, 'absurd', { namespace: 'default' })).status?.phase).toBe('Running');
  });

  it('OOM-kills a container over its memory limit: exit 137, OOMKilled, restarted', async () => {
    const h = await startTestSim(1);
    await create(h, 'leak', '{type: ramp, from: {memory: 0}, to: {memory: 200Mi}, duration: 20s}', 'Always', '64Mi');
    await step(h.clock, 11_400, 200);
    await get(h, '/metrics/resource');
    await step(h.clock, 2_000, 200);
    const status = (await h.client.get<Pod>(podResource, 'leak', { namespace: 'default' })).status?.containerStatuses?.[0];
    expect(status?.restartCount).toBe(1);
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });
});
