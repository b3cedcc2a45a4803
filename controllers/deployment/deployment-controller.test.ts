import { afterEach, describe, expect, it } from 'vitest';
import { deploymentResource } from '../../api/apps/deployment.js';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { formatTime } from '../replicaset/pod-status.js';
import { startReplicaSetController } from '../replicaset/replicaset-controller.js';
import { startHarness, type Harness } from '../replicaset/test-harness.js';
import type { ControllerContext } from '../types.js';
import { startDeploymentController, type DeploymentController } from './deployment-controller.js';
import { getCondition } from './deployment-status.js';
import { POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
import { makeDeployment } from './test-builders.js';

/** Both controllers over one fake apiserver; this test plays the kubelet. */
let h: Harness<DeploymentController>;

afterEach(async () => {
  await h?.stop();
});

function startBoth(ctx: ControllerContext): DeploymentController {
  const rs = startReplicaSetController(ctx);
  const dc = startDeploymentController(ctx);
  return { reconcile: dc.reconcile, stop: async () => void (await Promise.all([rs.stop(), dc.stop()])) };
}

const ns = { namespace: 'default' };
const getD = () => h.client.get<Deployment>(deploymentResource, 'web', ns);
const replicaSets = async () =>
  (await h.client.list<ReplicaSet>(replicaSetResource, ns)).items.sort((a, b) => (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? -1 : 1));
const pods = async () => (await h.client.list<Pod>(podResource, ns)).items;

/** The kubelet's part: every live pod Running and Ready. */
async function readyAll(): Promise<void> {
  for (const p of await pods()) {
    if (p.metadata.deletionTimestamp || p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(h.clock.now()) }] };
    await h.client.updateStatus(podResource, p);
  }
}

async function converge(rounds = 12): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await h.settle();
    await readyAll();
  }
  await h.settle();
}

/** kubectl rollout status's verdict (polymorphichelpers DeploymentStatusViewer). */
function rolloutStatusMessage(d: Deployment): string {
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return 'Waiting for deployment spec update to be observed...';
  if (getCondition(s, 'Progressing')?.reason === 'ProgressDeadlineExceeded') return `deployment "${d.metadata.name}" exceeded its progress deadline`;
  if ((s.updatedReplicas ?? 0) < (d.spec?.replicas ?? 1)) return 'waiting: updated';
  if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) return 'waiting: old replicas pending termination';
  if ((s.availableReplicas ?? 0) < (s.updatedReplicas ?? 0)) return 'waiting: available';
  return `deployment "${d.metadata.name}" successfully rolled out`;
}

async function setImage(image: string): Promise<void> {
  const d = await getD();
  d.spec!.template!.spec!.containers[0]!.image = image;
  await h.client.update(deploymentResource, d);
}

