import { controllerRevisionResource } from '../../api/apps/controller-revision.js';
import type { ControllerRevision, StatefulSet } from '../../api/apps/daemonset-statefulset-schemas.js';
import { statefulSetResource } from '../../api/apps/statefulset.js';
import { persistentVolumeClaimResource, type PersistentVolumeClaim } from '../../api/core/persistent-volume.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { labelSelectorFromObject, matchesLabels } from '../../api/selector.js';
import { isAlreadyExists, isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { objectKey, splitKey } from '../../client/store.js';
import { decideRevisions, revisionData, revisionHash } from '../daemonset/revisions.js';
import { statusEqual } from '../job/status-equal.js';
import {
  claimObjects,
  CONTROLLER_UID_INDEX,
  controllerOf,
  controllerUidIndex,
  newControllerRef,
  ORPHAN_NAMESPACE_INDEX,
  orphanNamespaceIndex,
  recheckOwner,
} from '../replicaset/controller-ref.js';
import { startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { ordinalOf, planStatefulSet, REVISION_LABEL } from './stateful-plan.js';
import { claimsFor, statefulPodFor } from './stateful-pod.js';
import { writeStatus } from '../util/write-status.js';

/**
 * kube's StatefulSet controller (pkg/controller/statefulset): stable pod names and
 * claims, ordered or parallel pod management, rolling update with partition or OnDelete,
 * ControllerRevisions, the claim retention policy on scale-down and deletion, status.
 * Events use kube's wording: "create Pod web-0 in StatefulSet web successful".
 */
export const STATEFULSET_CONTROLLER_NAME = 'statefulset-controller';

export function startStatefulSetController(ctx: ControllerContext): RunningController & { reconcile(key: string): Promise<ReconcileResult> } {
  const { client, recorder, clock } = ctx;
  const setInformer: Informer<StatefulSet> = ctx.informers.informerFor<StatefulSet>(statefulSetResource);
  const podInformer: Informer<Pod> = ctx.informers.informerFor<Pod>(podResource);
  const crInformer: Informer<ControllerRevision> = ctx.informers.informerFor<ControllerRevision>(controllerRevisionResource);
  const pvcInformer: Informer<PersistentVolumeClaim> = ctx.informers.informerFor<PersistentVolumeClaim>(persistentVolumeClaimResource);
  podInformer.addIndexer(CONTROLLER_UID_INDEX, controllerUidIndex);
  podInformer.addIndexer(ORPHAN_NAMESPACE_INDEX, orphanNamespaceIndex);
  crInformer.addIndexer(CONTROLLER_UID_INDEX, controllerUidIndex);

  const syncRevisions = async (set: StatefulSet, pods: readonly Pod[]): Promise<string> => {
    const name = set.metadata.name!;
    const ns = set.metadata.namespace;
    const revisions = crInformer.store.byIndex(CONTROLLER_UID_INDEX, set.metadata.uid!);
    const d = decideRevisions(set as never, name, revisions, new Set(pods.map((p) => p.metadata.labels?.[REVISION_LABEL] ?? '')));
    const hash = revisionHash(set as never);
    const revName = `${name}-${hash}`;
    if (d.createRevision !== undefined) {
      const cr: ControllerRevision = {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: { name: revName, namespace: ns, labels: { ...(set.spec?.template?.metadata?.labels ?? {}), [REVISION_LABEL]: revName }, ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')] },
        data: revisionData(set.spec?.template),
        revision: d.createRevision,
      };
      await client.create(controllerRevisionResource, cr, { namespace: ns }).catch((err: unknown) => {
        if (!isAlreadyExists(err)) throw err;
      });
    }
    if (d.current && d.bumpTo !== undefined) await client.patch(controllerRevisionResource, d.current.metadata.name!, { revision: d.bumpTo }, { type: 'merge', namespace: ns });
    for (const old of d.prune) await client.delete(controllerRevisionResource, old.metadata.name!, { namespace: ns }).catch(() => undefined);
    // kube's StatefulSet pods carry the revision's name as their controller-revision-hash.
    return revName;
  };

  const ensureClaims = async (set: StatefulSet, ordinal: number, podName: string): Promise<void> => {
    for (const claim of claimsFor(set, ordinal)) {
      if (pvcInformer.store.getByName(set.metadata.namespace ?? '', claim.metadata.name!)) continue;
      // Claims deleted with the set only under whenDeleted: Delete (owned by the set).
      if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete') {
        claim.metadata.ownerReferences = [{ ...newControllerRef(set, 'apps/v1', 'StatefulSet'), controller: true }];
      }
      try {
        await client.create(persistentVolumeClaimResource, claim, { namespace: set.metadata.namespace });
        recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${podName} in StatefulSet ${set.metadata.name} success`);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`);
        throw err;
      }
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const set = setInformer.store.get(key);
    if (!set || !set.spec?.selector) return;
    let selector;
    try {
      selector = labelSelectorFromObject(set.spec.selector);
    } catch {
      return;
    }
    const { namespace } = splitKey(key);
    const pods = await claimObjects<Pod>({
      client,
      ref: podResource,
      owner: set,
      ownerRef: newControllerRef(set, 'apps/v1', 'StatefulSet'),
      candidates: [...podInformer.store.byIndex(CONTROLLER_UID_INDEX, set.metadata.uid!), ...podInformer.store.byIndex(ORPHAN_NAMESPACE_INDEX, namespace)],
      matches: (p) => matchesLabels(selector, p.metadata.labels) && ordinalOf(set.metadata.name!, p) !== undefined,
      canAdopt: recheckOwner(client, statefulSetResource, set),
    });
    if (set.metadata.deletionTimestamp) return;
    const updateRevision = await syncRevisions(set, pods);
    const currentRevision = set.status?.currentRevision || updateRevision;
    const plan = planStatefulSet(set, pods, updateRevision, currentRevision, clock.now());
    const ref = newControllerRef(set, 'apps/v1', 'StatefulSet');
    for (const p of plan.delete) {
      try {
        await client.delete(podResource, p.metadata.name!, { namespace: p.metadata.namespace });
        recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      // whenScaled: Delete removes the claims of ordinals above replicas.
      const o = ordinalOf(set.metadata.name!, p)!;
      const start = set.spec.ordinals?.start ?? 0;
      if (set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete' && o >= start + (set.spec.replicas ?? 1)) {
        for (const c of claimsFor(set, o)) await client.delete(persistentVolumeClaimResource, c.metadata.name!, { namespace: set.metadata.namespace }).catch(() => undefined);
      }
    }
    for (const o of plan.create) {
      const pod = statefulPodFor(set, ref, o, updateRevision);
      await ensureClaims(set, o, pod.metadata.name!);
      try {
        await client.create(podResource, pod, { namespace: set.metadata.namespace });
        recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`);
        throw err;
      }
    }
    if (!statusEqual(set.status ?? {}, plan.status)) {
      if ((await writeStatus(client, statefulSetResource, set, plan.status)) === 'gone') return;
    }
    const minReady = set.spec.minReadySeconds ?? 0;
    return minReady > 0 && (plan.status.readyReplicas ?? 0) > (plan.status.availableReplicas ?? 0) ? { requeueAfterMs: minReady * 1000 } : undefined;
  };

  const ctl = startQueueController(ctx, { name: STATEFULSET_CONTROLLER_NAME, reconcile, waitFor: [setInformer, podInformer, crInformer, pvcInformer], workers: 2 });
  const { queue } = ctl;
  const ownerKey = (pod: Pod): string | undefined => {
    const r = controllerOf(pod);
    if (!r || r.kind !== 'StatefulSet') return undefined;
    const set = setInformer.store.getByName(pod.metadata.namespace ?? '', r.name);
    return set && set.metadata.uid === r.uid ? objectKey(set) : undefined;
  };
  const onPod = (pod: Pod) => {
    const key = ownerKey(pod);
    if (key) queue.add(key);
  };
  podInformer.addEventHandler({ onAdd: onPod, onUpdate: (_o, p) => onPod(p), onDelete: onPod });
  setInformer.addEventHandler({ onAdd: (s) => queue.add(objectKey(s)), onUpdate: (_o, s) => queue.add(objectKey(s)), onDelete: (s) => queue.add(objectKey(s)) });
  return { reconcile, stop: () => ctl.stop() };
}

export const statefulSetController: ControllerDescriptor = {
  name: STATEFULSET_CONTROLLER_NAME,
  serviceAccounts: ['statefulset-controller'],
  eventSource: STATEFULSET_CONTROLLER_NAME,
  start: startStatefulSetController,
};
