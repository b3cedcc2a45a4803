import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { labelSelectorToString } from '../selector.js';
import { forbidden, invalid, required } from '../validation.js';
import { goIntOrString, goString, invalidRendered } from './go-format.js';
import { intOrPercentValue, validateNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { deploymentSchema, type Deployment, type DeploymentSpec } from './schemas.js';
import {
  containerCells,
  defaultTemplate,
  validateNonNegative,
  validateReplicaCounters,
  validateSelectorImmutable,
  validateWorkloadSpec,
} from './workload.js';

/** apps/v1 SetDefaults_Deployment, plus pod defaults in the template. */
export function defaultDeployment(obj: KubeObject): void {
  const d = obj as Deployment;
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec);
}

function validateStrategy(strategy: DeploymentSpec['strategy']): FieldError[] {
  const s = strategy ?? {};
  switch (s.type) {
    case 'Recreate':
      return s.rollingUpdate ? [forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      if (!ru) return [required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')];
      const p = 'spec.strategy.rollingUpdate';
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
      ];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalidRendered(`${p}.maxUnavailable`, goIntOrString(ru.maxUnavailable ?? 0), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...validateNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      return errs;
    }
    default: {
      const ru = s.rollingUpdate ? '&apps.RollingUpdateDeployment{…}' : '(*apps.RollingUpdateDeployment)(nil)';
      const rendered = `apps.DeploymentStrategy{Type:${goString(s.type ?? '')}, RollingUpdate:${ru}}`;
      return [
        {
          type: 'FieldValueNotSupported',
          field: 'spec.strategy',
          message: `Unsupported value: ${rendered}: supported values: "Recreate", "RollingUpdate"`,
        },
      ];
    }
  }
}

/**
 * ValidateDeploymentSpec + status checks; on update also the apps/v1 rule that
 * spec.selector is immutable, and that status.collisionCount never decreases.
 */
export function validateDeployment(obj: KubeObject, old?: KubeObject): FieldError[] {
  const d = obj as Deployment;
  const spec = d.spec ?? {};
  const errs = validateWorkloadSpec(spec, 'ReplicaSet');
  errs.push(...validateStrategy(spec.strategy));
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...validateNonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  const counters = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'];
  errs.push(...validateReplicaCounters(d.status, counters, ['updatedReplicas', 'readyReplicas', 'availableReplicas']));
  if (old) {
    const o = old as Deployment;
    errs.push(...validateSelectorImmutable(spec.selector, o.spec?.selector));
    const cc = d.status?.collisionCount;
    const oldCc = o.status?.collisionCount;
    if (oldCc !== undefined && (cc ?? 0) < oldCc) errs.push(invalid('status.collisionCount', cc ?? 0, 'cannot be decremented'));
  }
  return errs;
}

/** printDeployment: NAME READY UP-TO-DATE AVAILABLE AGE [CONTAINERS IMAGES SELECTOR]. */
export function deploymentRow(obj: KubeObject, now: number): unknown[] {
  const d = obj as Deployment;
  const spec = d.spec ?? {};
  const status = d.status ?? {};
  let selector: string;
  try {
    selector = labelSelectorToString(spec.selector);
  } catch {
    selector = '<invalid>';
  }
  const [names, images] = containerCells(spec.template);
  return [
    d.metadata.name ?? '',
    `${status.readyReplicas ?? 0}/${spec.replicas ?? 0}`,
    status.updatedReplicas ?? 0,
    status.availableReplicas ?? 0,
    age(obj, now),
    names,
    images,
    selector,
  ];
}

export const deploymentResource: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  plural: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: deploymentSchema,
  subresources: {
    status: true,
    // The selector is a LabelSelector object (not a string): the scale handler prints it
    // with labelSelectorToString for Scale.status.selector, as kube's ScaleREST does.
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  },
  hasGeneration: true,
  defaults: defaultDeployment,
  validate: validateDeployment,
  tableColumns: [
    nameColumn,
    column('Ready', 'Number of the pod with ready state'),
    column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn,
    column('Containers', 'Names of each container in the template.', { priority: 1 }),
    column('Images', 'Images referenced by each container in the template.', { priority: 1 }),
    column(
      'Selector',
      'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
      { priority: 1 },
    ),
  ],
  tableRow: deploymentRow,
  prepareForCreate(obj) {
    // DeploymentStatus has only omitempty fields: a new Deployment shows `status: {}`.
    obj['status'] = {};
  },
};
