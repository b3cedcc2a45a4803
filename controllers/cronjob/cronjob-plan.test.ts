import { describe, expect, it } from 'vitest';
import type { CronJob, Job } from '../../api/batch/schemas.js';
import { formatTime } from '../replicaset/pod-status.js';
import { jobFromCronJob, jobNameFor, planCronJob, rfc3339In } from './cronjob-plan.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function cron(spec: NonNullable<CronJob['spec']> = {}, status: CronJob['status'] = {}): CronJob {
  return {
    metadata: { name: 'hello', namespace: 'default', uid: 'cj-uid', creationTimestamp: formatTime(T0) },
    spec: { schedule: '* * * * *', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { template: { spec: { containers: [] } } } }, ...spec },
    status,
  };
}

function job(name: string, state?: 'Complete' | 'Failed', startMs = T0): Job {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: formatTime(startMs) },
    spec: {},
    status: {
      startTime: formatTime(startMs),
      ...(state ? { conditions: [{ type: state, status: 'True' }], ...(state === 'Complete' ? { completionTime: formatTime(startMs + 5000) } : {}) } : {}),
    },
  };
}

describe('planCronJob', () => {
  it('waits for the first schedule time, then creates its Job', () => {
    const early = planCronJob(cron(), [], T0 + 30_000);
    expect(early.createAt).toBeUndefined();
    expect(early.requeueAfterMs).toBe(30_100);
    const due = planCronJob(cron(), [], T0 + 61_000);
    expect(due.createAt).toBe(T0 + 60_000);
    expect(due.status.lastScheduleTime).toBe(formatTime(T0 + 60_000));
  });

  it('does not create the same scheduled Job twice', () => {
    const name = jobNameFor('hello', T0 + 60_000);
    const plan = planCronJob(cron(), [job(name)], T0 + 61_000);
    expect(plan.createAt).toBeUndefined();
    expect(plan.status.active).toEqual([expect.objectContaining({ name, kind: 'Job' })]);
  });

  it.each([
    ['Allow', 'create', 0],
    ['Forbid', 'skip', 0],
    ['Replace', 'create', 1],
  ])('concurrencyPolicy %s with a running Job: %s', (policy, what, deletes) => {
    const running = job('hello-old');
    const plan = planCronJob(cron({ concurrencyPolicy: policy }, { active: [{ kind: 'Job', name: 'hello-old', uid: 'uid-hello-old' }], lastScheduleTime: formatTime(T0) }), [running], T0 + 61_000);
    expect(plan.createAt !== undefined).toBe(what === 'create');
    expect(plan.delete).toHaveLength(deletes);
    if (policy === 'Forbid') expect(plan.events[0]).toMatchObject({ reason: 'JobAlreadyActive' });
  });

  it('notices finished Jobs and keeps the history limits', () => {
    const jobs = [job('a', 'Complete', T0 - 4000), job('b', 'Complete', T0 - 3000), job('c', 'Complete', T0 - 2000), job('d', 'Complete', T0 - 1000), job('e', 'Failed', T0 - 500), job('f', 'Failed', T0 - 100)];
    const plan = planCronJob(cron({}, { active: [{ name: 'd', uid: 'uid-d' }], lastScheduleTime: formatTime(T0) }), jobs, T0 + 1000);
    expect(plan.delete.map((j) => j.metadata.name)).toEqual(['a', 'e']);
    expect(plan.events).toContainEqual({ type: 'Normal', reason: 'SawCompletedJob', message: 'Saw completed job: d, condition: Complete' });
    expect(plan.status.active).toBeUndefined();
    expect(plan.status.lastSuccessfulTime).toBe(formatTime(T0 - 1000 + 5000));
  });

  it('skips a start older than startingDeadlineSeconds', () => {
    // Scheduled at :01:00, seen at :01:30 with a 10 s deadline: the window holds no time.
    const plan = planCronJob(cron({ startingDeadlineSeconds: 10 }, { lastScheduleTime: formatTime(T0) }), [], T0 + 90_000);
    expect(plan.createAt).toBeUndefined();
    expect(plan.requeueAfterMs).toBe(30_100);
    // Within the deadline it runs.
    expect(planCronJob(cron({ startingDeadlineSeconds: 60 }, { lastScheduleTime: formatTime(T0) }), [], T0 + 90_000).createAt).toBe(T0 + 60_000);
  });

  it('warns about too many missed start times and still runs the latest', () => {
    const plan = planCronJob(cron(), [], T0 + 3 * 3_600_000 + 1000);
    expect(plan.events[0]).toMatchObject({ type: 'Warning', reason: 'TooManyMissedTimes' });
    expect(plan.createAt).toBe(T0 + 3 * 3_600_000);
  });

  it.each([
    ['suspended', cron({ suspend: true }), undefined],
    ['unparseable', cron({ schedule: 'bad' }), 'UnparseableSchedule'],
    ['unknown zone', cron({ timeZone: 'Mars/Olympus' }), 'UnknownTimeZone'],
  ])('creates nothing when %s', (_n, cj, reason) => {
    const plan = planCronJob(cj, [], T0 + 61_000);
    expect(plan.createAt).toBeUndefined();
    expect(plan.events[0]?.reason).toBe(reason);
  });

  it('builds the Job with the scheduled-timestamp annotation in the CronJob time zone', () => {
    const j = jobFromCronJob(cron({ jobTemplate: { metadata: { labels: { a: 'b' } }, spec: { backoffLimit: 2 } } }), T0, 'Asia/Tokyo');
    expect(j.metadata.name).toBe(`hello-${T0 / 60_000}`);
    expect(j.metadata.annotations).toEqual({ 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T21:00:00+09:00' });
    expect(j.metadata.labels).toEqual({ a: 'b' });
    expect(j.metadata.ownerReferences![0]).toMatchObject({ kind: 'CronJob', name: 'hello', controller: true });
    expect(j.spec).toEqual({ backoffLimit: 2 });
    expect(rfc3339In(T0, undefined)).toBe('2026-01-01T12:00:00Z');
    expect(rfc3339In(T0, 'America/New_York')).toBe('2026-01-01T07:00:00-05:00');
  });
});
