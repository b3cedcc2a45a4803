import { afterEach, describe, expect, it } from 'vitest';
import { defaultJob, generateJobSelector, jobResource } from '../../api/batch/job.js';
import type { Job } from '../../api/batch/schemas.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { formatTime } from '../replicaset/pod-status.js';
import { startHarness, type Harness } from '../replicaset/test-harness.js';
import { startJobController, type JobController } from './job-controller.js';

let h: Harness<JobController>;
afterEach(async () => {
  await h?.stop();
});

const pods = async (): Promise<Pod[]> => (await h.client.list<Pod>(podResource, { namespace: 'default' })).items;
const getJob = (name = 'pi') => h.client.get<Job>(jobResource, name, { namespace: 'default' });

function makeJob(name: string, spec: NonNullable<Job['spec']> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } }, ...spec },
  };
}

/** What the kubelet would write when the pod's container exits. */
async function finish(pod: Pod, exitCode: number): Promise<void> {
  const fresh = await h.client.get<Pod>(podResource, pod.metadata.name!, { namespace: 'default' });
  fresh.status = {
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    containerStatuses: [
      { name: 'pi', ready: false, restartCount: 0, image: 'perl:5.34', imageID: '', state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: formatTime(h.clock.now()) } } },
    ],
  };
  await h.client.updateStatus(podResource, fresh);
}

/** Creates the Job as the apiserver would: generated selector and labels, kube's defaults. */
async function createJob(job: Job): Promise<Job> {
  const created = await h.client.create(jobResource, job);
  generateJobSelector(created);
  defaultJob(created);
  return h.client.update(jobResource, created);
}

describe('Job controller', () => {
  it('runs the pi Job to Complete, with kube status, conditions and events', async () => {
    h = await startHarness(startJobController, { component: 'job-controller' });
    const job = await createJob(makeJob('pi'));
    await h.settle();
    const [p] = await pods();
    expect(p!.metadata.name).toMatch(/^pi-[a-z0-9]{5}$/);
    expect(p!.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'pi', 'job-name': 'pi', 'batch.kubernetes.io/controller-uid': job.metadata.uid });
    expect(p!.metadata.ownerReferences![0]).toMatchObject({ kind: 'Job', name: 'pi', controller: true });
    expect((await getJob()).status).toMatchObject({ active: 1, ready: 0, startTime: expect.any(String) });
    h.clock.advance(30_000);
    await finish(p!, 0);
    await h.settle();
    const done = await getJob();
    expect(done.status).toMatchObject({ succeeded: 1, ready: 0, terminating: 0, completionTime: expect.any(String), uncountedTerminatedPods: {} });
    expect(done.status!.active).toBeUndefined();
    expect(done.status!.conditions!.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    const events = await h.events();
    expect(events).toContain(`Normal SuccessfulCreate Created pod: ${p!.metadata.name}`);
    expect(events).toContain('Normal Completed Job completed');
  });

  it('retries failed pods after the backoff and fails at backoffLimit', async () => {
    h = await startHarness(startJobController, { component: 'job-controller' });
    await createJob(makeJob('pi', { backoffLimit: 1 }));
    await h.settle();
    await finish((await pods())[0]!, 1);
    await h.settle();
    expect(await pods()).toHaveLength(1);
    h.clock.advance(10_000);
    await h.settle();
    const second = (await pods()).find((p) => p.status?.phase !== 'Failed')!;
    expect(second).toBeDefined();
    await finish(second, 2);
    await h.settle();
    const job = await getJob();
    expect(job.status!.failed).toBe(2);
    expect(job.status!.conditions!.map((c) => c.type)).toEqual(['FailureTarget', 'Failed']);
    expect(await h.events()).toContain('Warning BackoffLimitExceeded Job has reached the specified backoff limit');
  });

  it('runs an Indexed Job with JOB_COMPLETION_INDEX and per-index names', async () => {
    h = await startHarness(startJobController, { component: 'job-controller' });
    await createJob(makeJob('idx', { completionMode: 'Indexed', completions: 3, parallelism: 3 }));
    await h.settle();
    const list = await pods();
    expect(list.map((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index']).sort()).toEqual(['0', '1', '2']);
    const p0 = list.find((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index'] === '0')!;
    expect(p0.metadata.name).toMatch(/^idx-0-[a-z0-9]{5}$/);
    expect(p0.spec!.hostname).toBe('idx-0');
    expect(p0.spec!.containers[0]!.env).toEqual([
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    for (const p of list) await finish(p, 0);
    await h.settle();
    const job = await h.client.get<Job>(jobResource, 'idx', { namespace: 'default' });
    expect(job.status).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
  });

  it('suspends and resumes', async () => {
    h = await startHarness(startJobController, { component: 'job-controller' });
    await createJob(makeJob('pi', { suspend: true }));
    await h.settle();
    expect(await pods()).toHaveLength(0);
    expect((await getJob()).status!.conditions![0]).toMatchObject({ type: 'Suspended', status: 'True' });
    await h.client.patch(jobResource, 'pi', { spec: { suspend: false } }, { type: 'merge', namespace: 'default' });
    await h.settle();
    expect(await pods()).toHaveLength(1);
    expect(await h.events()).toEqual(expect.arrayContaining(['Normal Suspended Job suspended', 'Normal Resumed Job resumed']));
  });

  it('fails a Job whose pods never start at its activeDeadlineSeconds', async () => {
    h = await startHarness(startJobController, { component: 'job-controller' });
    await createJob(makeJob('stuck', { activeDeadlineSeconds: 60 }));
    await h.settle();
    expect(await pods()).toHaveLength(1);
    h.clock.advance(61_000);
    await h.settle();
    const job = await h.client.get<Job>(jobResource, 'stuck', { namespace: 'default' });
    // The pod is deleted; the fake client removes it at once, so the Job is Failed.
    expect(job.status!.conditions!.map((c) => [c.type, c.reason])).toEqual([
      ['FailureTarget', 'DeadlineExceeded'],
      ['Failed', 'DeadlineExceeded'],
    ]);
    expect(await pods()).toHaveLength(0);
  });
});
