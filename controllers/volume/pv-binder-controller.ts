import { persistentVolumeClaimResource, persistentVolumeResource, type PersistentVolume, type PersistentVolumeClaim } from '../../api/core/persistent-volume.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { DEFAULT_CLASS_ANNOTATION, isDefaultClass, storageClassResource, type StorageClass } from '../../api/storage/storageclass.js';
import { isAlreadyExists, isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/store.js';
import { formatTime } from '../replicaset/pod-status.js';
import { startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { findMatchingVolume, requestedBytes } from '../../api/storage/volume-match.js';
import { parseQuantityOr } from '../../api/quantity.js';
import { NO_PROVISIONER, SELECTED_NODE_ANNOTATION } from '../../scheduler/plugins/volume-binding.js';

/**
 * kube's PersistentVolume controller (binder) with a simulated local-path provisioner, as
 * kind and minikube ship them: installs the default `standard` StorageClass, gives claims
 * without a class the default one, binds claims to matching volumes, provisions a volume
 * for a claim of our provisioner's class (at once for Immediate, once a pod using it is
 * scheduled for WaitForFirstConsumer), and releases or deletes volumes whose claim went
 * away according to their reclaim policy. Nothing is stored anywhere: the volume's
 * hostPath is a name only.
 */
export const PV_BINDER_CONTROLLER_NAME = 'persistentvolume-binder-controller';
export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
const CLAIM = 'claim/';
const VOLUME = 'volume/';

/** The default class kind installs (`kubectl get sc` shows `standard (default)`). */
export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}

export function startPvBinderController(ctx: ControllerContext): RunningController & { reconcile(key: string): Promise<ReconcileResult> } {
  const { client, recorder, clock } = ctx;
  const claims: Informer<PersistentVolumeClaim> = ctx.informers.informerFor<PersistentVolumeClaim>(persistentVolumeClaimResource);
  const volumes: Informer<PersistentVolume> = ctx.informers.informerFor<PersistentVolume>(persistentVolumeResource);
  const classes: Informer<StorageClass> = ctx.informers.informerFor<StorageClass>(storageClassResource);
  const pods: Informer<Pod> = ctx.informers.informerFor<Pod>(podResource);
  const CLAIM_INDEX = 'claimName';
  pods.addIndexer(CLAIM_INDEX, (p) => (p.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [`${p.metadata.namespace}/${v.persistentVolumeClaim.claimName}`] : [])));

  const bind = async (pv: PersistentVolume, pvc: PersistentVolumeClaim): Promise<void> => {
    const ns = pvc.metadata.namespace!;
    if (!pv.spec?.claimRef?.uid) {
      await client.patch(persistentVolumeResource, pv.metadata.name!, {
        metadata: { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
        spec: { claimRef: { kind: 'PersistentVolumeClaim', namespace: ns, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion } },
      }, { type: 'merge' });
    }
    if (pv.status?.phase !== 'Bound') {
      await client.patch(persistentVolumeResource, pv.metadata.name!, { status: { phase: 'Bound', lastPhaseTransitionTime: formatTime(clock.now()) } }, { type: 'merge', subresource: 'status' });
    }
    await client.patch(persistentVolumeClaimResource, pvc.metadata.name!, {
      metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } },
      spec: { volumeName: pv.metadata.name },
    }, { type: 'merge', namespace: ns });
    await client.patch(persistentVolumeClaimResource, pvc.metadata.name!, {
      status: { phase: 'Bound', accessModes: pv.spec?.accessModes, capacity: pv.spec?.capacity },
    }, { type: 'merge', namespace: ns, subresource: 'status' });
  };

  /**
   * The expand controller, external resizer and kubelet's filesystem resize in one step
   * (admission already checked that the class allows expansion): the volume's capacity
   * and the claim's status follow a grown request.
   */
  const expand = async (pvc: PersistentVolumeClaim): Promise<ReconcileResult> => {
    const wanted = pvc.spec?.resources?.requests?.['storage'];
    const have = pvc.status?.capacity?.['storage'];
    if (wanted === undefined || requestedBytes(pvc) <= parseQuantityOr(have as string | undefined, 0)) return;
    const pv = volumes.store.getByName('', pvc.spec!.volumeName!);
    if (!pv) return;
    const ns = pvc.metadata.namespace!;
    recorder.event(pvc, 'Normal', 'Resizing', `External resizer is resizing volume ${pv.metadata.name}`);
    await client.patch(persistentVolumeResource, pv.metadata.name!, { spec: { capacity: { storage: wanted } } }, { type: 'merge' });
    await client.patch(persistentVolumeClaimResource, pvc.metadata.name!, {
      status: { capacity: { storage: wanted }, allocatedResources: { storage: wanted } },
    }, { type: 'merge', namespace: ns, subresource: 'status' });
    recorder.event(pvc, 'Normal', 'FileSystemResizeSuccessful', `MountVolume.NodeExpandVolume succeeded for volume "${pv.metadata.name}"`);
    return;
  };

  const reconcileClaim = async (key: string): Promise<ReconcileResult> => {
    const pvc = claims.store.get(key);
    if (!pvc || pvc.metadata.deletionTimestamp) return;
    if (pvc.status?.phase === 'Bound' && pvc.spec?.volumeName) return expand(pvc);
    const ns = pvc.metadata.namespace!;
    let className = pvc.spec?.storageClassName;
    if (className === undefined) {
      const def = classes.store.list().find(isDefaultClass);
      if (def) {
        // Retroactive default class assignment (kube ≥ 1.28).
        await client.patch(persistentVolumeClaimResource, pvc.metadata.name!, { spec: { storageClassName: def.metadata.name } }, { type: 'merge', namespace: ns });
        return;
      }
    }
    if (pvc.spec?.volumeName) {
      const pv = volumes.store.getByName('', pvc.spec.volumeName);
      if (pv) await bind(pv, pvc);
      return;
    }
    const sc = className ? classes.store.getByName('', className) : undefined;
    const selectedNode = pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    // A WaitForFirstConsumer claim is bound by the scheduler's choice (kube's
    // shouldDelayBinding): only to a volume the scheduler pre-bound, or provisioned on the
    // node it selected.
    const delayed = sc?.volumeBindingMode === 'WaitForFirstConsumer' && !selectedNode;
    const candidates = delayed ? volumes.store.list().filter((v) => v.spec?.claimRef?.uid === pvc.metadata.uid) : volumes.store.list();
    const match = findMatchingVolume(candidates, pvc);
    if (match) {
      await bind(match, pvc);
      return;
    }
    if (!sc) {
      const message = className ? `storageclass.storage.k8s.io "${className}" not found` : 'no persistent volumes available for this claim and no storage class is set';
      recorder.event(pvc, 'Warning', className ? 'ProvisioningFailed' : 'FailedBinding', message);
      return;
    }
    if (delayed) {
      // emitEventForUnboundDelayBindingClaim
      const waiting = pods.store.byIndex(CLAIM_INDEX, key).filter((p) => !p.spec?.nodeName && !p.metadata.deletionTimestamp).map((p) => p.metadata.name ?? '');
      if (waiting.length === 0) recorder.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      else recorder.event(pvc, 'Normal', 'WaitForPodScheduled', `waiting for ${waiting.length > 1 ? 'pods' : 'pod'} ${waiting.sort().join(',')} to be scheduled`);
      return;
    }
    if (sc.provisioner === NO_PROVISIONER) {
      recorder.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    if (sc.provisioner !== LOCAL_PATH_PROVISIONER) {
      recorder.event(pvc, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
      return;
    }
    const node = sc.volumeBindingMode === 'WaitForFirstConsumer' ? selectedNode : undefined;
    recorder.event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ns}/${pvc.metadata.name}"`);
    const name = `pvc-${pvc.metadata.uid}`;
    const pv: PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': LOCAL_PATH_PROVISIONER, ...(node ? { 'local.path.provisioner/selected-node': node } : {}) } },
      spec: {
        capacity: { storage: String(pvc.spec?.resources?.requests?.['storage'] ?? '1Gi') },
        accessModes: pvc.spec?.accessModes,
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: sc.metadata.name,
        volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
        hostPath: { path: `/var/local-path-provisioner/${name}_${ns}_${pvc.metadata.name}`, type: 'DirectoryOrCreate' },
        claimRef: { kind: 'PersistentVolumeClaim', namespace: ns, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1' },
        ...(node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } } : {}),
      },
    };
    let created = pv;
    try {
      created = await client.create(persistentVolumeResource, pv);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      created = await client.get<PersistentVolume>(persistentVolumeResource, name);
    }
    recorder.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
    await bind(created, pvc);
    return;
  };

  const reconcileVolume = async (name: string): Promise<ReconcileResult> => {
    const pv = volumes.store.getByName('', name);
    if (!pv || pv.metadata.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    if (!ref) {
      if (pv.status?.phase !== 'Available') {
        await client.patch(persistentVolumeResource, name, { status: { phase: 'Available', lastPhaseTransitionTime: formatTime(clock.now()) } }, { type: 'merge', subresource: 'status' });
      }
      return;
    }
    const claim = claims.store.getByName(ref.namespace ?? '', ref.name ?? '');
    if (claim && (!ref.uid || claim.metadata.uid === ref.uid)) return;
    if (!ref.uid) return; // pre-bound to a claim that does not exist yet
    // The claim is gone: reclaim.
    if (pv.spec?.persistentVolumeReclaimPolicy === 'Delete') {
      // Released first, as kube's binder: the pv-protection finalizer comes off unbound volumes only.
      if (pv.status?.phase !== 'Released') {
        await client.patch(persistentVolumeResource, name, { status: { phase: 'Released', lastPhaseTransitionTime: formatTime(clock.now()) } }, { type: 'merge', subresource: 'status' });
      }
      await client.delete(persistentVolumeResource, name).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      return;
    }
    if (pv.spec?.persistentVolumeReclaimPolicy === 'Recycle') {
      // The deprecated recycler scrubs the volume (rm -rf) and offers it again.
      await client.patch(persistentVolumeResource, name, { spec: { claimRef: null } }, { type: 'merge' });
      await client.patch(persistentVolumeResource, name, { status: { phase: 'Available', lastPhaseTransitionTime: formatTime(clock.now()) } }, { type: 'merge', subresource: 'status' });
      recorder.event(pv, 'Normal', 'VolumeRecycled', `Volume recycled`);
      return;
    }
    if (pv.status?.phase !== 'Released') {
      await client.patch(persistentVolumeResource, name, { status: { phase: 'Released', lastPhaseTransitionTime: formatTime(clock.now()) } }, { type: 'merge', subresource: 'status' });
    }
    return;
  };

  const reconcile = (key: string): Promise<ReconcileResult> =>
    key.startsWith(CLAIM) ? reconcileClaim(key.slice(CLAIM.length)) : reconcileVolume(key.slice(VOLUME.length));

  const ctl = startQueueController(ctx, {
    name: PV_BINDER_CONTROLLER_NAME,
    reconcile,
    waitFor: [claims, volumes, classes, pods],
    onSynced: () => {
      if (!classes.store.getByName('', 'standard')) {
        void client.create(storageClassResource, defaultStorageClass()).catch(() => undefined);
      }
    },
  });
  const { queue } = ctl;
  const claimKey = (c: PersistentVolumeClaim) => queue.add(CLAIM + objectKey(c));
  const volumeKey = (v: PersistentVolume) => queue.add(VOLUME + (v.metadata.name ?? ''));
  claims.addEventHandler({
    onAdd: claimKey,
    onUpdate: (_o, c) => claimKey(c),
    onDelete: (c) => {
      for (const v of volumes.store.list()) if (v.spec?.claimRef?.uid === c.metadata.uid) volumeKey(v);
    },
  });
  volumes.addEventHandler({
    onAdd: (v) => {
      volumeKey(v);
      for (const c of claims.store.list()) if (c.status?.phase !== 'Bound') claimKey(c);
    },
    onUpdate: (_o, v) => {
      volumeKey(v);
      // Pre-bound by the scheduler (claimRef set): the claim side binds now.
      const ref = v.spec?.claimRef;
      const c = ref?.name ? claims.store.getByName(ref.namespace ?? '', ref.name) : undefined;
      if (c && c.status?.phase !== 'Bound') claimKey(c);
    },
  });
  classes.addEventHandler({ onAdd: () => claims.store.list().forEach((c) => c.status?.phase !== 'Bound' && claimKey(c)) });
  pods.addEventHandler({
    onAdd: (p) => {
      for (const v of p.spec?.volumes ?? []) {
        if (!v.persistentVolumeClaim) continue;
        const c = claims.store.getByName(p.metadata.namespace ?? '', v.persistentVolumeClaim.claimName);
        if (c && c.status?.phase !== 'Bound') claimKey(c);
      }
    },
    onUpdate: (old, p) => {
      if (old.spec?.nodeName || !p.spec?.nodeName) return;
      for (const v of p.spec.volumes ?? []) {
        if (!v.persistentVolumeClaim) continue;
        const c = claims.store.getByName(p.metadata.namespace ?? '', v.persistentVolumeClaim.claimName);
        if (c) claimKey(c);
      }
    },
  });
  return { reconcile, stop: () => ctl.stop() };
}

export const pvBinderController: ControllerDescriptor = {
  name: PV_BINDER_CONTROLLER_NAME,
  serviceAccounts: ['persistent-volume-binder'],
  eventSource: 'persistentvolume-controller',
  start: startPvBinderController,
};
