import { deploymentResource } from '../../api/apps/deployment.js';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { pdbResource, type PodDisruptionBudget, type PodDisruptionBudgetStatus } from '../../api/policy/pdb.js';
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject, type LabelSelectorResult } from '../../api/selector.js';
import { isConflict } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { clone, NAMESPACE_INDEX, objectKey } from '../../client/store.js';
import { enqueueAll, startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { expectedPodCount, workloadFinders, type ExpectedPodCount } from './expected-pods.js';
import { countHealthyPods, disruptedPodMap, failSafeStatus, nextPdbStatus } from './pdb-status.js';
import { protoLabelSelectorString } from './selector-string.js';

/**
 * kube's disruption controller (pkg/controller/disruption): keeps every
 * PodDisruptionBudget's status — expectedPods, currentHealthy, desiredHealthy,
 * disruptionsAllowed, observedGeneration, the DisruptionAllowed condition — and expires
 * status.disruptedPods entries. The eviction subresource (apiserver/request/eviction.ts)
 * reads that status, takes disruptionsAllowed down by one and records the pod; it refuses
 * while observedGeneration < generation, so a new or edited budget blocks evictions until
 * this controller has looked at it.
 *
 * One reconcile(key) per budget, re-reading the caches. Pods, budgets (and the
 * ReplicaSet/Deployment caches that give workloads' scale) are watched; a pod change
 * enqueues the budget that selects it. A sync error writes the fail-safe status
 * (disruptionsAllowed 0, reason SyncFailed) instead of retrying, as kube does; conflicts
 * are retried. Not done: the stale DisruptionTarget pod-condition cleanup.
 */

export const DISRUPTION_CONTROLLER_NAME = 'disruption-controller';
/** kube's disruption controller records events as `controllermanager`. */
export const DISRUPTION_EVENT_SOURCE = 'controllermanager';
/** kube runs a single worker for this controller (no --concurrent-… flag). */
const WORKERS = 1;

export interface DisruptionController extends RunningController {
  reconcile(key: string): Promise<ReconcileResult>;
}

/** JSON with sorted keys and no undefined members: equal strings mean equal API objects. */
function canonicalJson(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : val,
  );
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function startDisruptionController(ctx: ControllerContext): DisruptionController {
  const { client, recorder, clock } = ctx;
  const log = ctx.logger;
  const pdbInformer: Informer<PodDisruptionBudget> = ctx.informers.informerFor<PodDisruptionBudget>(pdbResource);
  const podInformer: Informer<Pod> = ctx.informers.informerFor<Pod>(podResource);
  const rsInformer: Informer<ReplicaSet> = ctx.informers.informerFor<ReplicaSet>(replicaSetResource);
  const dInformer: Informer<Deployment> = ctx.informers.informerFor<Deployment>(deploymentResource);
  const finders = workloadFinders({
    replicaSet: (ns, name) => rsInformer.store.getByName(ns, name),
    deployment: (ns, name) => dInformer.store.getByName(ns, name),
  });

  /** LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything. Throws when invalid. */
  const selectorOf = (pdb: PodDisruptionBudget): LabelSelectorResult =>
    labelSelectorFromObject(pdb.spec?.selector as LabelSelectorObject | undefined);

  const podsForPdb = (pdb: PodDisruptionBudget): Pod[] => {
    const sel = selectorOf(pdb);
    return podInformer.store.byIndex(NAMESPACE_INDEX, pdb.metadata.namespace ?? '').filter((p) => matchesLabels(sel, p.metadata.labels));
  };

  /** The budgets selecting a pod (GetPodPodDisruptionBudgets): none for a pod without labels. */
  const pdbsForPod = (pod: Pod): PodDisruptionBudget[] => {
    if (Object.keys(pod.metadata.labels ?? {}).length === 0) return [];
    return pdbInformer.store
      .byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')
      .filter((pdb) => {
        try {
          return matchesLabels(selectorOf(pdb), pod.metadata.labels);
        } catch {
          return false;
        }
      })
      .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  };

  const writeStatus = async (pdb: PodDisruptionBudget, status: PodDisruptionBudgetStatus): Promise<void> => {
    const target = clone(pdb);
    target.status = status;
    await client.updateStatus<PodDisruptionBudget>(pdbResource, target);
  };

  /** trySync; resolves to the delay until the next disruptedPods entry expires, if any. */
  const trySync = async (pdb: PodDisruptionBudget): Promise<number | undefined> => {
    let pods: Pod[];
    try {
      pods = podsForPdb(pdb);
    } catch (err) {
      recorder.event(pdb, 'Warning', 'NoPods', `Failed to get pods: ${errorMessage(err)}`);
      throw err;
    }
    if (pods.length === 0) recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');

    let expected: ExpectedPodCount;
    try {
      expected = expectedPodCount(pdb.spec, pods, finders);
    } catch (err) {
      recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${errorMessage(err)}`);
      throw err;
    }
    if (expected.unmanagedPods.length > 0) {
      log.debug({ pdb: objectKey(pdb), pods: expected.unmanagedPods }, 'found unmanaged pods associated with this PDB');
      recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${protoLabelSelectorString(pdb.spec?.selector as LabelSelectorObject | undefined)}) were found ` +
          'to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. ' +
          'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
      );
    }

    const now = clock.now();
    const disrupted = disruptedPodMap(pods, pdb.status?.disruptedPods, now);
    for (const pod of disrupted.notDeleted) {
      log.info({ pod: objectKey(pod), pdb: objectKey(pdb) }, 'pod was expected to be deleted but it was not; updating PDB');
      // kube's message names the budget's namespace twice; kept for identical events.
      recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.namespace} to be deleted but it wasn't`);
    }
    const currentHealthy = countHealthyPods(pods, disrupted.kept, now);
    const status = nextPdbStatus(
      pdb,
      { currentHealthy, desiredHealthy: expected.desiredHealthy, expectedCount: expected.expectedCount, disruptedPods: disrupted.kept },
      now,
    );
    if (status) await writeStatus(pdb, status);
    // One ms past the expiry, so the entry is certainly dropped on the recheck.
    return disrupted.recheckAt === undefined ? undefined : disrupted.recheckAt - now + 1;
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const pdb = pdbInformer.store.get(key);
    if (!pdb) return;
    try {
      const recheckMs = await trySync(pdb);
      return recheckMs === undefined ? undefined : { requeueAfterMs: recheckMs };
    } catch (err) {
      // A conflict is retried as is; any other failure leaves the budget safe.
      if (isConflict(err)) throw err;
      log.error({ err, key }, 'failed to sync PDB');
      const safe = failSafeStatus(pdb, errorMessage(err), clock.now());
      // An identical write would only wake this controller again for the same failure.
      if (canonicalJson(safe) !== canonicalJson(pdb.status)) await writeStatus(pdb, safe);
      return;
    }
  };

  const queueCtl = startQueueController(ctx, {
    name: DISRUPTION_CONTROLLER_NAME,
    reconcile,
    waitFor: [pdbInformer, podInformer, rsInformer, dInformer],
    workers: WORKERS,
  });
  const { queue } = queueCtl;

  const enqueueFor = (pod: Pod, warnMultiple: boolean): void => {
    const pdbs = pdbsForPod(pod);
    if (pdbs.length === 0) return;
    if (pdbs.length > 1 && warnMultiple) {
      const msg = `Pod "${pod.metadata.namespace}"/"${pod.metadata.name}" matches multiple PodDisruptionBudgets.  Chose "${pdbs[0]!.metadata.name}" arbitrarily.`;
      log.info({ pod: objectKey(pod) }, msg);
      recorder.event(pod, 'Warning', 'MultiplePodDisruptionBudgets', msg);
    }
    queue.add(objectKey(pdbs[0]!));
  };

  pdbInformer.addEventHandler(enqueueAll<PodDisruptionBudget>(queue));
  podInformer.addEventHandler({
    onAdd: (pod) => enqueueFor(pod, true),
    onUpdate: (old, cur) => {
      enqueueFor(cur, true);
      // A pod that left a budget's selector must leave its counts too (kube waits for a resync).
      if (JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {})) enqueueFor(old, false);
    },
    onDelete: (pod) => enqueueFor(pod, false),
  });

  return { reconcile, stop: () => queueCtl.stop() };
}

export const disruptionController: ControllerDescriptor = {
  name: DISRUPTION_CONTROLLER_NAME,
  serviceAccounts: ['disruption-controller'],
  eventSource: DISRUPTION_EVENT_SOURCE,
  start: startDisruptionController,
};
