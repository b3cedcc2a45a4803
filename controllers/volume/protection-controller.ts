import { persistentVolumeClaimResource, persistentVolumeResource, type PersistentVolume, type PersistentVolumeClaim } from '../../api/core/persistent-volume.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/store.js';
import { startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';

/**
 * kube's pvc-protection and pv-protection controllers in one: a claim being deleted keeps
 * its `kubernetes.io/pvc-protection` finalizer while a pod that has not finished uses it
 * (so `kubectl delete pvc` of a mounted claim leaves it Terminating), and a volume being
 * deleted keeps `kubernetes.io/pv-protection` while it is Bound. The finalizers are added
 * by the apiserver's StorageObjectInUseProtection admission.
 */
export const PROTECTION_CONTROLLER_NAME = 'persistentvolume-protection-controller';
const PVC_FINALIZER = 'kubernetes.io/pvc-protection';
const PV_FINALIZER = 'kubernetes.io/pv-protection';
const CLAIM = 'claim/';
const VOLUME = 'volume/';

/** Whether a pod still counts as using its claims (kube: not Succeeded or Failed). */
export function podUsesClaim(pod: Pod, claimName: string): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claimName || (v.ephemeral !== undefined && `${pod.metadata.name}-${v.name}` === claimName));
}

export function startProtectionController(ctx: ControllerContext): RunningController & { reconcile(key: string): Promise<ReconcileResult> } {
  // kube runs two controllers here, each as its own ServiceAccount (pvc-/pv-protection-controller).
  const claimClient = ctx.client;
  const volumeClient = ctx.clientFor?.('pv-protection-controller') ?? ctx.client;
  const claims: Informer<PersistentVolumeClaim> = ctx.informers.informerFor<PersistentVolumeClaim>(persistentVolumeClaimResource);
  const volumes: Informer<PersistentVolume> = ctx.informers.informerFor<PersistentVolume>(persistentVolumeResource);
  const pods: Informer<Pod> = ctx.informers.informerFor<Pod>(podResource);

  const removeFinalizer = async (obj: PersistentVolumeClaim | PersistentVolume, finalizer: string, namespaced: boolean): Promise<void> => {
    // An update at the cached resourceVersion (kube's roles grant update, not patch): a
    // finalizer list changed meanwhile is a 409 and a retry instead of an overwrite.
    const copy = structuredClone(obj);
    copy.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    const rt = namespaced ? persistentVolumeClaimResource : persistentVolumeResource;
    await (namespaced ? claimClient : volumeClient).update(rt, copy).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    if (key.startsWith(CLAIM)) {
      const pvc = claims.store.get(key.slice(CLAIM.length));
      if (!pvc?.metadata.deletionTimestamp || !(pvc.metadata.finalizers ?? []).includes(PVC_FINALIZER)) return;
      const inUse = pods.store.list().some((p) => p.metadata.namespace === pvc.metadata.namespace && podUsesClaim(p, pvc.metadata.name!));
      if (!inUse) await removeFinalizer(pvc, PVC_FINALIZER, true);
      return;
    }
    const pv = volumes.store.getByName('', key.slice(VOLUME.length));
    if (!pv?.metadata.deletionTimestamp || !(pv.metadata.finalizers ?? []).includes(PV_FINALIZER)) return;
    if (pv.status?.phase !== 'Bound') await removeFinalizer(pv, PV_FINALIZER, false);
    return;
  };

  const ctl = startQueueController(ctx, { name: PROTECTION_CONTROLLER_NAME, reconcile, waitFor: [claims, volumes, pods] });
  const { queue } = ctl;
  const claimKey = (c: PersistentVolumeClaim): void => {
    if (c.metadata.deletionTimestamp) queue.add(CLAIM + objectKey(c));
  };
  const volumeKey = (v: PersistentVolume): void => {
    if (v.metadata.deletionTimestamp) queue.add(VOLUME + (v.metadata.name ?? ''));
  };
  claims.addEventHandler({ onAdd: claimKey, onUpdate: (_o, c) => claimKey(c) });
  volumes.addEventHandler({ onAdd: volumeKey, onUpdate: (_o, v) => volumeKey(v) });
  // A pod that finishes or goes away may free the claims it used.
  const podChanged = (p: Pod): void => {
    for (const v of p.spec?.volumes ?? []) {
      const name = v.persistentVolumeClaim?.claimName ?? (v.ephemeral !== undefined ? `${p.metadata.name}-${v.name}` : undefined);
      const c = name ? claims.store.getByName(p.metadata.namespace ?? '', name) : undefined;
      if (c) claimKey(c);
    }
  };
  pods.addEventHandler({ onUpdate: (_o, p) => podChanged(p), onDelete: podChanged });
  return { reconcile, stop: () => ctl.stop() };
}

export const protectionController: ControllerDescriptor = {
  name: PROTECTION_CONTROLLER_NAME,
  serviceAccounts: ['pvc-protection-controller', 'pv-protection-controller'],
  eventSource: 'persistentvolume-protection-controller',
  start: startProtectionController,
};
