import { afterEach, describe, expect, it } from 'vitest';
import { deploymentResource } from '../../api/apps/deployment.js';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { pdbResource, type PodDisruptionBudget } from '../../api/policy/pdb.js';
import { formatTime } from '../replicaset/pod-status.js';
import { createHarness, type Harness } from '../testing/harness.js';
import { disruptionController } from './disruption-controller.js';
import { DELETION_TIMEOUT_MS } from './pdb-status.js';
import { deployment, deploymentRef, pdb, pod, replicaSet, rsRef, T0 } from './test-builders.js';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const status = async (name = 'budget') => (await h.get<PodDisruptionBudget>(pdbResource, name, 'default'))!.status!;
const statusWrites = () => h.client.actions.filter((a) => a.resource === 'poddisruptionbudgets' && a.subresource === 'status');

async function createPods(pods: Pod[]): Promise<void> {
  for (const p of pods) await h.client.create(podResource, p);
}

describe('disruption-controller', () => {
  it('minAvailable 2 over 3 Ready pods allows one disruption, through the status subresource', async () => {
    h = createHarness();
    await createPods([pod('a').ready().obj(), pod('b').ready().obj(), pod('c').ready().obj(), pod('other').labels({ app: 'db' }).ready().obj()]);
    await h.client.create(pdbResource, pdb('budget').minAvailable(2).obj());
    await h.start(disruptionController);
    expect(await status()).toMatchObject({
      observedGeneration: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      disruptionsAllowed: 1,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' }],
    });
    expect(statusWrites()).toHaveLength(1);

    // A pod goes unready: nothing may go any more.
    const a = (await h.get<Pod>(podResource, 'a', 'default'))!;
    a.status!.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: formatTime(T0) }];
    await h.client.updateStatus(podResource, a);
    await h.settle();
    expect(await status()).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0, conditions: [{ status: 'False', reason: 'InsufficientPods' }] });
  });

  it('maxUnavailable 25% takes the Deployment’s replicas as expected pods, rounding up', async () => {
    h = createHarness();
    // The fake client assigns UIDs: references carry the created objects' ones.
    const d = await h.client.create(deploymentResource, deployment('web', 4));
    const rs = await h.client.create(replicaSetResource, replicaSet('web-1', 4, { ...deploymentRef('web'), uid: d.metadata.uid! }));
    // Only three of the four pods exist yet.
    await createPods(['x', 'y', 'z'].map((n) => pod(n).ready().ownedBy({ ...rsRef('web-1'), uid: rs.metadata.uid! }).obj()));
    await h.client.create(pdbResource, pdb('budget').maxUnavailable('25%').obj());
    await h.start(disruptionController);
    expect(await status()).toMatchObject({ expectedPods: 4, desiredHealthy: 3, currentHealthy: 3, disruptionsAllowed: 0 });
  });

  it('expires a disruptedPods entry whose pod was not deleted within 2 minutes, with kube’s NotDeleted event', async () => {
    h = createHarness();
    await createPods([pod('a').ready().obj(), pod('b').ready().obj(), pod('c').ready().obj()]);
    await h.client.create(pdbResource, pdb('budget').minAvailable(1).obj());
    await h.start(disruptionController);
    expect((await status()).disruptionsAllowed).toBe(2);

    // What the eviction subresource writes: one fewer allowed, the pod recorded.
    const live = (await h.get<PodDisruptionBudget>(pdbResource, 'budget', 'default'))!;
    live.status = { ...live.status, disruptionsAllowed: 1, disruptedPods: { a: formatTime(h.clock.now()) } };
    await h.client.updateStatus(pdbResource, live);
    await h.settle();
    // a counts as going: 2 healthy, 1 allowed, the entry kept.
    expect(await status()).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 1, disruptedPods: { a: formatTime(T0) } });

    await h.advance(DELETION_TIMEOUT_MS + 2000, { stepMs: 10_000 });
    const after = await status();
    expect(after.disruptedPods).toBeUndefined();
    expect(after).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 2 });
    const notDeleted = (await h.events()).filter((e) => e.reason === 'NotDeleted');
    expect(notDeleted.map((e) => [e.type, e.involvedObject?.name, e.message, e.source?.component])).toEqual([
      ['Warning', 'a', "Pod was expected by PDB default/default to be deleted but it wasn't", 'controllermanager'],
    ]);
  });

  it('drops the entry of a pod once it is being deleted', async () => {
    h = createHarness();
    await createPods([pod('a').ready().obj(), pod('b').ready().obj()]);
    await h.client.create(pdbResource, pdb('budget').minAvailable(1).status({ disruptedPods: { a: formatTime(T0) } }).obj());
    await h.start(disruptionController);
    expect((await status()).disruptedPods).toEqual({ a: formatTime(T0) });
    await h.client.delete(podResource, 'a', { namespace: 'default' });
    await h.settle();
    const s = await status();
    expect(s.disruptedPods).toBeUndefined();
    expect(s).toMatchObject({ currentHealthy: 1, expectedPods: 1, disruptionsAllowed: 0 });
  });

  it('fails safe when a pod’s controller cannot be found: SyncFailed, nothing allowed, a warning event', async () => {
    h = createHarness();
    const job = { apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'uid-j', controller: true };
    await createPods([pod('a').ready().ownedBy(job).obj(), pod('b').ready().ownedBy(job).obj()]);
    await h.client.create(pdbResource, pdb('budget').maxUnavailable(1).status({ disruptionsAllowed: 1 }).obj());
    await h.start(disruptionController);
    const s = await status();
    expect(s.disruptionsAllowed).toBe(0);
    expect(s.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "a"' })]);
    // The fail-safe write wakes the controller once more; the same failure writes nothing.
    await h.settle();
    expect(statusWrites()).toHaveLength(1);
    const events = (await h.events()).map((e) => [e.type, e.reason, e.message]);
    expect(events).toContainEqual(['Warning', 'CalculateExpectedPodCountFailed', 'Failed to calculate the number of expected pods: found no controllers for pod "a"']);
  });

  it('a budget that selects no pods: Normal NoPods event, zero counts, observed', async () => {
    h = createHarness();
    await h.client.create(pdbResource, pdb('budget').minAvailable(1).obj());
    await h.start(disruptionController);
    expect(await status()).toMatchObject({ observedGeneration: 1, expectedPods: 0, currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0 });
    expect((await h.events()).map((e) => [e.type, e.reason, e.message])).toEqual([['Normal', 'NoPods', 'No matching pods found']]);
  });
});
