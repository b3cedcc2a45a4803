import { afterEach, describe, expect, it } from 'vitest';
import { configMapResource } from '../api/core/configmap.js';
import { eventResource } from '../api/core/event.js';
import { podResource, type Pod } from '../api/core/pod.js';
import type { KubeObject } from '../api/types.js';
import { flush, step } from '../client/testing.js';
import { startTestSim, stopTestSims, type TestSim } from './testing.js';

/** A pod whose ConfigMap volume is missing waits in ContainerCreating with FailedMount until it appears. */

afterEach(stopTestSims);

async function create(h: TestSim, name: string, volume: Record<string, unknown>): Promise<void> {
  await h.client.create(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: h.sim.nodeNames[0],
      restartPolicy: 'Always',
      containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'config', mountPath: '/etc/config' }] }],
      volumes: [{ name: 'config', ...volume }],
    },
  } as KubeObject);
  await flush(10);
}
const pod = (h: TestSim, name: string) => h.client.get<Pod>(podResource, name, { namespace: 'default' });

describe('FailedMount', () => {
  it('stays ContainerCreating without an IP, says FailedMount, and starts once the ConfigMap exists', async () => {
    const h = await startTestSim(1);
    await create(h, 'waits', { configMap: { name: 'app-config' } });
    await step(h.clock, 3000, 100);
    let p = await pod(h, 'waits');
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.podIP).toBeUndefined();
    expect(p.status?.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    const events = (await h.client.list(eventResource, { namespace: 'default' })).items as Array<{ reason?: string; type?: string; message?: string; involvedObject?: { name?: string } }>;
    expect(events.find((e) => e.involvedObject?.name === 'waits' && e.reason === 'FailedMount')).toMatchObject({
      type: 'Warning',
      message: 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found',
    });
    await h.client.create(configMapResource, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'default' }, data: { k: 'v' } } as KubeObject);
    // Looked at again every sandboxRetry (5–10 s by default).
    await step(h.clock, 12_000, 200);
    p = await pod(h, 'waits');
    expect(p.status?.phase).toBe('Running');
  });

  it('optional: true mounts an empty volume and the pod starts at once', async () => {
    const h = await startTestSim(1);
    await create(h, 'optional', { configMap: { name: 'app-config', optional: true } });
    await step(h.clock, 2000, 100);
    expect((await pod(h, 'optional')).status?.phase).toBe('Running');
  });
});
