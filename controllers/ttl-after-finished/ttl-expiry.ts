import type { Job } from '../../api/batch/schemas.js';
import { parseTime } from '../replicaset/pod-status.js';

/**
 * kube's ttlafterfinished timeLeft: when a finished Job with spec.ttlSecondsAfterFinished
 * may be deleted (its Complete or Failed condition's transition time plus the TTL), or
 * undefined when it is not eligible (unfinished, no TTL, being deleted). Pure.
 */
export function jobExpiresAt(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || job.metadata.deletionTimestamp) return undefined;
  const done = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (!done) return undefined;
  const finishedAt = parseTime(done.lastTransitionTime) ?? parseTime(job.status?.completionTime);
  return finishedAt === undefined ? undefined : finishedAt + ttl * 1000;
}
