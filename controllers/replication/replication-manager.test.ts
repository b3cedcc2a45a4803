import { afterEach, describe, expect, it } from 'vitest';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import { eventResource, type Event } from '../../api/core/event.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { replicationControllerResource, type ReplicationController } from '../../api/core/replication-controller.js';
import { ApiError } from '../../client/api-error.js';
import { startReplicaSetController, type ReplicaSetController } from '../replicaset/replicaset-controller.js';
import { formatTime } from '../replicaset/pod-status.js';
import { makePod, makeReplicaSet, makeReplicationController } from '../replicaset/test-builders.js';
import { startHarness, type Harness } from '../replicaset/test-harness.js';
import { REPLICATION_CONTROLLER_NAME, REPLICATION_EVENT_SOURCE, replicaSetToReplicationController, replicationControllerToReplicaSet } from './conversion.js';
import { replicationManager, startReplicationManager } from './replication-manager.js';

let h: Harness<ReplicaSetController>;

afterEach(async () => {
  await h?.stop();
});

const makeRC = makeReplicationController;

const pods = async (): Promise<Pod[]> => (await h.client.list<Pod>(podResource, { namespace: 'default' })).items;
const getRC = (name = 'web') => h.client.get<ReplicationController>(replicationControllerResource, name, { namespace: 'default' });

async function setup(rc: ReplicationController, seed: Pod[] = []): Promise<ReplicationController> {
  h = await startHarness(startReplicationManager, { component: REPLICATION_EVENT_SOURCE });
  for (const p of seed) await h.client.create(podResource, p);
  const created = await h.client.create(replicationControllerResource, rc);
  await h.settle();
  return created;
}

describe('RC ↔ RS conversion', () => {
  it('reads the label map as matchLabels and converts back unchanged', () => {
    const rc = makeRC('web', 2, { minReadySeconds: 5 });
    rc.status = { replicas: 1, readyReplicas: 1, observedGeneration: 3 };
    const rs = replicationControllerToReplicaSet(rc);
    expect(rs.spec).toEqual({ replicas: 2, minReadySeconds: 5, selector: { matchLabels: { app: 'web' } }, template: rc.spec!.template });
    expect(rs.metadata).toBe(rc.metadata);
    expect(rs.status).toEqual(rc.status);
    expect(replicaSetToReplicationController(rs)).toEqual(rc);
  });

  it('keeps a missing selector missing (selects nothing), never empty (selects everything)', () => {
    const rc = makeRC('web', 1);
    delete rc.spec!.selector;
    expect(replicationControllerToReplicaSet(rc).spec?.selector).toBeUndefined();
  });

  it('is registered under kube-controller-manager’s name with kube’s event source', () => {
    expect(replicationManager.name).toBe('replicationcontroller-controller');
    expect(REPLICATION_CONTROLLER_NAME).toBe('replicationcontroller-controller');
    expect(replicationManager.eventSource).toBe('replication-controller');
  });
});

describe('ReplicationController manager (the ReplicaSet controller over RCs)', () => {
  it('creates spec.replicas pods controlled by the RC, events on the RC, status on the RC', async () => {
    const rc = await setup(makeRC('web', 3));
    const list = await pods();
    expect(list).toHaveLength(3);
    for (const p of list) {
      expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: rc.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    expect((await getRC()).status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    const events = (await h.client.list<Event>(eventResource, {})).items;
    expect(events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(3);
    for (const e of events) {
      expect(e.involvedObject).toMatchObject({ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: rc.metadata.uid });
      expect(e.source?.component).toBe('replication-controller');
      expect(e.message).toMatch(/^Created pod: web-[a-z0-9]{5}$/);
    }
    // Nothing was written through the ReplicaSet API.
    expect(h.client.actions.filter((a) => a.resource === 'replicasets' && a.verb !== 'list' && a.verb !== 'watch')).toEqual([]);
  });

  it('scales down, replaces a deleted pod and counts ready pods', async () => {
    await setup(makeRC('web', 3));
    const [keep] = await pods();
    await h.client.patch(podResource, keep!.metadata.name!, { spec: { nodeName: 'n1' } }, { type: 'merge', namespace: 'default' });
    const fresh = await h.client.get<Pod>(podResource, keep!.metadata.name!, { namespace: 'default' });
    fresh.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(h.clock.now()) }] };
    await h.client.updateStatus(podResource, fresh);
    await h.settle();
    const rc = await getRC();
    rc.spec!.replicas = 1;
    await h.client.update(replicationControllerResource, rc);
    await h.settle();
    expect((await pods()).map((p) => p.metadata.name)).toEqual([keep!.metadata.name]);
    expect((await h.events()).filter((e) => e.startsWith('Normal SuccessfulDelete Deleted pod: web-'))).toHaveLength(2);
    expect((await getRC()).status).toMatchObject({ replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 });

    await h.client.delete(podResource, keep!.metadata.name!, { namespace: 'default' });
    await h.settle();
    const after = await pods();
    expect(after).toHaveLength(1);
    expect(after[0]!.metadata.name).not.toBe(keep!.metadata.name);
  });

  it('adopts a matching orphan, and leaves pods controlled by a ReplicaSet of the same labels alone', async () => {
    const orphan = makePod('orphan').obj();
    delete orphan.metadata.uid;
    const owned = makePod('owned').owner({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }).obj();
    delete owned.metadata.uid;
    const rc = await setup(makeRC('web', 2), [orphan, owned]);
    const list = await pods();
    expect(list).toHaveLength(3);
    expect(list.find((p) => p.metadata.name === 'orphan')!.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: rc.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(list.find((p) => p.metadata.name === 'owned')!.metadata.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
  });

  it('does not take a ReplicaSet’s pods when both controllers run (kinds are told apart by the controller reference)', async () => {
    h = await startHarness(startReplicationManager, { component: REPLICATION_EVENT_SOURCE });
    const rsCtl = startReplicaSetController(h.ctx);
    try {
      // The RC's selector (app=web) matches the ReplicaSet's pods (app=web, tier=rs) too.
      const rs = makeReplicaSet('web', 2, { selector: { matchLabels: { app: 'web', tier: 'rs' } } });
      rs.spec!.template!.metadata!.labels = { app: 'web', tier: 'rs' };
      await h.client.create(replicaSetResource, rs);
      await h.client.create(replicationControllerResource, makeRC('web', 1));
      await h.settle();
      const kinds = (await pods()).map((p) => p.metadata.ownerReferences?.[0]?.kind).sort();
      expect(kinds).toEqual(['ReplicaSet', 'ReplicaSet', 'ReplicationController']);
    } finally {
      await rsCtl.stop();
    }
  });

  it('reports a failed create: FailedCreate event and the ReplicaFailure condition on the RC', async () => {
    h = await startHarness(startReplicationManager, { component: REPLICATION_EVENT_SOURCE });
    h.client.prependReactor((a) =>
      a.verb === 'create' && a.resource === 'pods' ? ApiError.from(403, 'pods "web-abcde" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1', 'Forbidden') : undefined,
    );
    await h.client.create(replicationControllerResource, makeRC('web', 2));
    await h.settle();
    const status = (await getRC()).status;
    expect(status?.conditions?.[0]).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: expect.stringContaining('exceeded quota') });
    expect(await h.events()).toContain('Warning FailedCreate Error creating: pods "web-abcde" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1');
  });

  it('does nothing for an RC whose selector is missing (it selects no pods)', async () => {
    const rc = makeRC('web', 0);
    delete rc.spec!.selector;
    await setup(rc);
    expect(await pods()).toEqual([]);
  });
});
