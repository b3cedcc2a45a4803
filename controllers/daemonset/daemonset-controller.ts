import { controllerRevisionResource } from '../../api/apps/controller-revision.js';
import { daemonSetResource } from '../../api/apps/daemonset.js';
import type { ControllerRevision, DaemonSet } from '../../api/apps/daemonset-statefulset-schemas.js';
import { nodeResource, type Node } from '../../api/core/node.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { labelSelectorFromObject, matchesLabels, type LabelSelectorResult } from '../../api/selector.js';
import type { OwnerReference } from '../../api/types.js';
import { isAlreadyExists, isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { objectKey, splitKey } from '../../client/store.js';
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
import { ControllerExpectations } from '../replicaset/expectations.js';
import { startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { daemonPodFor, daemonPodNode } from './daemon-pod.js';
import { planDaemonSet, REVISION_HASH_LABEL } from './daemon-plan.js';
import { decideRevisions, revisionData, revisionHash } from './revisions.js';
import { writeStatus } from '../util/write-status.js';

/**
 * kube's DaemonSet controller (pkg/controller/daemon): one daemon pod on every node that
 * should run one, ControllerRevisions for `kubectl rollout history/undo`, rolling update
 * with maxUnavailable/maxSurge or OnDelete, and status. Nodes joining or changing labels
 * and taints requeue every DaemonSet.
 */
export const DAEMONSET_CONTROLLER_NAME = 'daemonset-controller';

function selectorOf(ds: DaemonSet): LabelSelectorResult | undefined {
  if (!ds.spec?.selector) return undefined;
  try {
    return labelSelectorFromObject(ds.spec.selector);
  } catch {
    return undefined;
  }
}

export interface DaemonSetController extends RunningController {
  reconcile(key: string): Promise<ReconcileResult>;
}

export function startDaemonSetController(ctx: ControllerContext): DaemonSetController {
  const { client, recorder, clock } = ctx;
  const dsInformer: Informer<DaemonSet> = ctx.informers.informerFor<DaemonSet>(daemonSetResource);
  const podInformer: Informer<Pod> = ctx.informers.informerFor<Pod>(podResource);
  const nodeInformer: Informer<Node> = ctx.informers.informerFor<Node>(nodeResource);
  const crInformer: Informer<ControllerRevision> = ctx.informers.informerFor<ControllerRevision>(controllerRevisionResource);
  podInformer.addIndexer(CONTROLLER_UID_INDEX, controllerUidIndex);
  podInformer.addIndexer(ORPHAN_NAMESPACE_INDEX, orphanNamespaceIndex);
  crInformer.addIndexer(CONTROLLER_UID_INDEX, controllerUidIndex);
  const expectations = new ControllerExpectations(clock);

  /** Makes sure the current template has its revision; returns its hash. */
  const syncRevisions = async (ds: DaemonSet, pods: readonly Pod[]): Promise<string> => {
    const name = ds.metadata.name!;
    const ns = ds.metadata.namespace;
    const revisions = crInformer.store.byIndex(CONTROLLER_UID_INDEX, ds.metadata.uid!);
    const inUse = new Set(pods.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL] ?? ''));
    const d = decideRevisions(ds, name, revisions, inUse);
    const hash = revisionHash(ds);
    if (d.createRevision !== undefined) {
      const cr: ControllerRevision = {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: {
          name: `${name}-${hash}`,
          namespace: ns,
          labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
          annotations: pickChangeCause(ds),
          ownerReferences: [newControllerRef(ds, 'apps/v1', 'DaemonSet')],
        },
        data: revisionData(ds.spec?.template),
        revision: d.createRevision,
      };
      try {
        await client.create(controllerRevisionResource, cr, { namespace: ns });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
    if (d.current && d.bumpTo !== undefined) {
      await client.patch(controllerRevisionResource, d.current.metadata.name!, { revision: d.bumpTo }, { type: 'merge', namespace: ns });
    }
    for (const old of d.prune) {
      await client.delete(controllerRevisionResource, old.metadata.name!, { namespace: ns }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
    return hash;
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const ds = dsInformer.store.get(key);
    if (!ds) {
      expectations.delete(key);
      return;
    }
    const selector = selectorOf(ds);
    if (!selector) return;
    const { namespace } = splitKey(key);
    const ref: OwnerReference = newControllerRef(ds, 'apps/v1', 'DaemonSet');
    const pods = await claimObjects<Pod>({
      client,
      ref: podResource,
      owner: ds,
      ownerRef: ref,
      candidates: [...podInformer.store.byIndex(CONTROLLER_UID_INDEX, ds.metadata.uid!), ...podInformer.store.byIndex(ORPHAN_NAMESPACE_INDEX, namespace)],
      matches: (p) => matchesLabels(selector, p.metadata.labels),
      canAdopt: recheckOwner(client, daemonSetResource, ds),
    });
    if (ds.metadata.deletionTimestamp) return;
    const hash = await syncRevisions(ds, pods);
    const byNode = new Map<string, Pod[]>();
    for (const p of pods) {
      const n = daemonPodNode(p);
      if (!n) continue;
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const now = clock.now();
    const plan = planDaemonSet(ds, nodeInformer.store.list(), byNode, hash, now);
    let firstError: unknown;
    if (expectations.satisfied(key)) {
      for (const p of plan.failed) {
        recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${daemonPodNode(p)}, will try to kill it`);
      }
      const victims = [...new Set([...plan.failed, ...plan.delete])];
      if (victims.length > 0) expectations.expectDeletions(key, victims.map((p) => objectKey(p)));
      for (const p of victims) {
        try {
          await client.delete(podResource, p.metadata.name!, { namespace: p.metadata.namespace });
          recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (err) {
          expectations.deletionObserved(key, objectKey(p));
          if (!isNotFound(err)) firstError ??= err;
        }
      }
      if (plan.createOn.length > 0) expectations.expectCreations(key, plan.createOn.length);
      for (const node of plan.createOn) {
        try {
          const created = await client.create<Pod>(podResource, daemonPodFor(ds, ref, node, hash), { namespace: ds.metadata.namespace });
          recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        } catch (err) {
          expectations.creationObserved(key);
          recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
          firstError ??= err;
        }
      }
    }
    if (!statusEqual(ds.status ?? {}, plan.status)) {
      if ((await writeStatus(client, daemonSetResource, ds, plan.status)) === 'gone') return;
    }
    if (firstError) throw firstError;
    // Pods becoming available after minReadySeconds change the status without an event.
    const minReady = ds.spec?.minReadySeconds ?? 0;
    return minReady > 0 && (plan.status.numberReady ?? 0) > (plan.status.numberAvailable ?? 0) ? { requeueAfterMs: minReady * 1000 } : undefined;
  };

  const ctl = startQueueController(ctx, { name: DAEMONSET_CONTROLLER_NAME, reconcile, waitFor: [dsInformer, podInformer, nodeInformer, crInformer], workers: 2 });
  const { queue } = ctl;
  const enqueueAll = () => {
    for (const ds of dsInformer.store.list()) queue.add(objectKey(ds));
  };
  const ownerKey = (pod: Pod): string | undefined => {
    const r = controllerOf(pod);
    if (!r || r.kind !== 'DaemonSet') return undefined;
    const ds = dsInformer.store.getByName(pod.metadata.namespace ?? '', r.name);
    return ds && ds.metadata.uid === r.uid ? objectKey(ds) : undefined;
  };
  podInformer.addEventHandler({
    onAdd: (pod) => {
      const key = ownerKey(pod);
      if (!key) return;
      if (pod.metadata.deletionTimestamp) expectations.deletionObserved(key, objectKey(pod));
      else expectations.creationObserved(key);
      queue.add(key);
    },
    onUpdate: (old, cur) => {
      const key = ownerKey(cur);
      if (!key) return;
      if (cur.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) expectations.deletionObserved(key, objectKey(cur));
      queue.add(key);
    },
    onDelete: (pod) => {
      const key = ownerKey(pod);
      if (!key) return;
      expectations.deletionObserved(key, objectKey(pod));
      queue.add(key);
    },
  });
  nodeInformer.addEventHandler({
    onAdd: enqueueAll,
    onUpdate: (old, cur) => {
      const changed = JSON.stringify([old.metadata.labels, old.spec?.taints]) !== JSON.stringify([cur.metadata.labels, cur.spec?.taints]);
      if (changed) enqueueAll();
    },
    onDelete: enqueueAll,
  });
  dsInformer.addEventHandler({
    onAdd: (ds) => queue.add(objectKey(ds)),
    onUpdate: (_o, ds) => queue.add(objectKey(ds)),
    onDelete: (ds) => {
      expectations.delete(objectKey(ds));
      queue.add(objectKey(ds));
    },
  });
  return { reconcile, stop: () => ctl.stop() };
}

/** kubectl's change-cause annotation travels from the owner to its revision (kubectl rollout history shows it). */
function pickChangeCause(ds: DaemonSet): Record<string, string> | undefined {
  const cause = ds.metadata.annotations?.['kubernetes.io/change-cause'];
  return cause ? { 'kubernetes.io/change-cause': cause } : undefined;
}

export const daemonSetController: ControllerDescriptor = {
  name: DAEMONSET_CONTROLLER_NAME,
  serviceAccounts: ['daemon-set-controller'],
  eventSource: DAEMONSET_CONTROLLER_NAME,
  start: startDaemonSetController,
};
