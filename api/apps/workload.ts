import type { FieldError } from '../types.js';
import { defaultPodSpec } from '../core/pod-defaults.js';
import { validatePodSpec } from '../core/pod-validation.js';
import type { LabelSelector } from '../meta.js';
import { labelSelectorFromObject, matchesLabels } from '../selector.js';
import { deepEqual, forbidden, invalid, notSupported, required, validateAnnotations, validateLabelSelector, validateLabels } from '../validation.js';
import { goLabelSelector, goStringMap, invalidRendered } from './go-format.js';

/**
 * What Deployment and ReplicaSet share: a selector, a pod template, replicas; the checks
 * of apps validation's ValidateReplicaSetSpec / ValidatePodTemplateSpecForReplicaSet and
 * the Table cells for the template's containers.
 */

export interface TemplateLike {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } & Record<string, unknown>;
  spec?: Record<string, unknown>;
}

export interface WorkloadSpecLike {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelector;
  template?: TemplateLike;
}

/**
 * Pod defaults inside the template (the generated SetObjectDefaults recursing into it).
 * A missing template is left missing: validate() reports it.
 */
export function defaultTemplate(spec: { template?: TemplateLike }): void {
  if (spec.template?.spec) defaultPodSpec(spec.template.spec as never);
}

/** validate.GEZ, as `Invalid value: -1: must be greater than or equal to 0`. */
export function validateNonNegative(value: number | undefined, field: string): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

/**
 * spec.replicas, spec.selector (required, well-formed, non-empty) and spec.template
 * (labels matched by the selector, valid pod spec, restartPolicy Always, no
 * activeDeadlineSeconds). `kind` words the empty-selector message; Kubernetes says
 * "deployment" for ReplicaSets too.
 */
export function validateWorkloadSpec(spec: WorkloadSpecLike, kind: 'ReplicaSet'): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'));
  const sel = spec.selector;
  if (sel === undefined || sel === null) {
    errs.push(required('spec.selector'));
  } else {
    errs.push(...validateLabelSelector(sel, 'spec.selector'));
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      errs.push(invalidRendered('spec.selector', goLabelSelector(sel), 'empty selector is invalid for deployment'));
    }
  }
  let parsed: ReturnType<typeof labelSelectorFromObject> | undefined;
  try {
    parsed = labelSelectorFromObject(sel);
  } catch {
    errs.push(invalidRendered('spec.selector', goLabelSelector(sel), 'invalid label selector'));
  }
  if (parsed !== undefined) errs.push(...validateTemplate(spec.template, parsed, kind));
  return errs;
}

/**
 * ValidatePodTemplateSpecForReplicaSet/ForRC: the template's labels match the selector,
 * its metadata and pod spec are valid, restartPolicy is Always, no activeDeadlineSeconds.
 */
export function validateTemplate(template: TemplateLike | undefined, sel: ReturnType<typeof labelSelectorFromObject>, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const labels = template?.metadata?.labels;
  // An empty selector (everything) is not checked here; a missing one (nothing) never matches.
  const empty = Array.isArray(sel) && sel.length === 0;
  if (!empty && !matchesLabels(sel, labels ?? {})) {
    errs.push(invalidRendered('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validateLabels(labels, 'spec.template.metadata.labels'));
  errs.push(...validateAnnotations(template?.metadata?.annotations, 'spec.template.metadata.annotations'));
  const podSpec = (template?.spec ?? {}) as Record<string, unknown>;
  errs.push(...validatePodSpec(podSpec as never, 'spec.template.spec'));
  const restartPolicy = podSpec['restartPolicy'];
  if (restartPolicy !== 'Always') {
    errs.push(notSupported('spec.template.spec.restartPolicy', restartPolicy ?? '', ['Always']));
  }
  if (podSpec['activeDeadlineSeconds'] !== undefined && podSpec['activeDeadlineSeconds'] !== null) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/** Drops empty matchLabels/matchExpressions: Kubernetes' semantic equality treats them as unset. */
function normalizeSelector(sel: LabelSelector | undefined | null): LabelSelector | undefined {
  if (!sel) return undefined;
  const out: LabelSelector = {};
  if (sel.matchLabels && Object.keys(sel.matchLabels).length > 0) out.matchLabels = sel.matchLabels;
  if (sel.matchExpressions && sel.matchExpressions.length > 0) out.matchExpressions = sel.matchExpressions;
  return out;
}

/** apps/v1 makes spec.selector immutable (strategy ValidateUpdate). */
export function validateSelectorImmutable(sel: LabelSelector | undefined, oldSel: LabelSelector | undefined): FieldError[] {
  if (deepEqual(normalizeSelector(sel), normalizeSelector(oldSel))) return [];
  return [invalidRendered('spec.selector', goLabelSelector(sel), 'field is immutable')];
}

/** layoutContainerCells: container names and images, each joined with ','. */
export function containerCells(template: TemplateLike | undefined): [string, string] {
  const containers = ((template?.spec?.['containers'] as { name?: string; image?: string }[] | undefined) ?? []);
  return [containers.map((c) => c.name ?? '').join(','), containers.map((c) => c.image ?? '').join(',')];
}

/** Status counters: each ≥ 0 and none above status.replicas (Deployment/ReplicaSet status validation). */
export function validateReplicaCounters(
  status: Record<string, unknown> | undefined,
  counters: readonly string[],
  notAboveReplicas: readonly string[],
): FieldError[] {
  if (!status) return [];
  const errs: FieldError[] = [];
  const num = (k: string) => (typeof status[k] === 'number' ? (status[k] as number) : 0);
  for (const k of counters) errs.push(...validateNonNegative(status[k] as number | undefined, `status.${k}`));
  for (const k of notAboveReplicas) {
    if (num(k) > num('replicas')) errs.push(invalid(`status.${k}`, num(k), 'cannot be greater than status.replicas'));
  }
  if (num('availableReplicas') > num('readyReplicas')) {
    errs.push(invalid('status.availableReplicas', num('availableReplicas'), 'cannot be greater than readyReplicas'));
  }
  return errs;
}
