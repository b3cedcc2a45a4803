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
    await h.client.patch(podResource, 'p', { spec: { nodeName: 'n1' } }, { type: 'merge', namespace: 'default' });
    await h.settle();
    const bound = await getClaim('data');
    expect(bound.status).toMatchObject({ phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] });
    const pv = await h.client.get<PersistentVolume>(persistentVolumeResource, bound.spec!.volumeName!);
    expect(pv.metadata.name).toBe(`pvc-${bound.metadata.uid}`);
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', claimRef: { name: 'data', uid: bound.metadata.uid } });
    expect(pv.status!.phase).toBe('Bound');
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
});
