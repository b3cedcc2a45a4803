import { afterEach, describe, expect, it } from 'vitest';
import { persistentVolumeClaimResource, persistentVolumeResource, type PersistentVolume, type PersistentVolumeClaim } from '../../api/core/persistent-volume.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { storageClassResource, type StorageClass } from '../../api/storage/storageclass.js';
import { startHarness, type Harness } from '../replicaset/test-harness.js';
import { startPvBinderController } from './pv-binder-controller.js';

let h: Harness<ReturnType<typeof startPvBinderController>>;
afterEach(async () => {
  await h?.stop();
});

const claim = (name: string, spec: NonNullable<PersistentVolumeClaim['spec']> = {}): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  status: { phase: 'Pending' },
});
const getClaim = (name: string) => h.client.get<PersistentVolumeClaim>(persistentVolumeClaimResource, name, { namespace: 'default' });

describe('PersistentVolume binder and local-path provisioner', () => {
  it('installs the default `standard` class and provisions for the first consumer', async () => {
    h = await startHarness(startPvBinderController, { component: 'persistentvolume-controller' });
    const sc = await h.client.get<StorageClass>(storageClassResource, 'standard');
    expect(sc).toMatchObject({ provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } });
    await h.client.create(persistentVolumeClaimResource, claim('data'));
    await h.settle();
    expect((await getClaim('data')).spec!.storageClassName).toBe('standard');
    expect((await getClaim('data')).status!.phase).toBe('Pending');
    expect(await h.events()).toContain('Normal WaitForFirstConsumer waiting for first consumer to be created before binding');
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } };
    await h.client.create(podResource, pod);
    await h.settle();
    expect(await h.events()).toContain('Normal WaitForPodScheduled waiting for pod p to be scheduled');
    expect((await getClaim('data')).status!.phase).toBe('Pending');
    // The scheduler's VolumeBinding PreBind selects the node; the provisioner follows.
    await h.client.patch(persistentVolumeClaimResource, 'data', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'n1' } } }, { type: 'merge', namespace: 'default' });
    await h.settle();
    const bound = await getClaim('data');
    expect(bound.status).toMatchObject({ phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] });
    const pv = await h.client.get<PersistentVolume>(persistentVolumeResource, bound.spec!.volumeName!);
    expect(pv.metadata.name).toBe(`pvc-${bound.metadata.uid}`);
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', claimRef: { name: 'data', uid: bound.metadata.uid } });
    expect(pv.status!.phase).toBe('Bound');
    expect(pv.spec!.nodeAffinity).toEqual({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } });
    // Deleting the claim deletes the dynamically provisioned volume (reclaim policy Delete).
    await h.client.delete(persistentVolumeClaimResource, 'data', { namespace: 'default' });
    await h.settle();
    expect((await h.client.list(persistentVolumeResource)).items).toHaveLength(0);
  });

  it('binds a claim to the smallest matching manual volume and releases it (Retain)', async () => {
    h = await startHarness(startPvBinderController, { component: 'persistentvolume-controller' });
    const pv = (name: string, size: string): PersistentVolume => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: '/mnt/data' } } });
    await h.client.create(persistentVolumeResource, pv('big', '10Gi'));
    await h.client.create(persistentVolumeResource, pv('small', '2Gi'));
    await h.client.create(persistentVolumeClaimResource, claim('task-pv-claim', { storageClassName: 'manual' }));
    await h.settle();
    expect((await getClaim('task-pv-claim')).spec!.volumeName).toBe('small');
    expect((await h.client.get<PersistentVolume>(persistentVolumeResource, 'big')).status!.phase).toBe('Available');
    await h.client.delete(persistentVolumeClaimResource, 'task-pv-claim', { namespace: 'default' });
    await h.settle();
    expect((await h.client.get<PersistentVolume>(persistentVolumeResource, 'small')).status!.phase).toBe('Released');
  });

  it('says why a claim cannot bind', async () => {
    h = await startHarness(startPvBinderController, { component: 'persistentvolume-controller' });
    await h.client.create(persistentVolumeClaimResource, claim('lost', { storageClassName: 'gold' }));
    await h.settle();
    expect(await h.events()).toContain('Warning ProvisioningFailed storageclass.storage.k8s.io "gold" not found');
    expect((await getClaim('lost')).status!.phase).toBe('Pending');
  });

  it('leaves a WaitForFirstConsumer claim to the scheduler even when a manual volume matches', async () => {
    h = await startHarness(startPvBinderController, { component: 'persistentvolume-controller' });
    await h.client.create(persistentVolumeResource, manual('local-1', '5Gi', 'Retain'));
    await h.client.create(storageClassResource, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' });
    await h.client.create(persistentVolumeClaimResource, claim('late', { storageClassName: 'local' }));
    await h.settle();
    expect((await getClaim('late')).status!.phase).toBe('Pending');
    // The scheduler pre-binds the volume it chose (claimRef with the claim's uid): the controller completes it.
    const c = await getClaim('late');
    await h.client.patch(persistentVolumeResource, 'local-1', { spec: { storageClassName: 'local', claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'late', uid: c.metadata.uid } } }, { type: 'merge' });
    await h.settle();
    expect((await getClaim('late')).spec!.volumeName).toBe('local-1');
    expect((await getClaim('late')).status!.phase).toBe('Bound');
  });

  it('recycles a Recycle volume and expands a bound claim', async () => {
    h = await startHarness(startPvBinderController, { component: 'persistentvolume-controller' });
    await h.client.create(storageClassResource, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'rancher.io/local-path', allowVolumeExpansion: true });
    await h.client.create(persistentVolumeClaimResource, claim('grow', { storageClassName: 'fast' }));
    await h.settle();
    expect((await getClaim('grow')).status).toMatchObject({ phase: 'Bound', capacity: { storage: '1Gi' } });
    await h.client.patch(persistentVolumeClaimResource, 'grow', { spec: { resources: { requests: { storage: '3Gi' } } } }, { type: 'merge', namespace: 'default' });
    await h.settle();
    const grown = await getClaim('grow');
    expect(grown.status!.capacity).toEqual({ storage: '3Gi' });
    expect((await h.client.get<PersistentVolume>(persistentVolumeResource, grown.spec!.volumeName!)).spec!.capacity).toEqual({ storage: '3Gi' });
    expect(await h.events()).toContain('Normal FileSystemResizeSuccessful MountVolume.NodeExpandVolume succeeded for volume "' + grown.spec!.volumeName + '"');

    await h.client.create(persistentVolumeResource, manual('old', '1Gi', 'Recycle', 'manual'));
    await h.client.create(persistentVolumeClaimResource, claim('once', { storageClassName: 'manual' }));
    await h.settle();
    expect((await getClaim('once')).spec!.volumeName).toBe('old');
    await h.client.delete(persistentVolumeClaimResource, 'once', { namespace: 'default' });
    await h.settle();
    const recycled = await h.client.get<PersistentVolume>(persistentVolumeResource, 'old');
    expect(recycled.status!.phase).toBe('Available');
    expect(recycled.spec!.claimRef).toBeUndefined();
  });
});

function manual(name: string, size: string, policy: string, storageClassName?: string): PersistentVolume {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: policy, storageClassName, hostPath: { path: `/mnt/${name}` } } };
}
