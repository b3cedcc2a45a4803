import { afterEach, describe, expect, it } from 'vitest';
import { nodeResource, type Node } from '../../api/core/node.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { leaseResource } from '../../api/coordination/lease.js';
import { makeLease, makeNode, makePod } from '../testing/builders.js';
import { createHarness, T0, type Harness } from '../testing/harness.js';
import { nodeLifecycleController } from './node-lifecycle-controller.js';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const getNode = (name: string) => h.get<Node>(nodeResource, name);
const ready = async (name: string) => (await getNode(name))?.status?.conditions?.find((c) => c.type === 'Ready');
const taints = async (name: string) => ((await getNode(name))?.spec?.taints ?? []).map((t) => `${t.key.replace('node.kubernetes.io/', '')}:${t.effect}`).sort();

/** A healthy node as a kubelet leaves it: Ready=True now, a fresh Lease. */
async function addHealthyNode(name: string, zone?: string): Promise<void> {
  const b = makeNode(name).created(h.clock.now() - 3_600_000).ready('True', h.clock.now());
  if (zone) b.zone(zone);
  await h.client.create(nodeResource, b.obj());
  await h.client.create(leaseResource, makeLease(name, h.clock.now()));
}

/** Renews the leases of `alive` before every clock step (kubelets at work). */
const keepAlive = (...alive: string[]) => ({
  stepMs: 1000,
  each: async () => {
    for (const n of alive) await h.renewLease(n);
  },
});

