import { afterEach, describe, expect, it } from 'vitest';
import { cronJobResource, defaultCronJob } from '../../api/batch/cronjob.js';
import { jobResource } from '../../api/batch/job.js';
import type { CronJob, Job } from '../../api/batch/schemas.js';
import { FakeClock } from '../../lib/clock.js';
import { formatTime } from '../replicaset/pod-status.js';
import { startHarness, type Harness } from '../replicaset/test-harness.js';
import { startCronJobController, type CronJobController } from './cronjob-controller.js';

let h: Harness<CronJobController>;
afterEach(async () => {
  await h?.stop();
});

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const jobs = async () => (await h.client.list<Job>(jobResource, { namespace: 'default' })).items;

describe('CronJob controller', () => {
  it('creates a Job every minute on the injected clock and tracks it', async () => {
    h = await startHarness(startCronJobController, { clock: new FakeClock(T0 + 10_000), component: 'cronjob-controller' });
    const cj: CronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'hello', namespace: 'default' }, spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } } };
    defaultCronJob(cj);
    await h.client.create(cronJobResource, cj);
    await h.settle();
    expect(await jobs()).toHaveLength(0);
    h.clock.advance(51_000);
    await h.settle();
    let list = await jobs();
    expect(list.map((j) => j.metadata.name)).toEqual([`hello-${(T0 + 60_000) / 60_000}`]);
    let status = (await h.client.get<CronJob>(cronJobResource, 'hello', { namespace: 'default' })).status!;
    expect(status.lastScheduleTime).toBe(formatTime(T0 + 60_000));
    expect(status.active).toHaveLength(1);
    // The Job completes; the next minute brings the next Job.
    const first = list[0]!;
    first.status = { startTime: formatTime(T0 + 60_000), completionTime: formatTime(T0 + 65_000), conditions: [{ type: 'Complete', status: 'True' }] };
    await h.client.updateStatus(jobResource, first);
    await h.settle();
    h.clock.advance(60_000);
    await h.settle();
    list = await jobs();
    expect(list).toHaveLength(2);
    status = (await h.client.get<CronJob>(cronJobResource, 'hello', { namespace: 'default' })).status!;
    expect(status.lastSuccessfulTime).toBe(formatTime(T0 + 65_000));
    expect(status.active!.map((r) => r.name)).toEqual([`hello-${(T0 + 120_000) / 60_000}`]);
    const events = await h.events();
    expect(events).toContain(`Normal SuccessfulCreate Created job hello-${(T0 + 60_000) / 60_000}`);
    expect(events).toContain(`Normal SawCompletedJob Saw completed job: hello-${(T0 + 60_000) / 60_000}, condition: Complete`);
  });
});
