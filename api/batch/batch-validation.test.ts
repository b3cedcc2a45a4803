import { describe, expect, it } from 'vitest';
import type { FieldError } from '../types.js';
import { defaultCronJob, validateCronJob } from './cronjob.js';
import { defaultJob, generateJobSelector, validateJob } from './job.js';
import type { CronJob, Job } from './schemas.js';

const messages = (errs: FieldError[]) => errs.map((e) => `${e.field}: ${e.message}`);

function job(spec: NonNullable<Job['spec']>, restartPolicy: string | null = 'Never'): Job {
  const j: Job = { metadata: { name: 'j', namespace: 'default', uid: 'u1' }, spec: { ...spec, template: { spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: 'c', image: 'busybox' }] } } } };
  generateJobSelector(j);
  defaultJob(j);
  return j;
}

describe('Job validation', () => {
  it('accepts the defaulted pi Job and fills kube defaults and generated labels', () => {
    const j = job({});
    expect(validateJob(j)).toEqual([]);
    expect(j.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed', selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } } });
    expect(j.spec!.template!.metadata!.labels).toEqual({ 'batch.kubernetes.io/controller-uid': 'u1', 'batch.kubernetes.io/job-name': 'j', 'controller-uid': 'u1', 'job-name': 'j' });
  });

  it.each([
    ['restartPolicy Always', job({}, null), 'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'],
    ['negative parallelism', job({ parallelism: -1 }), 'spec.parallelism: Invalid value: -1: must be greater than or equal to 0'],
    ['negative backoffLimit', job({ backoffLimit: -2 }), 'spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0'],
    ['Indexed without completions', job({ completionMode: 'Indexed', parallelism: 2 }), 'spec.completions: Required value: when completion mode is Indexed'],
    ['unknown completion mode', job({ completionMode: 'Sometimes' }), 'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"'],
    ['successPolicy without Indexed', job({ successPolicy: { rules: [{ succeededCount: 1 }] } }), 'spec.successPolicy: Invalid value: "": requires indexed completion mode'],
    ['podFailurePolicy with OnFailure', job({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }] } }, 'OnFailure'), 'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified'],
    ['podFailurePolicy exit code 0 with In', job({ podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [0] } }] } }), 'spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator'],
    ['podFailurePolicy unknown action', job({ podFailurePolicy: { rules: [{ action: 'Explode', onPodConditions: [{ type: 'X' }] }] } }), 'spec.podFailurePolicy.rules[0].action: Unsupported value: "Explode": supported values: "Count", "FailIndex", "FailJob", "Ignore"'],
  ])('%s', (_n, j, msg) => {
    expect(messages(validateJob(j))).toContain(msg);
  });

  it('refuses a hand-written selector without manualSelector', () => {
    const j = job({});
    j.spec!.selector = { matchLabels: { app: 'x' } };
    expect(messages(validateJob(j)).some((m) => m.startsWith('spec.selector: Invalid value:') && m.endsWith('`selector` not auto-generated'))).toBe(true);
  });

  it('keeps the template immutable once the Job runs', () => {
    const old = job({});
    const next = structuredClone(old);
    next.spec!.template!.spec!.containers[0]!.image = 'nginx';
    expect(messages(validateJob(next, old)).some((m) => m.startsWith('spec.template: Invalid value:') && m.endsWith('field is immutable'))).toBe(true);
  });
});

function cron(spec: NonNullable<CronJob['spec']>, name = 'hello'): CronJob {
  const cj: CronJob = { metadata: { name, namespace: 'default' }, spec: { jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } }, ...spec } };
  defaultCronJob(cj);
  return cj;
}

describe('CronJob validation', () => {
  it('accepts an every-minute schedule with a time zone and fills the defaults', () => {
    const cj = cron({ schedule: '*/1 * * * *', timeZone: 'Europe/Paris' });
    expect(validateCronJob(cj)).toEqual([]);
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  });

  it.each([
    ['no schedule', cron({}), 'spec.schedule: Required value'],
    ['garbage schedule', cron({ schedule: 'every day' }), 'spec.schedule: Invalid value: "every day": expected exactly 5 fields, found 2: [every day]'],
    ['TZ in schedule', cron({ schedule: 'TZ=UTC 0 * * * *' }), 'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
    ['TZ and timeZone', cron({ schedule: 'CRON_TZ=UTC 0 * * * *', timeZone: 'UTC' }), 'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule'],
    ['unknown time zone', cron({ schedule: '@hourly', timeZone: 'Moon/Base' }), 'spec.timeZone: Invalid value: "Moon/Base": unknown time zone Moon/Base'],
    ['bad concurrency policy', cron({ schedule: '@hourly', concurrencyPolicy: 'Sometimes' }), 'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'],
    ['template restartPolicy Always', (() => { const c = cron({ schedule: '@daily' }); c.spec!.jobTemplate!.spec!.template!.spec!.restartPolicy = 'Always'; return c; })(), 'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'],
    ['a name too long for its Jobs', cron({ schedule: '@daily' }, 'x'.repeat(53)), `metadata.name: Invalid value: "${'x'.repeat(53)}": must be no more than 52 characters`],
  ])('%s', (_n, cj, msg) => {
    expect(messages(validateCronJob(cj))).toContain(msg);
  });
});
