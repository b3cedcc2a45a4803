import { deploymentResource } from '../../api/apps/deployment.js';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { labelSelectorFromObject, matchesLabels, type LabelSelectorResult } from '../../api/selector.js';
import type { OwnerReference } from '../../api/types.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import { clone, objectKey } from '../../client/store.js';
import { startQueueController } from '../runner.js';
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
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { desiredReplicasAnnotation } from './annotations.js';
import { DeploymentSync } from './deployment-sync.js';
import { calculateStatus, deploymentComplete, pausedConditionStatus, rolloutStatus, sameStatus, stuckRequeueAfterMs } from './deployment-status.js';
import { filterActive, replicasOf, strategyOf } from './replica-maths.js';
import { oldPodsRunning, planCleanup, planNewReplicaSet, planOldReplicaSets, planRecreateScaleDown, planScale } from './rollout-plan.js';

/**
 * kube's Deployment controller (pkg/controller/deployment), one reconcile(key) per
 * Deployment: claims its ReplicaSets, then — paused or scaling: proportional scaling
 * only; otherwise a RollingUpdate or Recreate step — and writes status and conditions.
 * Decisions are pure (rollout-plan.ts, deployment-status.ts); writes go through
 * DeploymentSync. A step makes one change and returns: the ReplicaSet controller's
 * status updates bring the Deployment back for the next step.
 */

export const DEPLOYMENT_CONTROLLER_NAME = 'deployment-controller';
/** kube's --concurrent-deployment-syncs default is 5. */
const WORKERS = 5;

function selectorOf(obj: Deployment | undefined): LabelSelectorResult | undefined {
  try {
    return labelSelectorFromObject(obj?.spec?.selector);
  } catch {
    return undefined;
  }
}

export interface DeploymentController extends RunningController {
  reconcile(key: string): Promise<ReconcileResult>;
}

