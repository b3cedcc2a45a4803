import type { FieldError } from '../types.js';
import type { LabelSelector } from '../meta.js';
import { validatePodSpec } from '../core/pod-validation.js';
import { labelSelectorFromObject, matchesLabels } from '../selector.js';
import { deepEqual, invalid, notSupported, required, validateAnnotations, validateLabelSelector, validateLabels } from '../validation.js';
import { goLabelSelector, goStringMap, invalidRendered } from '../apps/go-format.js';
import { validateNonNegative } from '../apps/workload.js';
import { parseIndexes } from './indexes.js';
import type { JobSpec } from './schemas.js';

/**
 * batch validation's ValidateJobSpec / ValidateJobTemplateSpec, shared by Job and by a
 * CronJob's jobTemplate (`prefix` is `spec` or `spec.jobTemplate.spec`). Pure.
 */

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
/** The pre-1.27 label names, still written next to the new ones (kube keeps both). */
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const POD_FAILURE_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const POD_REPLACEMENT_POLICIES = ['Failed', 'TerminatingOrFailed'];

export interface JobSpecValidationOptions {
  /** A CronJob's template has no selector yet: it is generated on each Job. */
  isTemplate: boolean;
}

export function validateJobSpec(spec: JobSpec, prefix: string, opts: JobSpecValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonNegative(spec.parallelism, `${prefix}.parallelism`));
  errs.push(...validateNonNegative(spec.completions, `${prefix}.completions`));
  errs.push(...validateNonNegative(spec.activeDeadlineSeconds, `${prefix}.activeDeadlineSeconds`));
  errs.push(...validateNonNegative(spec.backoffLimit, `${prefix}.backoffLimit`));
  errs.push(...validateNonNegative(spec.ttlSecondsAfterFinished, `${prefix}.ttlSecondsAfterFinished`));
  const mode = spec.completionMode ?? 'NonIndexed';
  if (!COMPLETION_MODES.includes(mode)) errs.push(notSupported(`${prefix}.completionMode`, mode, COMPLETION_MODES));
  if (mode === 'Indexed' && spec.completions === undefined) {
    errs.push(required(`${prefix}.completions`, `when completion mode is Indexed`));
  }
  if (spec.backoffLimitPerIndex !== undefined && mode !== 'Indexed') {
    errs.push(required(`${prefix}.completionMode`, 'when backoffLimitPerIndex is specified, completionMode must be Indexed'));
  }
  if (spec.podReplacementPolicy !== undefined && !POD_REPLACEMENT_POLICIES.includes(spec.podReplacementPolicy)) {
    errs.push(notSupported(`${prefix}.podReplacementPolicy`, spec.podReplacementPolicy, POD_REPLACEMENT_POLICIES));
  }

  if (!opts.isTemplate) {
    if (!spec.selector) errs.push(required(`${prefix}.selector`));
    else errs.push(...validateLabelSelector(spec.selector, `${prefix}.selector`));
  }
  const template = spec.template;
  const labels = template?.metadata?.labels;
  if (spec.selector) {
    let sel: ReturnType<typeof labelSelectorFromObject> | undefined;
    try {
      sel = labelSelectorFromObject(spec.selector);
    } catch {
      errs.push(invalidRendered(`${prefix}.selector`, goLabelSelector(spec.selector), 'invalid label selector'));
    }
    if (sel && !matchesLabels(sel, labels ?? {})) {
      errs.push(invalidRendered(`${prefix}.template.metadata.labels`, goStringMap(labels), '`selector` does not match template `labels`'));
    }
  }
  errs.push(...validateLabels(labels, `${prefix}.template.metadata.labels`));
  errs.push(...validateAnnotations(template?.metadata?.annotations, `${prefix}.template.metadata.annotations`));
  const podSpec = (template?.spec ?? {}) as Record<string, unknown>;
  errs.push(...validatePodSpec(podSpec as never, `${prefix}.template.spec`));
  const restartPolicy = podSpec['restartPolicy'] as string | undefined;
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(notSupported(`${prefix}.template.spec.restartPolicy`, restartPolicy ?? '', ['OnFailure', 'Never']));
  }
  if (spec.podFailurePolicy) {
    if (restartPolicy !== 'Never') {
      errs.push(invalid(`${prefix}.template.spec.restartPolicy`, restartPolicy ?? '', 'only "Never" is supported when podFailurePolicy is specified'));
    }
    spec.podFailurePolicy.rules.forEach((rule, i) => {
      const p = `${prefix}.podFailurePolicy.rules[${i}]`;
      if (!POD_FAILURE_ACTIONS.includes(rule.action)) errs.push(notSupported(`${p}.action`, rule.action, POD_FAILURE_ACTIONS));
      if (rule.action === 'FailIndex' && spec.backoffLimitPerIndex === undefined) {
        errs.push(invalid(`${p}.action`, rule.action, 'requires the backoffLimitPerIndex to be set'));
      }
      const hasCodes = rule.onExitCodes !== undefined;
      const hasConds = (rule.onPodConditions?.length ?? 0) > 0;
      if (hasCodes === hasConds) {
        errs.push({ type: 'FieldValueInvalid', field: p, message: 'Invalid value: specifying one of OnExitCodes and OnPodConditions is required' });
      }
      const codes = rule.onExitCodes;
      if (codes) {
        if (codes.operator !== 'In' && codes.operator !== 'NotIn') errs.push(notSupported(`${p}.onExitCodes.operator`, codes.operator, ['In', 'NotIn']));
        if (codes.values.length === 0) errs.push(required(`${p}.onExitCodes.values`));
        codes.values.forEach((v, j) => {
          if (codes.operator === 'In' && v === 0) errs.push(invalid(`${p}.onExitCodes.values[${j}]`, v, 'must not be 0 for the In operator'));
          if (j > 0 && v <= codes.values[j - 1]!) errs.push(invalid(`${p}.onExitCodes.values[${j}]`, v, 'must be ordered'));
        });
      }
      for (const [j, c] of (rule.onPodConditions ?? []).entries()) {
        const s = c.status ?? 'True';
        if (!['True', 'False', 'Unknown'].includes(s)) errs.push(notSupported(`${p}.onPodConditions[${j}].status`, s, ['True', 'False', 'Unknown']));
      }
    });
  }
  if (spec.successPolicy) {
    if (mode !== 'Indexed') {
      errs.push(invalid(`${prefix}.successPolicy`, '', 'requires indexed completion mode'));
    }
    spec.successPolicy.rules.forEach((rule, i) => {
      const p = `${prefix}.successPolicy.rules[${i}]`;
      if (rule.succeededIndexes === undefined && rule.succeededCount === undefined) {
        errs.push(required(p, 'at least one of succeededCount or succeededIndexes must be specified'));
      }
      if (rule.succeededIndexes !== undefined && spec.completions !== undefined) {
        try {
          parseIndexes(rule.succeededIndexes, spec.completions);
        } catch (err) {
          errs.push(invalid(`${p}.succeededIndexes`, rule.succeededIndexes, `error parsing succeededIndexes: ${(err as Error).message}`));
        }
      }
      if (rule.succeededCount !== undefined) {
        if (rule.succeededCount < 0) errs.push(invalid(`${p}.succeededCount`, rule.succeededCount, 'must be greater than or equal to 0'));
        else if (spec.completions !== undefined && rule.succeededCount > spec.completions) {
          errs.push(invalid(`${p}.succeededCount`, rule.succeededCount, `must be less than or equal to ${spec.completions} (the number of specified completions)`));
        }
      }
    });
  }
  return errs;
}

/**
 * ValidateGeneratedSelector: without manualSelector the selector is the generated
 * `batch.kubernetes.io/controller-uid=<uid>` and the template carries that label.
 */
export function validateGeneratedSelector(spec: JobSpec, uid: string | undefined): FieldError[] {
  if (spec.manualSelector === true) return [];
  const errs: FieldError[] = [];
  const labels = spec.template?.metadata?.labels ?? {};
  if (uid && labels[CONTROLLER_UID_LABEL] !== uid) {
    errs.push(invalidRendered(`spec.template.metadata.labels`, goStringMap(labels), `\`selector\` not auto-generated`));
  }
  if (spec.selector && uid) {
    const expected: LabelSelector = { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
    if (!deepEqual(normalize(spec.selector), expected)) {
      errs.push(invalidRendered('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
    }
  }
  return errs;
}

function normalize(sel: LabelSelector): LabelSelector {
  const out: LabelSelector = {};
  if (sel.matchLabels && Object.keys(sel.matchLabels).length > 0) out.matchLabels = sel.matchLabels;
  if (sel.matchExpressions && sel.matchExpressions.length > 0) out.matchExpressions = sel.matchExpressions;
  return out;
}
