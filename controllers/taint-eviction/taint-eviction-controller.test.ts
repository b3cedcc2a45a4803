import { afterEach, describe, expect, it } from 'vitest';
import { nodeResource, type Node } from '../../api/core/node.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { makeNode, makePod } from '../testing/builders.js';
import { createHarness, type Harness } from '../testing/harness.js';
import { taintEvictionController } from './taint-eviction-controller.js';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const exists = async (name: string) => (await h.get<Pod>(podResource, name, 'default')) !== undefined;

async function setTaints(node: string, taints: { key: string; effect: string }[]): Promise<void> {
  const n = (await h.get<Node>(nodeResource, node))!;
  n.spec = { ...n.spec, taints };
  await h.client.update(nodeResource, n);
}

const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };

describe('taint-eviction-controller', () => {
  it('deletes a pod that does not tolerate a NoExecute taint at once, with kube event and condition', async () => {
    h = createHarness();
    await h.client.create(nodeResource, makeNode('n1').taint(unreachable.key, 'NoExecute').obj());
    await h.client.create(podResource, makePod('bare').on('n1').obj());
    await h.client.create(podResource, makePod('elsewhere').on('n2').obj());
    await h.start(taintEvictionController);
    expect(await exists('bare')).toBe(false);
    expect(await exists('elsewhere')).toBe(true);
    const statusWrite = h.client.actions.find((a) => a.verb === 'update' && a.subresource === 'status' && a.name === 'bare');
    expect((statusWrite!.body as Pod).status!.conditions).toContainEqual(
      expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }),
    );
    const events = await h.events();
    expect(events.map((e) => [e.type, e.reason, e.message, e.involvedObject?.kind, e.source?.component])).toEqual([
      ['Normal', 'TaintManagerEviction', 'Marking for deletion Pod default/bare', 'Pod', 'taint-eviction-controller'],
    ]);
  });

  it('waits out tolerationSeconds (the default 300 s) before deleting', async () => {
    h = createHarness();
    await h.client.create(nodeResource, makeNode('n1').obj());
    await h.client.create(podResource, makePod('web').on('n1').defaultTolerations().obj());
    await h.client.create(podResource, makePod('quick').on('n1').defaultTolerations(30).obj());
    await h.start(taintEvictionController);
    await setTaints('n1', [unreachable]);
    await h.settle();
    await h.advance(29_000, { stepMs: 1000 });
    expect(await exists('quick')).toBe(true);
    await h.advance(2_000, { stepMs: 1000 });
    expect(await exists('quick')).toBe(false);
    await h.advance(267_000, { stepMs: 3000 });
    expect(await exists('web')).toBe(true);
    await h.advance(3_000, { stepMs: 1000 });
    expect(await exists('web')).toBe(false);
  });

  it('cancels a scheduled eviction when the taint goes away', async () => {
    h = createHarness();
    await h.client.create(nodeResource, makeNode('n1').taint(unreachable.key, 'NoExecute').obj());
    await h.client.create(podResource, makePod('web').on('n1').defaultTolerations().obj());
    await h.start(taintEvictionController);
    await h.advance(100_000, { stepMs: 5000 });
    await setTaints('n1', []);
    await h.settle();
    await h.advance(300_000, { stepMs: 10_000 });
    expect(await exists('web')).toBe(true);
    expect((await h.events()).map((e) => e.message)).toEqual(['Cancelling deletion of Pod default/web']);
  });

  it('keeps pods that tolerate forever, and pods on nodes with only NoSchedule taints', async () => {
    h = createHarness();
    await h.client.create(nodeResource, makeNode('n1').taint(unreachable.key, 'NoExecute').obj());
    await h.client.create(nodeResource, makeNode('n2').taint(unreachable.key, 'NoSchedule').obj());
    await h.client.create(podResource, makePod('forever').on('n1').tolerate({ key: unreachable.key, operator: 'Exists', effect: 'NoExecute' }).obj());
    await h.client.create(podResource, makePod('plain').on('n2').obj());
    await h.start(taintEvictionController);
    await h.advance(600_000, { stepMs: 60_000 });
    expect(await exists('forever')).toBe(true);
    expect(await exists('plain')).toBe(true);
  });

  it('evicts a pod bound later to an already tainted node', async () => {
    h = createHarness();
    await h.client.create(nodeResource, makeNode('n1').taint('dedicated', 'NoExecute', 'db').obj());
    await h.client.create(podResource, makePod('p').obj());
    await h.start(taintEvictionController);
    expect(await exists('p')).toBe(true);
    await h.client.bind('default', 'p', 'n1');
    await h.settle();
    expect(await exists('p')).toBe(false);
  });
});
