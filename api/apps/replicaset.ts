import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { formatLabelSelector } from '../selector.js';
import { validateNonNegative, containerCells, defaultTemplate, validateReplicaCounters, validateSelectorImmutable, validateWorkloadSpec } from './workload.js';
import { replicaSetSchema, type ReplicaSet } from './schemas.js';

/** apps/v1 SetDefaults_ReplicaSet (replicas 1), plus pod defaults in the template. */
export function defaultReplicaSet(obj: KubeObject): void {
  const rs = obj as ReplicaSet;
  const spec = (rs.spec ??= {});
  spec.replicas ??= 1;
  defaultTemplate(spec);
}

/** ValidateReplicaSetSpec + status checks; on update the apps/v1 immutable selector. */
export function validateReplicaSet(obj: KubeObject, old?: KubeObject): FieldError[] {
  const rs = obj as ReplicaSet;
  const spec = rs.spec ?? {};
  const errs = validateWorkloadSpec(spec, 'ReplicaSet');
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const counters = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'];
  errs.push(...validateReplicaCounters(rs.status, counters, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']));
  if (old) errs.push(...validateSelectorImmutable(spec.selector, (old as ReplicaSet).spec?.selector));
  return errs;
}

/** printReplicaSet: NAME DESIRED CURRENT READY AGE [CONTAINERS IMAGES SELECTOR]. */
export function replicaSetRow(obj: KubeObject, now: number): unknown[] {
  const rs = obj as ReplicaSet;
  const spec = rs.spec ?? {};
  const status = rs.status ?? {};
  const [names, images] = containerCells(spec.template);
  return [
    rs.metadata.name ?? '',
    spec.replicas ?? 0,
    status.replicas ?? 0,
    status.readyReplicas ?? 0,
    age(obj, now),
    names,
    images,
    formatLabelSelector(spec.selector),
  ];
}

export const replicaSetResource: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  listKind: 'ReplicaSetList',
  plural: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: replicaSetSchema,
  subresources: {
    status: true,
    // A LabelSelector object, printed with labelSelectorToString for Scale.status.selector.
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  },
  hasGeneration: true,
  defaults: defaultReplicaSet,
  validate: validateReplicaSet,
  tableColumns: [
    nameColumn,
    column(
      'Desired',
      'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
      { type: 'integer' },
    ),
    column(
      'Current',
      'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
      { type: 'integer' },
    ),
    column('Ready', 'The number of ready replicas for this replica set.', { type: 'integer' }),
    ageColumn,
    column('Containers', 'Names of each container in the template.', { priority: 1 }),
    column('Images', 'Images referenced by each container in the template.', { priority: 1 }),
    column(
      'Selector',
      'Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template\'s labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      { priority: 1 },
    ),
  ],
  tableRow: replicaSetRow,
  // kube's ReplicaSetToSelectableFields adds status.replicas.
  fieldSelectors: {
    'status.replicas': (obj) => String((obj as ReplicaSet).status?.replicas ?? 0),
  },
  prepareForCreate(obj) {
    // ReplicaSetStatus.replicas is not omitempty: a new ReplicaSet shows `status: {replicas: 0}`.
    obj['status'] = { replicas: 0 };
  },
};
