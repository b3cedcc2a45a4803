import type { CronJob, CronJobStatus, Job } from '../../api/batch/schemas.js';
import { isValidTimeZone, mostRecentScheduleTime, parseSchedule, type Schedule } from '../../api/batch/cron-schedule.js';
import type { ObjectReference } from '../../api/meta.js';
import { formatTime, parseTime } from '../replicaset/pod-status.js';
import { isJobFinished, jobCondition } from '../job/job-plan.js';

/**
 * What the CronJob controller does next for one CronJob (kube's cronjob_controllerv2
 * syncCronJob), from the CronJob, the Jobs it controls and the time. Pure: the controller
 * creates and deletes Jobs, writes status and events as the plan says.
 */

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** kube gives up counting missed start times past 100 and tells the user. */
const MAX_MISSED = 100;

export interface CronJobPlan {
  status: CronJobStatus;
  /** The schedule time of the Job to create, if one is due. */
  createAt?: number;
  /** Jobs to delete: Replace's running ones and history beyond the limits. */
  delete: Job[];
  events: Array<{ type: 'Normal' | 'Warning'; reason: string; message: string }>;
  requeueAfterMs?: number;
}

/** getTimeHashInMinutes: the Job name suffix, minutes since the epoch. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

function refOf(job: Job): ObjectReference {
  return {
    kind: 'Job',
    namespace: job.metadata.namespace,
    name: job.metadata.name,
    uid: job.metadata.uid,
    apiVersion: 'batch/v1',
    resourceVersion: job.metadata.resourceVersion,
  };
}

function finishedType(job: Job): string | undefined {
  if (jobCondition(job, 'Complete')?.status === 'True') return 'Complete';
  if (jobCondition(job, 'Failed')?.status === 'True') return 'Failed';
  return undefined;
}

/** Oldest first, by start time, then creation (kube's byJobStartTime). */
function byStart(a: Job, b: Job): number {
  const sa = a.status?.startTime ?? a.metadata.creationTimestamp ?? '';
  const sb = b.status?.startTime ?? b.metadata.creationTimestamp ?? '';
  return sa === sb ? (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '') : sa.localeCompare(sb);
}

