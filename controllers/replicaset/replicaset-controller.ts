import type { ReplicaSet } from '../../api/apps/schemas.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { labelSelectorFromObject, matchesLabels, type LabelSelectorResult } from '../../api/selector.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { ApiError, isConflict, isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { clone, objectKey, splitKey } from '../../client/store.js';
import { startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import {
  claimObjects,
  CONTROLLER_UID_INDEX,
  controllerOf,
  controllerUidIndex,
  newControllerRef,
  ORPHAN_NAMESPACE_INDEX,
  orphanNamespaceIndex,
  recheckOwner,
} from './controller-ref.js';
import { ControllerExpectations } from './expectations.js';
import { podFromTemplate } from './pod-template.js';
import { isPodActive } from './pod-status.js';
import { podsToDelete } from './rank-pods.js';
import { REPLICASET_CONTROLLER_NAME, replicaSetKind, type ReplicaSetKind } from './replicaset-kind.js';
import { calculateReplicaSetStatus, nextAvailableAt, replicaSetStatusUnchanged } from './replicaset-status.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from './slow-start.js';

/**
 * kube's ReplicaSet controller (pkg/controller/replicaset), one reconcile(key) per
 * ReplicaSet: claims the active pods its selector matches (adopting orphans, releasing
 * pods that stopped matching), creates or deletes pods until spec.replicas run, and writes
 * status. Expectations (expectations.ts) keep it from acting again on a key until the
 * informer has seen its previous creates and deletes; a deleted pod is therefore replaced
 * as soon as its deletion is observed.
 *
 * The same controller runs ReplicationControllers (controllers/replication/), as kube's
 * replication manager is this controller behind a conversion adapter: `kind` says which
 * resource it watches and writes, and how its objects read as ReplicaSets.
 */

export { REPLICASET_CONTROLLER_NAME };
/** kube's --concurrent-replicaset-syncs default is 5. */
const WORKERS = 5;
/** kube's BurstReplicas: the most pods one sync creates or deletes. */
export const BURST_REPLICAS = 500;

function namespaceTerminating(err: unknown): boolean {
  return err instanceof ApiError && !!err.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating');
}

function selectorOf(rs: ReplicaSet): LabelSelectorResult | undefined {
  try {
    return labelSelectorFromObject(rs.spec?.selector);
  } catch {
    return undefined;
  }
}

export interface ReplicaSetController extends RunningController {
  readonly expectations: ControllerExpectations;
  reconcile(key: string): Promise<ReconcileResult>;
}

export function startReplicaSetController(ctx: ControllerContext, kind: ReplicaSetKind = replicaSetKind): ReplicaSetController {
  const { client, recorder, clock } = ctx;
  const log = ctx.logger;
  const rsInformer: Informer<KubeObject> = ctx.informers.informerFor<KubeObject>(kind.resource);
  const asRS = kind.toReplicaSet;
  const podInformer: Informer<Pod> = ctx.informers.informerFor<Pod>(podResource);
  rsInformer.addIndexer(CONTROLLER_UID_INDEX, controllerUidIndex);
  podInformer.addIndexer(CONTROLLER_UID_INDEX, controllerUidIndex);
  podInformer.addIndexer(ORPHAN_NAMESPACE_INDEX, orphanNamespaceIndex);
  const expectations = new ControllerExpectations(clock);

  /** The pods of this ReplicaSet and of its siblings (same controller), for deletion ranking. */
  const relatedPods = (rs: ReplicaSet): Pod[] => {
    const owner = controllerOf(rs);
    const siblings = owner ? rsInformer.store.byIndex(CONTROLLER_UID_INDEX, owner.uid) : [rs as KubeObject];
    return siblings.flatMap((s) => podInformer.store.byIndex(CONTROLLER_UID_INDEX, s.metadata.uid!));
  };

  const createPod = async (rs: ReplicaSet, ref: OwnerReference): Promise<void> => {
    try {
      const created = await client.create<Pod>(podResource, podFromTemplate(rs, ref), { namespace: rs.metadata.namespace });
      recorder.event(kind.fromReplicaSet(rs), 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (err) {
      // A terminating namespace refuses every create: nothing to report or retry.
      if (namespaceTerminating(err)) return;
      recorder.event(kind.fromReplicaSet(rs), 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  };

  const deletePod = async (rs: ReplicaSet, key: string, pod: Pod): Promise<void> => {
    const name = pod.metadata.name!;
    try {
      await client.delete(podResource, name, { namespace: rs.metadata.namespace });
      recorder.event(kind.fromReplicaSet(rs), 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      // The informer will never report this deletion: stop expecting it.
      expectations.deletionObserved(key, objectKey(pod));
      if (isNotFound(err)) return;
      recorder.event(kind.fromReplicaSet(rs), 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw new Error(`unable to delete pods: ${(err as Error).message}`);
    }
  };

  /** Creates or deletes pods towards spec.replicas; resolves to the error that stopped it, if any. */
  const manageReplicas = async (rs: ReplicaSet, key: string, pods: Pod[]): Promise<Error | undefined> => {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      expectations.expectCreations(key, count);
      log.info({ key, need: rs.spec?.replicas, creating: count }, 'too few replicas');
      const ref = newControllerRef(rs, kind.apiVersion, kind.kind);
      const { successes, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH_SIZE, () => createPod(rs, ref));
      // Creates never attempted (or failed) will never be observed.
      for (let i = successes; i < count; i++) expectations.creationObserved(key);
      return error === undefined ? undefined : (error as Error);
    }
    if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      log.info({ key, need: rs.spec?.replicas, deleting: count }, 'too many replicas');
      const victims = podsToDelete(pods, count, { now: clock.now(), relatedPods: relatedPods(rs) });
      expectations.expectDeletions(key, victims.map((p) => objectKey(p)));
      const results = await Promise.allSettled(victims.map((p) => deletePod(rs, key, p)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      return failed ? (failed.reason as Error) : undefined;
    }
    return undefined;
  };

  const writeStatus = async (rs: ReplicaSet, status: NonNullable<ReplicaSet['status']>): Promise<ReplicaSet> => {
    status.observedGeneration = rs.metadata.generation;
    // kube's omitempty fields: zero counters are not written (replicas always is).
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const) {
      if (!status[k]) delete status[k];
    }
    let target = clone(kind.fromReplicaSet(rs));
    for (let attempt = 0; ; attempt++) {
      target.status = status;
      try {
        return asRS(await client.updateStatus(kind.resource, target));
      } catch (err) {
        if (attempt >= 1 || !isConflict(err)) throw err;
        target = await client.get(kind.resource, rs.metadata.name!, { namespace: rs.metadata.namespace });
      }
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const cached = rsInformer.store.get(key);
    const rs = cached && asRS(cached);
    if (!rs) {
      expectations.delete(key);
      return;
    }
    const needsSync = expectations.satisfied(key);
    const selector = selectorOf(rs);
    if (!selector) {
      log.error({ key }, 'invalid selector; ignoring ReplicaSet');
      return;
    }
    const { namespace } = splitKey(key);
    const candidates = [
      ...podInformer.store.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid!),
      ...podInformer.store.byIndex(ORPHAN_NAMESPACE_INDEX, namespace),
    ].filter(isPodActive);
    const pods = await claimObjects<Pod>({
      client,
      ref: podResource,
      owner: rs,
      ownerRef: newControllerRef(rs, kind.apiVersion, kind.kind),
      candidates,
      matches: (p) => matchesLabels(selector, p.metadata.labels),
      canAdopt: recheckOwner(client, kind.resource, rs),
    });
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) manageError = await manageReplicas(rs, key, pods);
    const now = clock.now();
    const status = calculateReplicaSetStatus(rs, pods, manageError, now);
    if (!replicaSetStatusUnchanged(rs, status)) await writeStatus(rs, status);
    if (manageError) throw manageError;
    const at = nextAvailableAt(rs, pods, now);
    return at === undefined ? undefined : { requeueAfterMs: Math.max(0, at - now) };
  };

  const queueCtl = startQueueController(ctx, { name: kind.controllerName, reconcile, waitFor: [rsInformer, podInformer], workers: WORKERS });
  const { queue } = queueCtl;

  /** The ReplicaSet a controller reference names, if it is in the cache with that UID. */
  const resolve = (namespace: string | undefined, ref: OwnerReference | undefined): string | undefined => {
    if (!ref || ref.kind !== kind.kind) return undefined;
    const rs = rsInformer.store.getByName(namespace ?? '', ref.name);
    return rs && rs.metadata.uid === ref.uid ? objectKey(rs) : undefined;
  };
  const enqueueMatching = (pod: Pod): void => {
    for (const rs of rsInformer.store.byIndex('namespace', pod.metadata.namespace ?? '')) {
      const sel = selectorOf(asRS(rs));
      if (sel && matchesLabels(sel, pod.metadata.labels)) queue.add(objectKey(rs));
    }
  };
  const onPodDelete = (pod: Pod): void => {
    const key = resolve(pod.metadata.namespace, controllerOf(pod));
    if (!key) return;
    expectations.deletionObserved(key, objectKey(pod));
    queue.add(key);
  };

  podInformer.addEventHandler({
    onAdd: (pod) => {
      // A pod that shows up already terminating must not count as an observed creation.
      if (pod.metadata.deletionTimestamp) return onPodDelete(pod);
      const ref = controllerOf(pod);
      if (ref) {
        const key = resolve(pod.metadata.namespace, ref);
        if (!key) return;
        expectations.creationObserved(key);
        queue.add(key);
        return;
      }
      enqueueMatching(pod);
    },
    onUpdate: (old, cur) => {
      if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
      const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
      if (cur.metadata.deletionTimestamp) {
        onPodDelete(cur);
        if (labelsChanged) onPodDelete(old);
        return;
      }
      const oldRef = controllerOf(old);
      const curRef = controllerOf(cur);
      const refChanged = JSON.stringify(oldRef) !== JSON.stringify(curRef);
      if (refChanged && oldRef) {
        const key = resolve(old.metadata.namespace, oldRef);
        if (key) queue.add(key);
      }
      if (curRef) {
        const key = resolve(cur.metadata.namespace, curRef);
        if (key) queue.add(key);
        return;
      }
      if (labelsChanged || refChanged) enqueueMatching(cur);
    },
    onDelete: onPodDelete,
  });

  rsInformer.addEventHandler({
    onAdd: (rs) => queue.add(objectKey(rs)),
    onUpdate: (old, cur) => {
      if (old.metadata.uid !== cur.metadata.uid) expectations.delete(objectKey(old));
      queue.add(objectKey(cur));
    },
    onDelete: (rs) => {
      const key = objectKey(rs);
      expectations.delete(key);
      queue.add(key);
    },
  });

  return {
    expectations,
    reconcile,
    stop: () => queueCtl.stop(),
  };
}

/** The controller-manager entry of a ReplicaSet controller running `kind`. */
export function replicaSetControllerFor(kind: ReplicaSetKind): ControllerDescriptor {
  return {
    name: kind.controllerName,
    aliases: [kind.alias],
    serviceAccounts: [kind.serviceAccount],
    eventSource: kind.eventSource,
    start: (ctx) => startReplicaSetController(ctx, kind),
  };
}

export const replicaSetController: ControllerDescriptor = replicaSetControllerFor(replicaSetKind);