async function create(d: Deployment): Promise<void> {
  h = await startHarness(startBoth);
  delete d.metadata.uid;
  await h.client.create(deploymentResource, d);
  await converge();
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet with the pod-template-hash and rolls out', async () => {
    await create(makeDeployment('web', 3));
    const [rs] = await replicaSets();
    const hash = rs!.metadata.labels![POD_TEMPLATE_HASH_LABEL]!;
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.spec!.selector!.matchLabels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs!.spec!.template!.metadata!.labels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true, blockOwnerDeletion: true });
    expect(rs!.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect((await pods()).every((p) => p.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash)).toBe(true);
    const d = await getD();
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(getCondition(d.status, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(getCondition(d.status, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
    expect(rolloutStatusMessage(d)).toBe('deployment "web" successfully rolled out');
    expect(await h.events()).toContain(`Normal ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 3`);
  });

  it('rolls a new template out, old ReplicaSet to 0, then rolls back reusing the old ReplicaSet', async () => {
    await create(makeDeployment('web', 4));
    const [v1] = await replicaSets();
    await setImage('nginx:2');
    await converge(20);
    let rss = await replicaSets();
    expect(rss).toHaveLength(2);
    const v2 = rss.find((r) => r.metadata.name !== v1!.metadata.name)!;
    expect(rss.find((r) => r.metadata.name === v1!.metadata.name)!.spec!.replicas).toBe(0);
    expect(v2.spec!.replicas).toBe(4);
    expect(v2.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    let d = await getD();
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(rolloutStatusMessage(d)).toBe('deployment "web" successfully rolled out');
    expect((await pods()).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec!.containers[0]!.image)).toEqual(Array(4).fill('nginx:2'));
    const events = await h.events();
    expect(events.some((e) => e.startsWith(`Normal ScalingReplicaSet Scaled up replica set ${v2.metadata.name} from 0 to 1`))).toBe(true);
    expect(events.some((e) => e.startsWith(`Normal ScalingReplicaSet Scaled down replica set ${v1!.metadata.name} from 4 to 3`))).toBe(true);

    // kubectl rollout undo: the old ReplicaSet's template without the hash label.
    d = await getD();
    const template = structuredClone(v1!.spec!.template!);
    delete template.metadata!.labels![POD_TEMPLATE_HASH_LABEL];
    d.spec!.template = template;
    await h.client.update(deploymentResource, d);
    await converge(20);
    rss = await replicaSets();
    expect(rss).toHaveLength(2);
    const back = rss.find((r) => r.metadata.name === v1!.metadata.name)!;
    expect(back.spec!.replicas).toBe(4);
    expect(back.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    d = await getD();
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(rolloutStatusMessage(d)).toBe('deployment "web" successfully rolled out');
  });

  it('does not roll out while paused, and does on resume', async () => {
    await create(makeDeployment('web', 2));
    let d = await getD();
    d.spec!.paused = true;
    await h.client.update(deploymentResource, d);
    await converge();
    await setImage('nginx:2');
    await converge();
    expect(await replicaSets()).toHaveLength(1);
    d = await getD();
    expect(getCondition(d.status, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    d.spec!.paused = false;
    await h.client.update(deploymentResource, d);
    await converge(20);
    expect(await replicaSets()).toHaveLength(2);
    expect(rolloutStatusMessage(await getD())).toBe('deployment "web" successfully rolled out');
  });

  it('follows kubectl scale through the scale subresource', async () => {
    await create(makeDeployment('web', 3));
    const scale = await h.client.getSubresource(deploymentResource, 'web', 'scale', ns);
    await h.client.updateSubresource(deploymentResource, 'web', 'scale', { ...scale, spec: { replicas: 5 } }, ns);
    await converge();
    const [rs] = await replicaSets();
    expect(rs!.spec!.replicas).toBe(5);
    expect(rs!.metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('5');
    expect(await h.events()).toContain(`Normal ScalingReplicaSet Scaled up replica set ${rs!.metadata.name} from 3 to 5`);
    expect((await getD()).status).toMatchObject({ replicas: 5, availableReplicas: 5 });
  });

  it('Recreate: old pods go before the new ReplicaSet starts', async () => {
    await create(makeDeployment('web', 2, { strategy: { type: 'Recreate' } }));
    await setImage('nginx:2');
    await h.settle();
    const rss = await replicaSets();
    // First step: old scaled to 0; the new ReplicaSet does not exist yet or has no pods while old ones live.
    expect(rss[0]!.spec!.replicas).toBe(0);
    await converge(20);
    const after = await replicaSets();
    expect(after).toHaveLength(2);
    expect(after[1]!.spec!.replicas).toBe(2);
    expect(rolloutStatusMessage(await getD())).toBe('deployment "web" successfully rolled out');
  });

  it('keeps revisionHistoryLimit old ReplicaSets', async () => {
    await create(makeDeployment('web', 1, { revisionHistoryLimit: 1 }));
    for (const image of ['nginx:2', 'nginx:3', 'nginx:4']) {
      await setImage(image);
      await converge(20);
    }
    const rss = await replicaSets();
    expect(rss).toHaveLength(2);
    expect(rss.map((r) => r.spec!.template!.spec!.containers[0]!.image).sort()).toEqual(['nginx:3', 'nginx:4']);
  });

  it('reports ProgressDeadlineExceeded when pods never become ready', async () => {
    h = await startHarness(startBoth);
    await h.client.create(deploymentResource, makeDeployment('web', 2, { progressDeadlineSeconds: 30 }));
    await h.settle();
    expect(getCondition((await getD()).status, 'Progressing')?.status).toBe('True');
    h.clock.advance(32_000);
    await h.settle();
    const d = await getD();
    expect(getCondition(d.status, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(rolloutStatusMessage(d)).toBe('deployment "web" exceeded its progress deadline');
  });
});
