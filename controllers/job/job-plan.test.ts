import { describe, expect, it } from 'vitest';
import type { Job } from '../../api/batch/schemas.js';
import type { Pod } from '../../api/core/pod.js';
import { formatTime } from '../replicaset/pod-status.js';
import { COMPLETION_INDEX_ANNOTATION, planJob } from './job-plan.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function makeJob(spec: NonNullable<Job['spec']> = {}, status: Job['status'] = {}): Job {
  return {
    metadata: { name: 'pi', namespace: 'default', uid: 'u1', creationTimestamp: formatTime(T0) },
    spec: { parallelism: 1, completions: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, template: { spec: { restartPolicy: 'Never', containers: [] } }, ...spec },
    status,
  };
}

let seq = 0;
function pod(phase: string, opts: { index?: number; exitCode?: number; finishedAt?: number; ready?: boolean; deleting?: boolean; restarts?: number } = {}): Pod {
  const name = `pi-${seq++}`;
  const p: Pod = {
    metadata: { name, namespace: 'default', creationTimestamp: formatTime(T0 + seq) },
    spec: { containers: [{ name: 'pi', image: 'perl' }] },
    status: { phase, conditions: opts.ready ? [{ type: 'Ready', status: 'True' }] : [] },
  } as Pod;
  if (opts.index !== undefined) p.metadata.annotations = { [COMPLETION_INDEX_ANNOTATION]: String(opts.index) };
  if (opts.deleting) p.metadata.deletionTimestamp = formatTime(T0);
  if (opts.exitCode !== undefined || opts.restarts !== undefined) {
    p.status!.containerStatuses = [
      {
        name: 'pi',
        ready: false,
        restartCount: opts.restarts ?? 0,
        image: 'perl',
        imageID: '',
        state: opts.exitCode !== undefined ? { terminated: { exitCode: opts.exitCode, finishedAt: formatTime(opts.finishedAt ?? T0) } } : { running: {} },
      },
    ];
  }
  return p;
}

const types = (job: { conditions?: { type: string; status: string }[] }) => (job.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type);

