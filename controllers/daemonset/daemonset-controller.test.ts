import { afterEach, describe, expect, it } from 'vitest';
import { controllerRevisionResource } from '../../api/apps/controller-revision.js';
import { daemonSetResource, defaultDaemonSet } from '../../api/apps/daemonset.js';
import type { ControllerRevision, DaemonSet } from '../../api/apps/daemonset-statefulset-schemas.js';
import { nodeResource } from '../../api/core/node.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { formatTime } from '../replicaset/pod-status.js';
import { startHarness, type Harness } from '../replicaset/test-harness.js';
import { makeNode } from '../testing/builders.js';
import { daemonPodNode } from './daemon-pod.js';
import { startDaemonSetController, type DaemonSetController } from './daemonset-controller.js';

let h: Harness<DaemonSetController>;
afterEach(async () => {
  await h?.stop();
});

const pods = async (): Promise<Pod[]> => (await h.client.list<Pod>(podResource, { namespace: 'kube-system' })).items.filter((p) => !p.metadata.deletionTimestamp);
const nodesOf = async () => (await pods()).map((p) => daemonPodNode(p)).sort();
const getDs = () => h.client.get<DaemonSet>(daemonSetResource, 'agent', { namespace: 'kube-system' });

function makeDs(image = 'agent:1'): DaemonSet {
  const ds: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', generation: 1 },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image }] } } },
  };
  defaultDaemonSet(ds);
  return ds;
}

async function readyAll(): Promise<void> {
  for (const p of await pods()) {
    p.spec!.nodeName = daemonPodNode(p);
    const fresh = await h.client.update(podResource, p);
    fresh.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(h.clock.now()) }] };
    await h.client.updateStatus(podResource, fresh);
  }
  await h.settle();
}

describe('DaemonSet controller', () => {
  it('runs one pod per eligible node, follows new nodes, and keeps a revision', async () => {
    h = await startHarness(startDaemonSetController, { component: 'daemonset-controller' });
    await h.client.create(nodeResource, makeNode('n1').obj());
    await h.client.create(nodeResource, makeNode('n2').taint('dedicated', 'NoSchedule', 'db').obj());
    await h.client.create(daemonSetResource, makeDs());
    await h.settle();
    expect(await nodesOf()).toEqual(['n1']);
    const [p] = await pods();
    expect(p!.metadata.labels).toMatchObject({ app: 'agent', 'controller-revision-hash': expect.any(String), 'pod-template-generation': '1' });
    expect(p!.spec!.tolerations!.map((t) => t.key)).toContain('node.kubernetes.io/unreachable');
    await h.client.create(nodeResource, makeNode('n3').obj());
    await h.settle();
    expect(await nodesOf()).toEqual(['n1', 'n3']);
    await readyAll();
    expect((await getDs()).status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberMisscheduled: 0 });
    const revs = (await h.client.list<ControllerRevision>(controllerRevisionResource, { namespace: 'kube-system' })).items;
    expect(revs.map((r) => [r.revision, r.metadata.name])).toEqual([[1, `agent-${p!.metadata.labels!['controller-revision-hash']}`]]);
    expect((revs[0]!.data as { spec: { template: { $patch: string } } }).spec.template.$patch).toBe('replace');
    expect(await h.events()).toContain(`Normal SuccessfulCreate Created pod: ${p!.metadata.name}`);
  });

  it('rolls a new template out one node at a time (maxUnavailable 1)', async () => {
    h = await startHarness(startDaemonSetController, { component: 'daemonset-controller' });
    for (const n of ['n1', 'n2', 'n3']) await h.client.create(nodeResource, makeNode(n).obj());
    await h.client.create(daemonSetResource, makeDs());
    await h.settle();
    await readyAll();
    const ds = await getDs();
    ds.spec!.template!.spec!.containers[0]!.image = 'agent:2';
    ds.metadata.generation = 2;
    await h.client.update(daemonSetResource, ds);
    await h.settle();
    // One old pod deleted, replaced by a new one (not ready yet): nothing else moves.
    let images = (await pods()).map((p) => p.spec!.containers[0]!.image).sort();
    expect(images).toEqual(['agent:1', 'agent:1', 'agent:2']);
    for (let i = 0; i < 3; i++) await readyAll();
    images = (await pods()).map((p) => p.spec!.containers[0]!.image).sort();
    expect(images).toEqual(['agent:2', 'agent:2', 'agent:2']);
    const revs = (await h.client.list<ControllerRevision>(controllerRevisionResource, { namespace: 'kube-system' })).items.map((r) => r.revision).sort();
    expect(revs).toEqual([1, 2]);
    expect((await getDs()).status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
  });

  it('removes pods from nodes that stop matching (NoExecute taint)', async () => {
    h = await startHarness(startDaemonSetController, { component: 'daemonset-controller' });
    await h.client.create(nodeResource, makeNode('n1').obj());
    await h.client.create(daemonSetResource, makeDs());
    await h.settle();
    expect(await nodesOf()).toEqual(['n1']);
    await h.client.patch(nodeResource, 'n1', { spec: { taints: [{ key: 'evict', effect: 'NoExecute' }] } }, { type: 'merge' });
    await h.settle();
    expect(await pods()).toHaveLength(0);
  });
});
