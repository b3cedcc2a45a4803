import { cronJobResource } from '../../api/batch/cronjob.js';
import { jobResource } from '../../api/batch/job.js';
import type { CronJob, Job } from '../../api/batch/schemas.js';
import { isAlreadyExists, isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/store.js';
import { CONTROLLER_UID_INDEX, controllerOf, controllerUidIndex } from '../replicaset/controller-ref.js';
import { startQueueController } from '../runner.js';
import { statusEqual } from '../job/status-equal.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { jobFromCronJob, planCronJob } from './cronjob-plan.js';
import { writeStatus } from '../util/write-status.js';

/**
 * kube's CronJob controller (cronjob_controllerv2): one reconcile(key) per CronJob, which
 * plans with planCronJob (pure), creates the due Job, deletes what Replace or the history
 * limits remove, writes status, and requeues for the next schedule time on the injected
 * clock (so an accelerated or fake clock runs schedules faster).
 */
export const CRONJOB_CONTROLLER_NAME = 'cronjob-controller';

export interface CronJobController extends RunningController {
  reconcile(key: string): Promise<ReconcileResult>;
}

export function startCronJobController(ctx: ControllerContext): CronJobController {
  const { client, recorder, clock } = ctx;
  const cronJobs: Informer<CronJob> = ctx.informers.informerFor<CronJob>(cronJobResource);
  const jobs: Informer<Job> = ctx.informers.informerFor<Job>(jobResource);
  jobs.addIndexer(CONTROLLER_UID_INDEX, controllerUidIndex);

  const deleteJob = async (cj: CronJob, job: Job): Promise<void> => {
    try {
      await client.delete(jobResource, job.metadata.name!, { namespace: job.metadata.namespace, propagationPolicy: 'Background' });
      recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    } catch (err) {
      if (isNotFound(err)) return;
      recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
      throw err;
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const cj = cronJobs.store.get(key);
    if (!cj) return;
    const children = jobs.store.byIndex(CONTROLLER_UID_INDEX, cj.metadata.uid!);
    const plan = planCronJob(cj, children, clock.now());
    for (const job of plan.delete) await deleteJob(cj, job);
    if (plan.createAt !== undefined) {
      const desired = jobFromCronJob(cj, plan.createAt, cj.spec?.timeZone);
      try {
        const created = await client.create<Job>(jobResource, desired, { namespace: cj.metadata.namespace });
        recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
        plan.status.active = [
          ...(plan.status.active ?? []),
          { kind: 'Job', namespace: created.metadata.namespace, name: created.metadata.name, uid: created.metadata.uid, apiVersion: 'batch/v1', resourceVersion: created.metadata.resourceVersion },
        ];
      } catch (err) {
        // Already created by an earlier sync whose status write was lost: nothing to do.
        if (!isAlreadyExists(err)) {
          recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
          throw err;
        }
      }
    }
    for (const e of plan.events) recorder.event(cj, e.type, e.reason, e.message);
    if (!statusEqual(cj.status ?? {}, plan.status)) {
      if ((await writeStatus(client, cronJobResource, cj, plan.status)) === 'gone') return;
    }
    return plan.requeueAfterMs === undefined ? undefined : { requeueAfterMs: plan.requeueAfterMs };
  };

  const ctl = startQueueController(ctx, { name: CRONJOB_CONTROLLER_NAME, reconcile, waitFor: [cronJobs, jobs] });
  const { queue } = ctl;
  const enqueueOwner = (job: Job): void => {
    const ref = controllerOf(job);
    if (!ref || ref.kind !== 'CronJob') return;
    const cj = cronJobs.store.getByName(job.metadata.namespace ?? '', ref.name);
    if (cj && cj.metadata.uid === ref.uid) queue.add(objectKey(cj));
  };
  jobs.addEventHandler({ onAdd: enqueueOwner, onUpdate: (_o, j) => enqueueOwner(j), onDelete: enqueueOwner });
  cronJobs.addEventHandler({
    onAdd: (cj) => queue.add(objectKey(cj)),
    onUpdate: (old, cur) => {
      // Status writes of our own need no new sync; spec changes (schedule, suspend) do.
      if (old.metadata.generation !== cur.metadata.generation || old.metadata.uid !== cur.metadata.uid) queue.add(objectKey(cur));
    },
  });
  return { reconcile, stop: () => ctl.stop() };
}

export const cronJobController: ControllerDescriptor = {
  name: CRONJOB_CONTROLLER_NAME,
  serviceAccounts: ['cronjob-controller'],
  eventSource: 'cronjob-controller',
  start: startCronJobController,
};
