import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn, since } from '../printers.js';
import { labelSelectorToString } from '../selector.js';
import { invalid, notSupported, required } from '../validation.js';
import { containerCells, defaultTemplate, validateNonNegative } from '../apps/workload.js';
import { isValidTimeZone, parseSchedule } from './cron-schedule.js';
import { validateJobSpec } from './job-validation.js';
import { cronJobSchema, type CronJob } from './schemas.js';

/** batch/v1 SetDefaults_CronJob, plus pod defaults in the job template's pod template. */
export function defaultCronJob(obj: KubeObject): void {
  const cj = obj as CronJob;
  const spec = (cj.spec ??= {});
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobSpec = spec.jobTemplate?.spec;
  if (jobSpec) defaultTemplate(jobSpec);
}

/** A CronJob's name must leave room for the 11-character `-<minutes>` suffix of its Jobs. */
const CRONJOB_NAME_MAX = 52;
const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];

export function validateCronJob(obj: KubeObject, old?: KubeObject): FieldError[] {
  const cj = obj as CronJob;
  const spec = cj.spec ?? {};
  const errs: FieldError[] = [];
  const name = cj.metadata.name ?? '';
  if (!old && name.length > CRONJOB_NAME_MAX) {
    errs.push(invalid('metadata.name', name, `must be no more than ${CRONJOB_NAME_MAX} characters`));
  }
  errs.push(...validateScheduleField(spec.schedule, spec.timeZone));
  if (spec.timeZone !== undefined && !isValidTimeZone(spec.timeZone)) {
    errs.push(invalid('spec.timeZone', spec.timeZone, `unknown time zone ${spec.timeZone}`));
  }
  errs.push(...validateNonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  errs.push(...validateNonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...validateNonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  if (!spec.concurrencyPolicy) errs.push(required('spec.concurrencyPolicy'));
  else if (!CONCURRENCY_POLICIES.includes(spec.concurrencyPolicy)) {
    errs.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, CONCURRENCY_POLICIES));
  }
  errs.push(...validateJobSpec(spec.jobTemplate?.spec ?? {}, 'spec.jobTemplate.spec', { isTemplate: true }));
  return errs;
}

/** validateScheduleFormat: robfig's parse error, and no TZ prefix (the timeZone field says it). */
export function validateScheduleField(schedule: string | undefined, timeZone: string | undefined): FieldError[] {
  if (schedule === undefined || schedule === '') return [required('spec.schedule')];
  const errs: FieldError[] = [];
  try {
    parseSchedule(schedule);
  } catch (err) {
    errs.push(invalid('spec.schedule', schedule, (err as Error).message));
  }
  if (schedule.includes('TZ')) {
    const msg = timeZone !== undefined ? 'cannot use both timeZone field and TZ or CRON_TZ in schedule' : 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
    errs.push(invalid('spec.schedule', schedule, msg));
  }
  return errs;
}

/** printCronJob: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE [CONTAINERS IMAGES SELECTOR]. */
export function cronJobRow(obj: KubeObject, now: number): unknown[] {
  const cj = obj as CronJob;
  const spec = cj.spec ?? {};
  const status = cj.status ?? {};
  const last = status.lastScheduleTime ? since(status.lastScheduleTime, now) : '<none>';
  const jobSpec = spec.jobTemplate?.spec ?? {};
  let selector = '<none>';
  if (jobSpec.selector) {
    try {
      selector = labelSelectorToString(jobSpec.selector);
    } catch {
      selector = '<invalid>';
    }
  }
  const [names, images] = containerCells(jobSpec.template);
  return [
    cj.metadata.name ?? '',
    spec.schedule ?? '',
    spec.timeZone ?? '<none>',
    // printBoolPtr: `True`/`False` (a string cell, although the column says boolean).
    spec.suspend === undefined ? '<unset>' : spec.suspend ? 'True' : 'False',
    (status.active ?? []).length,
    last,
    age(obj, now),
    names,
    images,
    selector,
  ];
}

export const cronJobResource: ResourceType = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  listKind: 'CronJobList',
  plural: 'cronjobs',
  singular: 'cronjob',
  shortNames: ['cj'],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: cronJobSchema,
  subresources: { status: true },
  hasGeneration: true,
  defaults: defaultCronJob,
  validate: validateCronJob,
  tableColumns: [
    nameColumn,
    column('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column('Timezone', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones'),
    column('Suspend', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.', { type: 'boolean' }),
    column('Active', 'A list of pointers to currently running jobs.', { type: 'integer' }),
    column('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    ageColumn,
    column('Containers', 'Names of each container in the template.', { priority: 1 }),
    column('Images', 'Images referenced by each container in the template.', { priority: 1 }),
    column('Selector', 'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', { priority: 1 }),
  ],
  tableRow: cronJobRow,
  prepareForCreate(obj) {
    obj['status'] = {};
  },
};
