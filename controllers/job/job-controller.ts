import { jobResource } from '../../api/batch/job.js';
import type { Job } from '../../api/batch/schemas.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { labelSelectorFromObject, matchesLabels, type LabelSelectorResult } from '../../api/selector.js';
import type { OwnerReference } from '../../api/types.js';
import { ApiError, isConflict, isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { clone, objectKey, splitKey } from '../../client/store.js';
import { statusEqual } from './status-equal.js';
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
} from '../replicaset/controller-ref.js';
import { ControllerExpectations } from '../replicaset/expectations.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from '../replicaset/slow-start.js';
import { isJobFinished, planJob } from './job-plan.js';
import { podFromJob } from './pod-from-job.js';

/**
 * kube's Job controller (pkg/controller/job), one reconcile(key) per Job: claims the pods
 * its selector matches, asks planJob (pure) what to do, then creates and deletes pods,
 * writes status and records events. Expectations keep it from creating again before the
 * informer has seen its previous creates, as the ReplicaSet controller does.
 */

export const JOB_CONTROLLER_NAME = 'job-controller';
const WORKERS = 5;
/** The most pods one sync creates (kube's MaxPodCreateDeletePerSync is 500). */
const MAX_CREATES_PER_SYNC = 500;

function namespaceTerminating(err: unknown): boolean {
  return err instanceof ApiError && !!err.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating');
}

function selectorOf(job: Job): LabelSelectorResult | undefined {
  // The apiserver always sets one (generated or manual); without it the Job matches nothing.
  if (!job.spec?.selector) return undefined;
  try {
    return labelSelectorFromObject(job.spec?.selector);
  } catch {
    return undefined;
  }
}

export interface JobController extends RunningController {
  reconcile(key: string): Promise<ReconcileResult>;
}

export function startJobController(ctx: ControllerContext): JobController {
  const { client, recorder, clock } = ctx;
  const log = ctx.logger;
  const jobInformer: Informer<Job> = ctx.informers.informerFor<Job>(jobResource);
  const podInformer: Informer<Pod> = ctx.informers.informerFor<Pod>(podResource);
  podInformer.addIndexer(CONTROLLER_UID_INDEX, controllerUidIndex);
  podInformer.addIndexer(ORPHAN_NAMESPACE_INDEX, orphanNamespaceIndex);
  const expectations = new ControllerExpectations(clock);

  const createPod = async (job: Job, ref: OwnerReference, index: number | undefined): Promise<void> => {
    try {
      const created = await client.create<Pod>(podResource, podFromJob(job, ref, index), { namespace: job.metadata.namespace });
      recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (err) {
      if (namespaceTerminating(err)) return;
      recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  };

  const deletePod = async (job: Job, key: string, pod: Pod): Promise<void> => {
    const name = pod.metadata.name!;
    try {
      await client.delete(podResource, name, { namespace: job.metadata.namespace });
      recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      expectations.deletionObserved(key, objectKey(pod));
      if (isNotFound(err)) return;
      recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw err;
    }
  };

  const writeStatus = async (job: Job, status: NonNullable<Job['status']>): Promise<void> => {
    let target = clone(job);
    for (let attempt = 0; ; attempt++) {
      target.status = status;
      try {
        await client.updateStatus<Job>(jobResource, target);
        return;
      } catch (err) {
        if (attempt >= 1 || !isConflict(err)) throw err;
        target = await client.get<Job>(jobResource, job.metadata.name!, { namespace: job.metadata.namespace });
      }
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const job = jobInformer.store.get(key);
    if (!job) {
      expectations.delete(key);
      return;
    }
    if (isJobFinished(job) || job.metadata.deletionTimestamp) return;
    const selector = selectorOf(job);
    if (!selector) {
      log.error({ key }, 'invalid selector; ignoring Job');
      return;
    }
    if (!expectations.satisfied(key)) return;
    const { namespace } = splitKey(key);
    const candidates = [...podInformer.store.byIndex(CONTROLLER_UID_INDEX, job.metadata.uid!), ...podInformer.store.byIndex(ORPHAN_NAMESPACE_INDEX, namespace)];
    const ref = newControllerRef(job, 'batch/v1', 'Job');
    const pods = await claimObjects<Pod>({
      client,
      ref: podResource,
      owner: job,
      ownerRef: ref,
      candidates,
      matches: (p) => matchesLabels(selector, p.metadata.labels),
      canAdopt: recheckOwner(client, jobResource, job),
    });
    const plan = planJob(job, pods, clock.now());
    const creates = plan.create.slice(0, MAX_CREATES_PER_SYNC);
    let manageError: unknown;
    if (plan.delete.length > 0) {
      expectations.expectDeletions(key, plan.delete.map((p) => objectKey(p)));
      const results = await Promise.allSettled(plan.delete.map((p) => deletePod(job, key, p)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) manageError = failed.reason;
    }
    if (creates.length > 0) {
      expectations.expectCreations(key, creates.length);
      let i = 0;
      const { successes, error } = await slowStartBatch(creates.length, SLOW_START_INITIAL_BATCH_SIZE, () => createPod(job, ref, creates[i++]!.index));
      for (let n = successes; n < creates.length; n++) expectations.creationObserved(key);
      if (error !== undefined) {
        manageError ??= error;
        plan.status.active = Math.max(0, (plan.status.active ?? 0) - (creates.length - successes)) || undefined;
        if (plan.status.active === undefined) delete plan.status.active;
      }
    }
    if (!statusEqual(job.status ?? {}, plan.status)) await writeStatus(job, plan.status);
    for (const e of plan.events) recorder.event(job, e.type, e.reason, e.message);
    if (manageError) throw manageError;
    return plan.requeueAfterMs === undefined ? undefined : { requeueAfterMs: plan.requeueAfterMs };
  };

  const queueCtl = startQueueController(ctx, { name: JOB_CONTROLLER_NAME, reconcile, waitFor: [jobInformer, podInformer], workers: WORKERS });
  const { queue } = queueCtl;

  const resolve = (namespace: string | undefined, ref: OwnerReference | undefined): string | undefined => {
    if (!ref || ref.kind !== 'Job') return undefined;
    const job = jobInformer.store.getByName(namespace ?? '', ref.name);
    return job && job.metadata.uid === ref.uid ? objectKey(job) : undefined;
  };
  const enqueueMatching = (pod: Pod): void => {
    for (const job of jobInformer.store.byIndex('namespace', pod.metadata.namespace ?? '')) {
      const sel = selectorOf(job);
      if (sel && matchesLabels(sel, pod.metadata.labels)) queue.add(objectKey(job));
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
      if (cur.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) return onPodDelete(cur);
      const key = resolve(cur.metadata.namespace, controllerOf(cur));
      if (key) queue.add(key);
      else if (!controllerOf(cur)) enqueueMatching(cur);
    },
    onDelete: onPodDelete,
  });

  jobInformer.addEventHandler({
    onAdd: (job) => queue.add(objectKey(job)),
    onUpdate: (old, cur) => {
      if (old.metadata.uid !== cur.metadata.uid) expectations.delete(objectKey(old));
      queue.add(objectKey(cur));
    },
    onDelete: (job) => {
      expectations.delete(objectKey(job));
      queue.add(objectKey(job));
    },
  });

  return { reconcile, stop: () => queueCtl.stop() };
}

export const jobController: ControllerDescriptor = {
  name: JOB_CONTROLLER_NAME,
  serviceAccounts: ['job-controller'],
  eventSource: JOB_CONTROLLER_NAME,
  start: startJobController,
};
