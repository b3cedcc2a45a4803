import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentResource } from '../../api/apps/deployment.js';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import type { HttpRestClient } from '../../client/rest-client.js';
import { startLiveApiserver, type LiveApiserver } from '../../test/helpers/live-apiserver.js';
import { waitUntil } from '../../test/helpers/wait.js';
import { startControllerManager, type ControllerManager } from '../manager.js';
import { formatTime } from '../replicaset/pod-status.js';
import { replicaSetController } from '../replicaset/replicaset-controller.js';
import { deploymentController } from './deployment-controller.js';
import { getCondition } from './deployment-status.js';

/**
 * The ReplicaSet and Deployment controllers against a real apiserver (SQLite in memory,
 * plain HTTP on loopback), run by the controller manager. No kubelet runs here: the test
 * marks pods Running/Ready through pods/<name>/status, as a kubelet would.
 */

let api: LiveApiserver;
let client: HttpRestClient;
let manager: ControllerManager;
const ns = { namespace: 'default' };

beforeAll(async () => {
  api = await startLiveApiserver();
  client = api.client;
  manager = await startControllerManager({ client, leaderElect: false, registry: [replicaSetController, deploymentController] });
});

afterAll(async () => {
  await manager?.stop();
  await api?.close();
});

/** Polls every 50 ms (real time: the server runs on it). */
const waitFor = <T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> => waitUntil(fn, what, timeoutMs, 50);

const livePods = async (): Promise<Pod[]> =>
  (await client.list<Pod>(podResource, { ...ns, labelSelector: 'app=web' })).items.filter((p) => !p.metadata.deletionTimestamp);
const replicaSets = async (): Promise<ReplicaSet[]> => (await client.list<ReplicaSet>(replicaSetResource, { ...ns, labelSelector: 'app=web' })).items;

/** The kubelet's part: every live pod Running and Ready. */
async function readyAll(): Promise<void> {
  for (const p of await livePods()) {
    if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    p.status = { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(Date.now()) }] };
    try {
      await client.updateStatus(podResource, p);
    } catch {
      // deleted or changed meanwhile: the next round catches up
    }
  }
}

/** kubectl rollout status's success test. */
function rolledOut(d: Deployment): boolean {
  const s = d.status ?? {};
  return (
    (d.metadata.generation ?? 0) <= (s.observedGeneration ?? 0) &&
    (s.updatedReplicas ?? 0) >= (d.spec?.replicas ?? 1) &&
    (s.replicas ?? 0) <= (s.updatedReplicas ?? 0) &&
    (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0)
  );
}

async function waitRolledOut(what: string): Promise<Deployment> {
  return waitFor(async () => {
    await readyAll();
    const d = await client.get<Deployment>(deploymentResource, 'web', ns);
    return rolledOut(d) && d;
  }, what);
}

describe('Deployment and ReplicaSet controllers against a real apiserver', () => {
  it('runs a Deployment through create, self-healing, scale, a rolling update and a rollback', async () => {
    await client.create<Deployment>(deploymentResource, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      },
    });

    // An RS and 3 pods owned by it.
    const [rs1] = await waitFor(async () => {
      const rss = await replicaSets();
      return rss.length === 1 && (await livePods()).length === 3 && rss;
    }, 'one ReplicaSet and three pods');
    for (const p of await livePods()) {
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: rs1!.metadata.name, uid: rs1!.metadata.uid, controller: true });
    }
    let d = await waitRolledOut('the first rollout');
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(getCondition(d.status, 'Available')?.status).toBe('True');
    await waitFor(async () => {
      const cur = await client.get<Deployment>(deploymentResource, 'web', ns);
      return getCondition(cur.status, 'Progressing')?.reason === 'NewReplicaSetAvailable';
    }, 'Progressing NewReplicaSetAvailable');

    // A deleted pod is replaced.
    const victim = (await livePods())[0]!.metadata.name!;
    await client.delete(podResource, victim, ns);
    await waitFor(async () => {
      const names = (await livePods()).map((p) => p.metadata.name);
      return names.length === 3 && !names.includes(victim);
    }, 'a replacement pod');

    // kubectl scale through the scale subresource: 2 pods deleted.
    const scale = await client.getSubresource(deploymentResource, 'web', 'scale', ns);
    await client.updateSubresource(deploymentResource, 'web', 'scale', { ...scale, spec: { replicas: 1 } }, ns);
    await waitFor(async () => (await livePods()).length === 1, 'scale down to one pod');
    d = await waitRolledOut('the scale-down');
    expect(d.spec?.replicas).toBe(1);

    // A new image: a new RS, the old one scaled to 0.
    d.spec!.template!.spec!.containers[0]!.image = 'nginx:1.26';
    await client.update(deploymentResource, d);
    d = await waitRolledOut('the rolling update');
    const rss = await replicaSets();
    expect(rss).toHaveLength(2);
    const rs2 = rss.find((r) => r.metadata.uid !== rs1!.metadata.uid)!;
    expect(rss.find((r) => r.metadata.uid === rs1!.metadata.uid)!.spec?.replicas).toBe(0);
    expect(rs2.spec?.replicas).toBe(1);
    expect(rs2.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    await waitFor(async () => {
      const pods = await livePods();
      return pods.length === 1 && pods[0]!.spec?.containers[0]?.image === 'nginx:1.26';
    }, 'only new pods left');

    // kubectl rollout undo: a JSON patch of the template from the old RS, hash label removed.
    const template = structuredClone((await client.get<ReplicaSet>(replicaSetResource, rs1!.metadata.name!, ns)).spec!.template!);
    delete template.metadata!.labels!['pod-template-hash'];
    await client.patch(deploymentResource, 'web', [{ op: 'replace', path: '/spec/template', value: template }], { type: 'json', ...ns });
    d = await waitFor(async () => {
      const cur = await waitRolledOut('the rollback');
      return cur.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3' && cur;
    }, 'revision 3 after the rollback');
    const after = await replicaSets();
    expect(after).toHaveLength(2);
    const back = after.find((r) => r.metadata.uid === rs1!.metadata.uid)!;
    expect(back.spec?.replicas).toBe(1);
    expect(back.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
  });
});
