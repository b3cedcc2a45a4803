import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventResource } from '../../api/core/event.js';
import { nodeResource } from '../../api/core/node.js';
import { podResource } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import type { HttpRestClient } from '../../client/rest-client.js';
import { startScheduler, type RunningScheduler } from '../../scheduler/scheduler.js';
import { startLiveApiserver, type LiveApiserver } from '../helpers/live-apiserver.js';

interface PodObj extends KubeObject {
  spec: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

let api: LiveApiserver;
let client: HttpRestClient;
let sched: RunningScheduler | undefined;

beforeEach(async () => {
  api = await startLiveApiserver();
  client = api.client;
});
afterEach(async () => {
  await sched?.stop();
  sched = undefined;
  await api.close();
});

async function createNode(name: string, cpu: string): Promise<void> {
  const created = await client.create(nodeResource, { metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
  await client.updateStatus(nodeResource, {
    ...created,
    status: {
      capacity: { cpu, memory: '16Gi', pods: '110' },
      allocatable: { cpu, memory: '16Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    },
  });
}

function pod(name: string, cpu: string): KubeObject {
  return {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu, memory: '64Mi' } } }] },
  };
}

const condition = (p: PodObj) => p.status?.conditions?.find((c) => c.type === 'PodScheduled');

describe('scheduler against a real apiserver', () => {
  it('binds pods, and reports the one that fits nowhere', async () => {
    for (const n of ['n1', 'n2', 'n3']) await createNode(n, '4');
    sched = await startScheduler({ client });
    for (let i = 0; i < 6; i++) await client.create(podResource, pod(`web-${i}`, '500m'));
    await client.create(podResource, pod('huge', '1000'));

    await vi.waitFor(
      async () => {
        const pods = (await client.list<PodObj>(podResource, { namespace: 'default' })).items.filter((p) => p.metadata.name !== 'huge');
        expect(pods).toHaveLength(6);
        for (const p of pods) {
          expect(['n1', 'n2', 'n3']).toContain(p.spec.nodeName);
          expect(condition(p)?.status).toBe('True');
        }
      },
      { timeout: 20_000, interval: 50 },
    );

    const message =
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    await vi.waitFor(
      async () => {
        const huge = await client.get<PodObj>(podResource, 'huge', { namespace: 'default' });
        expect(huge.spec.nodeName).toBeUndefined();
        expect(huge.status?.phase).toBe('Pending');
        expect(condition(huge)).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
      },
      { timeout: 20_000, interval: 50 },
    );
    await vi.waitFor(
      async () => {
        const events = (await client.list<KubeObject & { reason: string; message: string; type: string; involvedObject: { name: string } }>(eventResource, { namespace: 'default' })).items;
        expect(events.filter((e) => e.reason === 'Scheduled')).toHaveLength(6);
        const failed = events.filter((e) => e.reason === 'FailedScheduling');
        expect(failed).toHaveLength(1);
        expect(failed[0]).toMatchObject({ type: 'Warning', message, involvedObject: { name: 'huge' } });
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(sched.stats()).toMatchObject({ bound: 6, nodes: 3 });
  });
});