export function planCronJob(cj: CronJob, children: readonly Job[], nowMs: number): CronJobPlan {
  const spec = cj.spec ?? {};
  const status: CronJobStatus = structuredClone(cj.status ?? {});
  const plan: CronJobPlan = { status, delete: [], events: [] };

  // 1. Reconcile status.active with the Jobs that exist and have not finished.
  const byUid = new Map(children.map((j) => [j.metadata.uid, j]));
  const active: ObjectReference[] = [];
  for (const ref of status.active ?? []) {
    const job = byUid.get(ref.uid);
    if (!job) continue;
    const done = finishedType(job);
    if (done) {
      plan.events.push({ type: 'Normal', reason: 'SawCompletedJob', message: `Saw completed job: ${job.metadata.name}, condition: ${done}` });
      continue;
    }
    active.push(ref);
  }
  for (const job of children) {
    if (!isJobFinished(job) && !job.metadata.deletionTimestamp && !active.some((r) => r.uid === job.metadata.uid)) active.push(refOf(job));
  }
  for (const job of children) {
    const completion = parseTime(job.status?.completionTime);
    if (finishedType(job) === 'Complete' && completion !== undefined) {
      const last = parseTime(status.lastSuccessfulTime);
      if (last === undefined || completion > last) status.lastSuccessfulTime = formatTime(completion);
    }
  }
  status.active = active;

  // 2. History limits.
  const limits: Array<[string, number | undefined]> = [
    ['Complete', spec.successfulJobsHistoryLimit],
    ['Failed', spec.failedJobsHistoryLimit],
  ];
  for (const [type, limit] of limits) {
    if (limit === undefined) continue;
    const finished = children.filter((j) => finishedType(j) === type && !j.metadata.deletionTimestamp).sort(byStart);
    plan.delete.push(...finished.slice(0, Math.max(0, finished.length - limit)));
  }

  if (cj.metadata.deletionTimestamp) return finalize(plan);
  const tz = spec.timeZone;
  if (tz !== undefined && !isValidTimeZone(tz)) {
    plan.events.push({ type: 'Warning', reason: 'UnknownTimeZone', message: `invalid timeZone: "${tz}": unknown time zone ${tz}` });
    return finalize(plan);
  }
  if (spec.suspend) return finalize(plan);
  let schedule: Schedule;
  try {
    schedule = parseSchedule(spec.schedule ?? '');
  } catch (err) {
    plan.events.push({ type: 'Warning', reason: 'UnparseableSchedule', message: `unparseable schedule: "${spec.schedule}" : ${(err as Error).message}` });
    return finalize(plan);
  }

  // 3. The most recent unmet schedule time.
  let earliest = parseTime(status.lastScheduleTime) ?? parseTime(cj.metadata.creationTimestamp) ?? nowMs;
  if (spec.startingDeadlineSeconds !== undefined) earliest = Math.max(earliest, nowMs - spec.startingDeadlineSeconds * 1000);
  const { mostRecent, missed, next } = mostRecentScheduleTime(schedule, earliest, nowMs, tz, MAX_MISSED + 1);
  // kube requeues 100 ms after the next time, so the clock has surely passed it.
  plan.requeueAfterMs = next - nowMs + 100;
  if (missed > MAX_MISSED) {
    plan.events.push({
      type: 'Warning',
      reason: 'TooManyMissedTimes',
      message: `too many missed start times: ${missed - 1}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
    });
  }
  if (mostRecent === undefined) return finalize(plan);
  if (spec.startingDeadlineSeconds !== undefined && mostRecent + spec.startingDeadlineSeconds * 1000 < nowMs) {
    plan.events.push({ type: 'Warning', reason: 'MissSchedule', message: `Missed scheduled time to start a job: ${rfc1123z(mostRecent)}` });
    return finalize(plan);
  }
  const name = jobNameFor(cj.metadata.name!, mostRecent);
  if (children.some((j) => j.metadata.name === name)) return finalize(plan);
  if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
    plan.events.push({ type: 'Normal', reason: 'JobAlreadyActive', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' });
    return finalize(plan);
  }
  if (spec.concurrencyPolicy === 'Replace') {
    for (const ref of active) {
      const job = byUid.get(ref.uid);
      if (job) plan.delete.push(job);
    }
    status.active = [];
  }
  plan.createAt = mostRecent;
  status.lastScheduleTime = formatTime(mostRecent);
  return finalize(plan);
}

function finalize(plan: CronJobPlan): CronJobPlan {
  if (plan.status.active && plan.status.active.length === 0) delete plan.status.active;
  return plan;
}

/** The Job a CronJob creates for a schedule time (kube's getJobFromTemplate2). */
export function jobFromCronJob(cj: CronJob, scheduledMs: number, tz: string | undefined): Job {
  const template = cj.spec?.jobTemplate ?? {};
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata.name!, scheduledMs),
      namespace: cj.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      annotations: { ...(meta.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339In(scheduledMs, tz) },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

/** RFC 3339 of a time as seen in a time zone (`2026-01-01T09:00:00+09:00`); UTC writes `Z`. */
export function rfc3339In(ms: number, tz: string | undefined): string {
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC') return formatTime(ms);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  const local = Date.UTC(Number(get('year')), Number(get('month')) - 1, Number(get('day')), Number(get('hour')), Number(get('minute')), Number(get('second')));
  const offsetMin = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  if (offsetMin === 0) return formatTime(ms);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}${off}`;
}

/** Go's time.RFC1123Z of a UTC time: `Thu, 01 Jan 2026 12:00:00 +0000`. */
export function rfc1123z(ms: number): string {
  return new Date(ms).toUTCString().replace(/ GMT$/, ' +0000');
}