export function startDeploymentController(ctx: ControllerContext): DeploymentController {
  const { client, recorder, clock } = ctx;
  const log = ctx.logger;
  const dInformer = ctx.informers.informerFor<Deployment>(deploymentResource);
  const rsInformer = ctx.informers.informerFor<ReplicaSet>(replicaSetResource);
  const podInformer = ctx.informers.informerFor<Pod>(podResource);
  rsInformer.addIndexer(CONTROLLER_UID_INDEX, controllerUidIndex);
  rsInformer.addIndexer(ORPHAN_NAMESPACE_INDEX, orphanNamespaceIndex);
  podInformer.addIndexer(CONTROLLER_UID_INDEX, controllerUidIndex);
  const deps = { client, recorder, log, now: () => clock.now() };

  /** getReplicaSetsForDeployment: owned ReplicaSets plus adopted orphans, minus released ones. */
  const claimReplicaSets = (d: Deployment, selector: LabelSelectorResult): Promise<ReplicaSet[]> =>
    claimObjects<ReplicaSet>({
      client,
      ref: replicaSetResource,
      owner: d,
      ownerRef: newControllerRef(d, 'apps/v1', 'Deployment'),
      candidates: [
        ...rsInformer.store.byIndex(CONTROLLER_UID_INDEX, d.metadata.uid!),
        ...rsInformer.store.byIndex(ORPHAN_NAMESPACE_INDEX, d.metadata.namespace ?? ''),
      ],
      matches: (rs) => matchesLabels(selector, rs.metadata.labels),
      canAdopt: recheckOwner(client, deploymentResource, d),
    }).then((list) => list.map((rs) => clone(rs)));

  /** The pods of each claimed ReplicaSet, by ReplicaSet UID (for Recreate). */
  const podsByReplicaSet = (rsList: readonly ReplicaSet[]): Map<string, Pod[]> =>
    new Map(rsList.map((rs) => [rs.metadata.uid!, podInformer.store.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid!)]));

  /** sync(): a scaling event or a paused Deployment — proportional scaling, cleanup, status. */
  const syncScaling = async (s: DeploymentSync): Promise<void> => {
    const { newRS, oldRSs } = await s.newAndOld(false);
    await s.apply(planScale(s.d, newRS, oldRSs));
    // kube cleans up old ReplicaSets here only while paused.
    if (s.d.spec?.paused) await s.deleteReplicaSets(planCleanup(s.d, oldRSs.map((rs) => s.current(rs))));
    const all = [...oldRSs, newRS].filter((rs): rs is ReplicaSet => !!rs).map((rs) => s.current(rs));
    await s.writeStatus(calculateStatus(s.d, all, newRS && s.current(newRS), clock.now()));
  };

  /** syncRolloutStatus; returns when to look again for a stuck rollout. */
  const syncRolloutStatus = async (s: DeploymentSync, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<ReconcileResult> => {
    const cur = newRS && s.current(newRS);
    const all = [...oldRSs.map((rs) => s.current(rs)), ...(cur ? [cur] : [])];
    const now = clock.now();
    const next = rolloutStatus(s.d, all, cur, now);
    if (sameStatus(s.d.status, next)) {
      const after = stuckRequeueAfterMs(s.d, next, now);
      return after === undefined ? undefined : { requeueAfterMs: after };
    }
    await s.writeStatus(next, true);
    return undefined;
  };

  const rolloutRolling = async (s: DeploymentSync): Promise<ReconcileResult> => {
    const { newRS, oldRSs } = await s.newAndOld(true);
    const all = () => [...oldRSs, newRS!].map((rs) => s.current(rs));
    const target = planNewReplicaSet(s.d, all(), s.current(newRS!));
    if (target !== undefined && (await s.scale(newRS!, target))) return syncRolloutStatus(s, newRS, oldRSs);
    const activeOld = filterActive(oldRSs.map((rs) => s.current(rs)));
    if (await s.apply(planOldReplicaSets(s.d, all(), activeOld, s.current(newRS!)))) return syncRolloutStatus(s, newRS, oldRSs);
    if (deploymentComplete(s.d, s.d.status)) await s.deleteReplicaSets(planCleanup(s.d, oldRSs.map((rs) => s.current(rs))));
    return syncRolloutStatus(s, newRS, oldRSs);
  };

  const rolloutRecreate = async (s: DeploymentSync, podsByRS: Map<string, Pod[]>): Promise<ReconcileResult> => {
    // The new ReplicaSet is not created before the old pods are gone.
    let { newRS, oldRSs } = await s.newAndOld(false);
    const activeOld = filterActive(oldRSs.map((rs) => s.current(rs)));
    if (await s.apply(planRecreateScaleDown(activeOld))) return syncRolloutStatus(s, newRS, oldRSs);
    if (oldPodsRunning(newRS, oldRSs.map((rs) => s.current(rs)), podsByRS)) return syncRolloutStatus(s, newRS, oldRSs);
    if (!newRS) ({ newRS, oldRSs } = await s.newAndOld(true));
    await s.scale(newRS!, replicasOf(s.d));
    if (deploymentComplete(s.d, s.d.status)) await s.deleteReplicaSets(planCleanup(s.d, oldRSs.map((rs) => s.current(rs))));
    return syncRolloutStatus(s, newRS, oldRSs);
  };

  /** isScalingEvent: an active ReplicaSet records a desired size other than spec.replicas. */
  const isScalingEvent = async (s: DeploymentSync): Promise<boolean> => {
    const { newRS, oldRSs } = await s.newAndOld(false);
    return filterActive([...oldRSs, newRS].map((rs) => rs && s.current(rs))).some((rs) => {
      const desired = desiredReplicasAnnotation(rs);
      return desired !== undefined && desired !== replicasOf(s.d);
    });
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const cached = dInformer.store.get(key);
    if (!cached) return;
    const d = clone(cached);
    const sel = d.spec?.selector;
    if (sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
      recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await client.updateStatus(deploymentResource, { ...d, status: { ...d.status, observedGeneration: d.metadata.generation } });
      }
      return;
    }
    const selector = selectorOf(d);
    if (!selector) {
      log.error({ key }, 'invalid selector; ignoring Deployment');
      return;
    }
    const rsList = await claimReplicaSets(d, selector);
    const podsByRS = podsByReplicaSet(rsList);
    const s = new DeploymentSync(deps, d, rsList);

    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await s.newAndOld(false);
      const all = [...oldRSs, ...(newRS ? [newRS] : [])];
      await s.writeStatus(calculateStatus(s.d, all, newRS, clock.now()));
      return;
    }
    const paused = pausedConditionStatus(s.d, clock.now());
    if (paused) await s.writeStatus(paused, true);
    if (s.d.spec?.paused) return syncScaling(s);
    if (await isScalingEvent(s)) return syncScaling(s);
    return strategyOf(s.d).type === 'Recreate' ? rolloutRecreate(s, podsByRS) : rolloutRolling(s);
  };

  const queueCtl = startQueueController(ctx, {
    name: DEPLOYMENT_CONTROLLER_NAME,
    reconcile,
    waitFor: [dInformer, rsInformer, podInformer],
    workers: WORKERS,
  });
  const { queue } = queueCtl;

  const resolve = (namespace: string | undefined, ref: OwnerReference | undefined): Deployment | undefined => {
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = dInformer.store.getByName(namespace ?? '', ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  };
  const enqueueOwner = (namespace: string | undefined, ref: OwnerReference | undefined): void => {
    const d = resolve(namespace, ref);
    if (d) queue.add(objectKey(d));
  };
  const enqueueMatching = (rs: ReplicaSet): void => {
    for (const d of dInformer.store.byIndex('namespace', rs.metadata.namespace ?? '')) {
      const sel = selectorOf(d);
      if (sel && matchesLabels(sel, rs.metadata.labels)) queue.add(objectKey(d));
    }
  };

  dInformer.addEventHandler({
    onAdd: (d) => queue.add(objectKey(d)),
    onUpdate: (_o, d) => queue.add(objectKey(d)),
    onDelete: (d) => queue.add(objectKey(d)),
  });
  rsInformer.addEventHandler({
    onAdd: (rs) => {
      const ref = controllerOf(rs);
      if (ref) return enqueueOwner(rs.metadata.namespace, ref);
      if (!rs.metadata.deletionTimestamp) enqueueMatching(rs);
    },
    onUpdate: (old, cur) => {
      if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
      const oldRef = controllerOf(old);
      const curRef = controllerOf(cur);
      const refChanged = JSON.stringify(oldRef) !== JSON.stringify(curRef);
      if (refChanged && oldRef) enqueueOwner(old.metadata.namespace, oldRef);
      if (curRef) return enqueueOwner(cur.metadata.namespace, curRef);
      const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
      if (labelsChanged || refChanged) enqueueMatching(cur);
    },
    onDelete: (rs) => enqueueOwner(rs.metadata.namespace, controllerOf(rs)),
  });
  podInformer.addEventHandler({
    // Recreate waits for old pods to go: their deletion lets it move on.
    onDelete: (pod) => {
      const rsRef = controllerOf(pod);
      if (!rsRef || rsRef.kind !== 'ReplicaSet') return;
      const rs = rsInformer.store.getByName(pod.metadata.namespace ?? '', rsRef.name);
      if (!rs || rs.metadata.uid !== rsRef.uid) return;
      const d = resolve(rs.metadata.namespace, controllerOf(rs));
      if (d && strategyOf(d).type === 'Recreate') queue.add(objectKey(d));
    },
  });

  return { reconcile, stop: () => queueCtl.stop() };
}

export const deploymentController: ControllerDescriptor = {
  name: DEPLOYMENT_CONTROLLER_NAME,
  serviceAccounts: ['deployment-controller'],
  eventSource: DEPLOYMENT_CONTROLLER_NAME,
  start: startDeploymentController,
};
