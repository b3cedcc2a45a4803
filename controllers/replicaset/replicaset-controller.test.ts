import { afterEach, describe, expect, it } from 'vitest';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import type { ReplicaSet } from '../../api/apps/schemas.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { ApiError } from '../../client/api-error.js';
import { formatTime } from './pod-status.js';
import { startReplicaSetController, type ReplicaSetController } from './replicaset-controller.js';
import { makePod, makeReplicaSet } from './test-builders.js';
import { startHarness, type Harness } from './test-harness.js';

let h: Harness<ReplicaSetController>;

afterEach(async () => {
  await h?.stop();
});

const pods = async (): Promise<Pod[]> => (await h.client.list<Pod>(podResource, { namespace: 'default' })).items;
const getRS = (name = 'web') => h.client.get<ReplicaSet>(replicaSetResource, name, { namespace: 'default' });
const podCreates = () => h.client.actions.filter((a) => a.verb === 'create' && a.resource === 'pods' && !a.subresource).length;

async function setup(rs: ReplicaSet, seed: Pod[] = []): Promise<ReplicaSet> {
  h = await startHarness(startReplicaSetController, { component: 'replicaset-controller' });
  for (const p of seed) await h.client.create(podResource, p);
  const created = await h.client.create(replicaSetResource, rs);
  await h.settle();
  return created;
}

async function markReady(name: string, node = 'n1', at = h.clock.now()): Promise<void> {
  const pod = await h.client.get<Pod>(podResource, name, { namespace: 'default' });
  pod.spec = { ...pod.spec!, nodeName: node };
  await h.client.update(podResource, pod);
  const fresh = await h.client.get<Pod>(podResource, name, { namespace: 'default' });
  fresh.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(at) }] };
  await h.client.updateStatus(podResource, fresh);
}

describe('ReplicaSet controller', () => {
  it('creates spec.replicas pods from the template, owned by the ReplicaSet', async () => {
    const rs = await setup(makeReplicaSet('web', 3));
    const list = await pods();
    expect(list).toHaveLength(3);
    for (const p of list) {
      expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.generateName).toBe('web-');
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    const status = (await getRS()).status;
    expect(status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    const events = await h.events();
    expect(events.filter((e) => e.startsWith('Normal SuccessfulCreate Created pod: web-'))).toHaveLength(3);
  });

  it('replaces a deleted pod', async () => {
    await setup(makeReplicaSet('web', 2));
    const [victim] = await pods();
    await h.client.delete(podResource, victim!.metadata.name!, { namespace: 'default' });
    await h.settle();
    const names = (await pods()).map((p) => p.metadata.name);
    expect(names).toHaveLength(2);
    expect(names).not.toContain(victim!.metadata.name);
  });

  it('deletes the least useful pods on scale-down', async () => {
    await setup(makeReplicaSet('web', 3));
    const [keep] = await pods();
    await markReady(keep!.metadata.name!);
    await h.settle();
    const rs = await getRS();
    rs.spec!.replicas = 1;
    await h.client.update(replicaSetResource, rs);
    await h.settle();
    expect((await pods()).map((p) => p.metadata.name)).toEqual([keep!.metadata.name]);
    const events = await h.events();
    expect(events.filter((e) => e.startsWith('Normal SuccessfulDelete Deleted pod: web-'))).toHaveLength(2);
    expect((await getRS()).status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 });
  });

  it('does not create twice while the informer lags (expectations), until they expire', async () => {
    h = await startHarness(startReplicaSetController);
    h.informers.informerFor(podResource).stop(); // the pod cache never catches up
    await h.client.create(replicaSetResource, makeReplicaSet('web', 2));
    await h.settle();
    expect(podCreates()).toBe(2);
    await h.controller.reconcile('default/web');
    expect(podCreates()).toBe(2);
    expect(h.controller.expectations.pending('default/web')).toEqual([2, 0]);
    h.clock.advance(5 * 60_000 + 1);
    await h.controller.reconcile('default/web');
    expect(podCreates()).toBe(4);
  });

  it('adopts a matching orphan and releases a pod that stops matching', async () => {
    const orphan = makePod('orphan').obj();
    delete orphan.metadata.uid;
    delete orphan.metadata.creationTimestamp;
    const rs = await setup(makeReplicaSet('web', 2), [orphan]);
    let list = await pods();
    expect(list).toHaveLength(2);
    const adopted = list.find((p) => p.metadata.name === 'orphan')!;
    expect(adopted.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', uid: rs.metadata.uid, controller: true });

    adopted.metadata.labels = { app: 'other' };
    await h.client.update(podResource, adopted);
    await h.settle();
    list = await pods();
    expect(list.find((p) => p.metadata.name === 'orphan')!.metadata.ownerReferences).toBeUndefined();
    expect(list.filter((p) => p.metadata.labels?.app === 'web')).toHaveLength(2);
  });

  it('ignores pods owned by another controller and terminating pods', async () => {
    const foreign = makePod('foreign').owner({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'other', controller: true }).obj();
    delete foreign.metadata.uid;
    await setup(makeReplicaSet('web', 1), [foreign]);
    expect((await pods()).filter((p) => p.metadata.name !== 'foreign')).toHaveLength(1);
    const [mine] = (await pods()).filter((p) => p.metadata.name !== 'foreign');
    // A finalizer keeps the pod around, terminating: it no longer counts.
    await h.client.patch(podResource, mine!.metadata.name!, { metadata: { finalizers: ['test/hold'] } }, { type: 'merge', namespace: 'default' });
    await h.client.delete(podResource, mine!.metadata.name!, { namespace: 'default' });
    await h.settle();
    const active = (await pods()).filter((p) => p.metadata.name !== 'foreign' && !p.metadata.deletionTimestamp);
    expect(active).toHaveLength(1);
    expect((await getRS()).status?.replicas).toBe(1);
  });

  it('reports quota failures: one attempt (slow start), FailedCreate event, ReplicaFailure condition', async () => {
    h = await startHarness(startReplicaSetController);
    h.client.prependReactor((a) =>
      a.verb === 'create' && a.resource === 'pods'
        ? ApiError.from(403, 'pods "web-abcde" is forbidden: exceeded quota: q, requested: pods=1, used: pods=5, limited: pods=5', 'Forbidden')
        : undefined,
    );
    await h.client.create(replicaSetResource, makeReplicaSet('web', 5));
    await h.settle();
    // Each sync stops after its first batch (of one) fails: never all five at once.
    const before = podCreates();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(5);
    await expect(h.controller.reconcile('default/web')).rejects.toThrow(/exceeded quota/);
    expect(podCreates()).toBe(before + 1);
    const status = (await getRS()).status;
    expect(status?.conditions?.[0]).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' });
    expect(await h.events()).toContain(
      'Warning FailedCreate Error creating: pods "web-abcde" is forbidden: exceeded quota: q, requested: pods=1, used: pods=5, limited: pods=5',
    );
  });

  it('counts a pod available once minReadySeconds pass', async () => {
    await setup(makeReplicaSet('web', 1, { minReadySeconds: 10 }));
    const [p] = await pods();
    await markReady(p!.metadata.name!);
    await h.settle();
    const before = (await getRS()).status;
    expect(before?.readyReplicas).toBe(1);
    expect(before?.availableReplicas ?? 0).toBe(0);
    h.clock.advance(11_000);
    await h.settle();
    expect((await getRS()).status).toMatchObject({ readyReplicas: 1, availableReplicas: 1 });
  });
});
