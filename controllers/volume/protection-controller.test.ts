import { afterEach, describe, expect, it } from 'vitest';
import { persistentVolumeClaimResource, persistentVolumeResource, type PersistentVolume, type PersistentVolumeClaim } from '../../api/core/persistent-volume.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { isNotFound } from '../../client/api-error.js';
import { startHarness, type Harness } from '../replicaset/test-harness.js';
import { podUsesClaim, startProtectionController } from './protection-controller.js';

let h: Harness<ReturnType<typeof startProtectionController>>;
afterEach(async () => {
  await h?.stop();
});

const claim: PersistentVolumeClaim = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'default', finalizers: ['kubernetes.io/pvc-protection'] },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
};
const pod = (phase?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'user', namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] },
  ...(phase ? { status: { phase } } : {}),
});
const gone = async (get: () => Promise<unknown>): Promise<boolean> => get().then(() => false, (err: unknown) => isNotFound(err));

describe('pvc and pv protection', () => {
  it.each<[string, Pod, boolean]>([
    ['a running pod uses its claim', pod('Running'), true],
    ['a pending pod uses its claim', pod(), true],
    ['a finished pod does not', pod('Succeeded'), false],
  ])('%s', (_n, p, want) => {
    expect(podUsesClaim(p, 'data')).toBe(want);
  });

  it('keeps a claim in use Terminating until its pod is gone', async () => {
    h = await startHarness(startProtectionController, { component: 'persistentvolume-protection-controller' });
    await h.client.create(podResource, pod('Running'));
    await h.client.create(persistentVolumeClaimResource, claim);
    await h.client.delete(persistentVolumeClaimResource, 'data', { namespace: 'default' });
    await h.settle();
    const terminating = await h.client.get<PersistentVolumeClaim>(persistentVolumeClaimResource, 'data', { namespace: 'default' });
    expect(terminating.metadata.deletionTimestamp).toBeTruthy();
    expect(terminating.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    await h.client.delete(podResource, 'user', { namespace: 'default', gracePeriodSeconds: 0 });
    await h.settle();
    expect(await gone(() => h.client.get(persistentVolumeClaimResource, 'data', { namespace: 'default' }))).toBe(true);
  });

  it('keeps a Bound volume until it is released', async () => {
    h = await startHarness(startProtectionController, { component: 'persistentvolume-protection-controller' });
    const pv: PersistentVolume = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1', finalizers: ['kubernetes.io/pv-protection'] }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' } }, status: { phase: 'Bound' } };
    await h.client.create(persistentVolumeResource, pv);
    await h.client.delete(persistentVolumeResource, 'pv1');
    await h.settle();
    expect((await h.client.get<PersistentVolume>(persistentVolumeResource, 'pv1')).metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
    await h.client.patch(persistentVolumeResource, 'pv1', { status: { phase: 'Released' } }, { type: 'merge', subresource: 'status' });
    await h.settle();
    expect(await gone(() => h.client.get(persistentVolumeResource, 'pv1'))).toBe(true);
  });
});