describe('node-lifecycle-controller', () => {
  it('marks a node whose lease stopped Unknown, taints it and its pods not ready', async () => {
    h = createHarness();
    for (const n of ['n1', 'n2', 'n3']) await addHealthyNode(n);
    await h.client.create(podResource, makePod('web', 'team').on('n1').ready('True').obj());
    await h.client.create(podResource, makePod('other', 'team').on('n2').ready('True').obj());
    await h.start(nodeLifecycleController);

    await h.advance(40_000, keepAlive('n2', 'n3'));
    expect((await ready('n1'))!.status).toBe('True'); // within the grace period
    expect(await taints('n1')).toEqual([]);

    await h.advance(2_000, keepAlive('n2', 'n3'));
    expect(await ready('n1')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    const node = (await getNode('n1'))!;
    expect(node.status!.conditions!.filter((c) => c.status === 'Unknown').map((c) => c.type).sort()).toEqual([
      'DiskPressure',
      'MemoryPressure',
      'PIDPressure',
      'Ready',
    ]);
    expect(await taints('n1')).toEqual(['unreachable:NoExecute', 'unreachable:NoSchedule']);
    expect(node.spec!.taints!.every((t) => typeof t.timeAdded === 'string')).toBe(true);
    expect(await taints('n2')).toEqual([]);

    const web = (await h.get<Pod>(podResource, 'web', 'team'))!;
    expect(web.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('False');
    expect((await h.get<Pod>(podResource, 'other', 'team'))!.status!.conditions![0]!.status).toBe('True');

    const events = (await h.events()).filter((e) => e.reason === 'NodeNotReady');
    expect(events.map((e) => [e.involvedObject!.kind, e.involvedObject!.name, e.type, e.message, e.source!.component])).toEqual(
      expect.arrayContaining([
        ['Node', 'n1', 'Normal', 'Node n1 status is now: NodeNotReady', 'node-controller'],
        ['Pod', 'web', 'Warning', 'Node is not ready', 'node-controller'],
      ]),
    );
    expect(events).toHaveLength(2);
  });

  it('removes the taints when the node recovers', async () => {
    h = createHarness();
    for (const n of ['n1', 'n2']) await addHealthyNode(n);
    await h.start(nodeLifecycleController);
    await h.advance(45_000, keepAlive('n2'));
    expect(await taints('n1')).toEqual(['unreachable:NoExecute', 'unreachable:NoSchedule']);

    // The kubelet comes back: lease renewed and Ready posted.
    await h.renewLease('n1');
    const n1 = (await getNode('n1'))!;
    n1.status!.conditions = makeNode('n1').ready('True', h.clock.now()).obj().status!.conditions;
    await h.client.updateStatus(nodeResource, n1);
    await h.advance(2_000, keepAlive('n1', 'n2'));
    expect(await taints('n1')).toEqual([]);
    expect((await ready('n1'))!.status).toBe('True');
  });

  it('taints a node the kubelet reports NotReady with not-ready, swapping from unreachable', async () => {
    h = createHarness();
    for (const n of ['n1', 'n2']) await addHealthyNode(n);
    const n1 = (await getNode('n1'))!;
    n1.spec!.taints = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }];
    n1.status!.conditions = makeNode('n1').ready('False', h.clock.now()).obj().status!.conditions;
    await h.client.update(nodeResource, n1);
    await h.client.updateStatus(nodeResource, { ...n1, metadata: { ...n1.metadata, resourceVersion: undefined } });
    await h.start(nodeLifecycleController);
    await h.advance(1_000, keepAlive('n1', 'n2'));
    expect(await taints('n1')).toEqual(['not-ready:NoExecute', 'not-ready:NoSchedule']);
  });

  it('judges a Lease renewed long ago on the first pass', async () => {
    h = createHarness();
    await addHealthyNode('n2');
    await h.client.create(nodeResource, makeNode('n1').created(T0 - 3_600_000).ready('True', T0 - 600_000).obj());
    await h.client.create(leaseResource, makeLease('n1', T0 - 300_000));
    await h.start(nodeLifecycleController);
    expect((await ready('n1'))!.status).toBe('Unknown');
    expect(await taints('n1')).toEqual(['unreachable:NoExecute', 'unreachable:NoSchedule']);
  });

  it('adds no NoExecute taint when every node is down (full disruption)', async () => {
    h = createHarness();
    await addHealthyNode('solo');
    await h.start(nodeLifecycleController);
    await h.advance(45_000);
    expect((await ready('solo'))!.status).toBe('Unknown');
    expect(await taints('solo')).toEqual(['unreachable:NoSchedule']);
  });

  it('taints a zone at the eviction rate: one node per 10 s', async () => {
    h = createHarness();
    for (const n of ['a', 'b', 'c', 'd', 'e']) await addHealthyNode(n);
    await h.start(nodeLifecycleController);
    await h.advance(42_000, keepAlive('c', 'd', 'e'));
    const tainted = async () => {
      const out: string[] = [];
      for (const n of ['a', 'b']) if ((await taints(n)).includes('unreachable:NoExecute')) out.push(n);
      return out;
    };
    expect(await tainted()).toHaveLength(1);
    expect((await ready('b'))!.status).toBe('Unknown'); // both judged, only one tainted
    await h.advance(10_000, keepAlive('c', 'd', 'e'));
    expect(await tainted()).toEqual(['a', 'b']);
  });

  it('gives a node that never posted status the startup grace period', async () => {
    h = createHarness();
    await addHealthyNode('n2');
    await h.client.create(nodeResource, makeNode('fresh').obj()); // created now by the fake
    await h.start(nodeLifecycleController);
    await h.advance(59_000, keepAlive('n2'));
    expect(await ready('fresh')).toBeUndefined();
    await h.advance(2_000, keepAlive('n2'));
    expect(await ready('fresh')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
  });

  it('records RegisteredNode and RemovingNode', async () => {
    h = createHarness();
    await addHealthyNode('n1');
    await h.start(nodeLifecycleController);
    await h.client.delete(nodeResource, 'n1');
    await h.settle();
    const events = await h.events();
    expect(events.map((e) => [e.reason, e.message])).toEqual([
      ['RegisteredNode', 'Node n1 event: Registered Node n1 in Controller'],
      ['RemovingNode', 'Node n1 event: Removing Node n1 from Controller'],
    ]);
  });

  it('marks a pod bound to a not-ready node later', async () => {
    h = createHarness();
    for (const n of ['n1', 'n2']) await addHealthyNode(n);
    await h.start(nodeLifecycleController);
    await h.advance(45_000, keepAlive('n2'));
    await h.client.create(podResource, makePod('late').on('n1').ready('True').obj());
    await h.settle();
    expect((await h.get<Pod>(podResource, 'late', 'default'))!.status!.conditions![0]!.status).toBe('False');
  });
});
