import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, humanDuration, nameColumn } from '../printers.js';
import { labelSelectorToString } from '../selector.js';
import { validateImmutable } from '../validation.js';
import { containerCells, defaultTemplate, validateSelectorImmutable } from '../apps/workload.js';
import {
  CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
  validateGeneratedSelector,
  validateJobSpec,
} from './job-validation.js';
import { jobSchema, type Job, type JobSpec } from './schemas.js';

/** batch/v1 SetDefaults_Job, plus pod defaults in the template. */
export function defaultJobSpec(spec: JobSpec): void {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  // With backoffLimitPerIndex the global limit is effectively unlimited (math.MaxInt32).
  spec.backoffLimit ??= spec.backoffLimitPerIndex === undefined ? 6 : 2147483647;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  defaultTemplate(spec);
}

export function defaultJob(obj: KubeObject): void {
  defaultJobSpec(((obj as Job).spec ??= {}));
}

/**
 * The Job strategy's generateSelector: unless spec.manualSelector, the selector is
 * `batch.kubernetes.io/controller-uid=<uid>` and the template gets the controller-uid and
 * job-name labels (new and legacy names, as kube ≥ 1.27 writes both).
 */
export function generateJobSelector(job: Job): void {
  const spec = (job.spec ??= {});
  if (spec.manualSelector === true) return;
  const uid = job.metadata.uid!;
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  meta.labels = {
    ...(meta.labels ?? {}),
    [CONTROLLER_UID_LABEL]: uid,
    [JOB_NAME_LABEL]: job.metadata.name ?? '',
    [LEGACY_CONTROLLER_UID_LABEL]: uid,
    [LEGACY_JOB_NAME_LABEL]: job.metadata.name ?? '',
  };
  spec.selector ??= { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
}

function renderSpec(spec: JobSpec | undefined): string {
  return JSON.stringify(spec ?? {});
}

export function validateJob(obj: KubeObject, old?: KubeObject): FieldError[] {
  const job = obj as Job;
  const spec = job.spec ?? {};
  const errs = validateJobSpec(spec, 'spec', { isTemplate: false });
  errs.push(...validateGeneratedSelector(spec, job.metadata.uid));
  if (old) {
    const o = (old as Job).spec ?? {};
    errs.push(...validateSelectorImmutable(spec.selector, o.selector));
    errs.push(...validateImmutable(spec.completionMode, o.completionMode, 'spec.completionMode'));
    // kube allows changing completions only together with parallelism in Indexed mode (elastic Indexed Jobs).
    if (spec.completions !== o.completions && !(spec.completionMode === 'Indexed' && spec.completions === spec.parallelism)) {
      errs.push(...validateImmutable(spec.completions, o.completions, 'spec.completions'));
    }
    // The template is mutable only while a Job is suspended and has never started
    // (kube's mutable scheduling directives for suspended Jobs, simplified).
    const neverStarted = o.suspend === true && !(old as Job).status?.startTime;
    if (!neverStarted && renderSpec({ template: spec.template }) !== renderSpec({ template: o.template })) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.template', message: `Invalid value: ${JSON.stringify(spec.template ?? {})}: field is immutable` });
    }
  }
  return errs;
}

function hasCondition(job: Job, type: string): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** printJob's STATUS cell (kube ≥ 1.28). */
export function jobStatusCell(job: Job): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** printJob: NAME STATUS COMPLETIONS DURATION AGE [CONTAINERS IMAGES SELECTOR]. */
export function jobRow(obj: KubeObject, now: number): unknown[] {
  const job = obj as Job;
  const spec = job.spec ?? {};
  const status = job.status ?? {};
  const succeeded = status.succeeded ?? 0;
  let completions: string;
  if (spec.completions !== undefined) completions = `${succeeded}/${spec.completions}`;
  else if ((spec.parallelism ?? 0) > 1) completions = `${succeeded}/1 of ${spec.parallelism}`;
  else completions = `${succeeded}/1`;
  let duration = '';
  const start = status.startTime ? Date.parse(status.startTime) : NaN;
  if (!Number.isNaN(start)) {
    const end = status.completionTime ? Date.parse(status.completionTime) : now;
    duration = humanDuration(end - start);
  }
  let selector: string;
  try {
    selector = labelSelectorToString(spec.selector);
  } catch {
    selector = '<invalid>';
  }
  const [names, images] = containerCells(spec.template);
  return [job.metadata.name ?? '', jobStatusCell(job), completions, duration, age(obj, now), names, images, selector];
}

export const jobResource: ResourceType = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  listKind: 'JobList',
  plural: 'jobs',
  singular: 'job',
  shortNames: [],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: jobSchema,
  subresources: { status: true },
  hasGeneration: true,
  defaults: defaultJob,
  validate: validateJob,
  tableColumns: [
    nameColumn,
    column('Status', 'Status of the job.'),
    column('Completions', 'The completion status of the job.'),
    column('Duration', 'Time required to complete the job.'),
    ageColumn,
    column('Containers', 'Names of each container in the template.', { priority: 1 }),
    column('Images', 'Images referenced by each container in the template.', { priority: 1 }),
    column('Selector', 'Selector is a label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', { priority: 1 }),
  ],
  tableRow: jobRow,
  // kube's JobToSelectableFields adds status.successful.
  fieldSelectors: {
    'status.successful': (obj) => String((obj as Job).status?.succeeded ?? 0),
  },
  prepareForCreate(obj) {
    const job = obj as Job;
    job.status = {};
    generateJobSelector(job);
  },
};
