import { jobResource } from '../../api/batch/job.js';
import type { Job } from '../../api/batch/schemas.js';
import { isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import { objectKey } from '../../client/store.js';
import { enqueueAll, startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { jobExpiresAt } from './ttl-expiry.js';

/**
 * kube's ttl-after-finished-controller: deletes a finished Job (with its pods, through
 * foreground cascading deletion) ttlSecondsAfterFinished after it finished; requeues the
 * Job for exactly that moment otherwise.
 */
export const TTL_AFTER_FINISHED_CONTROLLER_NAME = 'ttl-after-finished-controller';

export function startTtlAfterFinishedController(ctx: ControllerContext): RunningController & { reconcile(key: string): Promise<ReconcileResult> } {
  const jobs = ctx.informers.informerFor<Job>(jobResource);
  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const job = jobs.store.get(key);
    if (!job) return;
    const at = jobExpiresAt(job);
    if (at === undefined) return;
    const now = ctx.clock.now();
    if (now < at) return { requeueAfterMs: at - now };
    ctx.logger.info({ key }, 'cleaning up finished Job whose TTL expired');
    try {
      // The uid precondition keeps a re-created Job of the same name safe.
      await ctx.client.delete(jobResource, job.metadata.name!, {
        namespace: job.metadata.namespace,
        propagationPolicy: 'Foreground',
        preconditions: { uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return;
  };
  const ctl = startQueueController(ctx, { name: TTL_AFTER_FINISHED_CONTROLLER_NAME, reconcile, waitFor: [jobs] });
  jobs.addEventHandler(enqueueAll<Job>(ctl.queue, objectKey));
  return { reconcile, stop: () => ctl.stop() };
}

export const ttlAfterFinishedController: ControllerDescriptor = {
  name: TTL_AFTER_FINISHED_CONTROLLER_NAME,
  serviceAccounts: ['ttl-after-finished-controller'],
  start: startTtlAfterFinishedController,
};