describe('planJob', () => {
  it('starts the first pod and the clock', () => {
    const plan = planJob(makeJob(), [], T0);
    expect(plan.create).toEqual([{}]);
    expect(plan.status).toMatchObject({ startTime: formatTime(T0), active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
  });

  it.each([
    ['completions 5, parallelism 2', { completions: 5, parallelism: 2 }, [] as string[], 2],
    ['4 of 5 done, parallelism 2: one left', { completions: 5, parallelism: 2 }, ['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded'], 1],
    ['work queue: parallelism 3, none done', { completions: undefined, parallelism: 3 }, [], 3],
    ['work queue: one done, no new pods', { completions: undefined, parallelism: 3 }, ['Succeeded', 'Running'], 0],
    ['already at parallelism', { completions: 5, parallelism: 2 }, ['Running', 'Running'], 0],
  ])('%s', (_name, spec, phases, creates) => {
    const plan = planJob(makeJob(spec), phases.map((ph) => pod(ph)), T0);
    expect(plan.create).toHaveLength(creates);
  });

  it('marks success first, then Complete once no pod runs', () => {
    const plan = planJob(makeJob(), [pod('Succeeded')], T0 + 5000);
    expect(types(plan.status)).toEqual(['SuccessCriteriaMet', 'Complete']);
    expect(plan.status.conditions![0]).toMatchObject({ reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    expect(plan.status.completionTime).toBe(formatTime(T0 + 5000));
    expect(plan.status.succeeded).toBe(1);
    expect(plan.events).toEqual([{ type: 'Normal', reason: 'Completed', message: 'Job completed' }]);
  });

  it('waits after a failure (exponential backoff), then replaces the pod', () => {
    const job = makeJob({}, { startTime: formatTime(T0) });
    const failed = [pod('Failed', { exitCode: 1, finishedAt: T0 })];
    const early = planJob(job, failed, T0 + 3000);
    expect(early.create).toHaveLength(0);
    expect(early.requeueAfterMs).toBe(7000);
    expect(early.status.failed).toBe(1);
    const later = planJob(job, failed, T0 + 10_000);
    expect(later.create).toHaveLength(1);
    // Two failures: 20 s.
    const two = planJob(job, [...failed, pod('Failed', { exitCode: 1, finishedAt: T0 + 1000 })], T0 + 11_000);
    expect(two.requeueAfterMs).toBe(10_000);
  });

  it('fails past backoffLimit, deleting the active pods', () => {
    const job = makeJob({ backoffLimit: 1, parallelism: 2, completions: 4 }, { startTime: formatTime(T0) });
    const running = pod('Running');
    const plan = planJob(job, [pod('Failed', { exitCode: 1 }), pod('Failed', { exitCode: 1 }), running], T0 + 60_000);
    expect(plan.delete).toEqual([running]);
    expect(types(plan.status)).toEqual(['FailureTarget']);
    expect(plan.events[0]).toEqual({ type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    // Once the pod is gone the Job is Failed.
    const after = planJob({ ...job, status: plan.status }, [pod('Failed', { exitCode: 1 }), pod('Failed', { exitCode: 1 })], T0 + 61_000);
    expect(types(after.status)).toEqual(['FailureTarget', 'Failed']);
    expect(after.status.conditions![1]).toMatchObject({ reason: 'BackoffLimitExceeded' });
  });

  it('counts container restarts under OnFailure', () => {
    const job = makeJob({ backoffLimit: 2, template: { spec: { restartPolicy: 'OnFailure', containers: [] } } }, { startTime: formatTime(T0) });
    expect(types(planJob(job, [pod('Running', { restarts: 1 })], T0).status)).toEqual([]);
    expect(types(planJob(job, [pod('Running', { restarts: 2 })], T0).status)).toEqual(['FailureTarget']);
  });

  it('fails at activeDeadlineSeconds and requeues for it before', () => {
    const job = makeJob({ activeDeadlineSeconds: 30 }, { startTime: formatTime(T0) });
    const before = planJob(job, [pod('Running')], T0 + 10_000);
    expect(before.requeueAfterMs).toBe(20_000);
    const after = planJob(job, [pod('Running')], T0 + 30_000);
    expect(after.status.conditions![0]).toMatchObject({ type: 'FailureTarget', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
  });

  it('applies the pod failure policy: FailJob and Ignore', () => {
    const policy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }, { action: 'Ignore', onExitCodes: { operator: 'In', values: [137] } }] };
    const job = makeJob({ podFailurePolicy: policy, backoffLimit: 0 }, { startTime: formatTime(T0) });
    const ignored = planJob(job, [pod('Failed', { exitCode: 137 })], T0);
    expect(types(ignored.status)).toEqual([]);
    expect(ignored.status.failed).toBeUndefined();
    expect(ignored.create).toHaveLength(1);
    const fatal = planJob(job, [pod('Failed', { exitCode: 42 })], T0);
    expect(fatal.status.conditions![0]).toMatchObject({ type: 'FailureTarget', reason: 'PodFailurePolicy' });
    expect(fatal.status.conditions![0]!.message).toMatch(/failed with exit code 42 matching FailJob rule at index 0/);
  });

  it('runs Indexed Jobs by index and records completed indexes', () => {
    const job = makeJob({ completionMode: 'Indexed', completions: 5, parallelism: 3 }, { startTime: formatTime(T0) });
    const plan = planJob(job, [pod('Succeeded', { index: 0 }), pod('Running', { index: 1 }), pod('Succeeded', { index: 3 })], T0);
    expect(plan.create).toEqual([{ index: 2 }, { index: 4 }]);
    expect(plan.status.completedIndexes).toBe('0,3');
  });

  it('completes an Indexed Job by its success policy', () => {
    const job = makeJob({ completionMode: 'Indexed', completions: 5, parallelism: 5, successPolicy: { rules: [{ succeededIndexes: '0', succeededCount: 1 }] } }, { startTime: formatTime(T0) });
    const running = pod('Running', { index: 1 });
    const plan = planJob(job, [pod('Succeeded', { index: 0 }), running], T0);
    expect(plan.status.conditions![0]).toMatchObject({ type: 'SuccessCriteriaMet', reason: 'SuccessPolicy', message: 'Matched rules at index 0' });
    expect(plan.delete).toEqual([running]);
  });

  it('suspends (deleting active pods) and resumes (resetting startTime)', () => {
    const running = pod('Running');
    const suspended = planJob(makeJob({ suspend: true }, { startTime: formatTime(T0) }), [running], T0 + 1000);
    expect(suspended.delete).toEqual([running]);
    expect(suspended.status.conditions![0]).toMatchObject({ type: 'Suspended', status: 'True', reason: 'JobSuspended' });
    expect(suspended.status.startTime).toBeUndefined();
    expect(suspended.events).toEqual([{ type: 'Normal', reason: 'Suspended', message: 'Job suspended' }]);
    const resumed = planJob(makeJob({ suspend: false }, suspended.status), [], T0 + 5000);
    expect(resumed.status.conditions![0]).toMatchObject({ type: 'Suspended', status: 'False', reason: 'JobResumed' });
    expect(resumed.status.startTime).toBe(formatTime(T0 + 5000));
    expect(resumed.create).toHaveLength(1);
  });

  it('never lowers counts when finished pods disappear, and does nothing once finished', () => {
    const plan = planJob(makeJob({ completions: 3 }, { startTime: formatTime(T0), succeeded: 2 }), [], T0);
    expect(plan.status.succeeded).toBe(2);
    expect(plan.create).toHaveLength(1);
    const done = makeJob({}, { conditions: [{ type: 'Complete', status: 'True' }] });
    expect(planJob(done, [pod('Running')], T0)).toMatchObject({ create: [], delete: [], events: [] });
  });
});
