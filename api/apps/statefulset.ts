import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { deepEqual, forbidden, notSupported, required } from '../validation.js';
import { containerCells, defaultTemplate, validateNonNegative, validateReplicaCounters, validateSelectorImmutable, validateWorkloadSpec } from './workload.js';
import { statefulSetSchema, type StatefulSet, type StatefulSetSpec } from './daemonset-statefulset-schemas.js';

/** apps/v1 SetDefaults_StatefulSet, plus pod defaults in the template and claim defaults. */
export function defaultStatefulSet(obj: KubeObject): void {
  const ss = obj as StatefulSet;
  const spec = (ss.spec ??= {});
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  const strategy = (spec.updateStrategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ??= 'Retain';
  retention.whenScaled ??= 'Retain';
  for (const t of spec.volumeClaimTemplates ?? []) {
    t.apiVersion ??= 'v1';
    t.kind ??= 'PersistentVolumeClaim';
    const s = (t.spec ??= {});
    s.volumeMode ??= 'Filesystem';
  }
  defaultTemplate(spec);
}

const RETENTION = ['Retain', 'Delete'];

/** The spec fields an update may change (ValidateStatefulSetUpdate). */
function frozen(spec: StatefulSetSpec): Record<string, unknown> {
  const { replicas: _r, ordinals: _o, template: _t, updateStrategy: _u, persistentVolumeClaimRetentionPolicy: _p, minReadySeconds: _m, ...rest } = spec;
  return rest;
}

export function validateStatefulSet(obj: KubeObject, old?: KubeObject): FieldError[] {
  const ss = obj as StatefulSet;
  const spec = ss.spec ?? {};
  const errs = validateWorkloadSpec(spec, 'ReplicaSet');
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.podManagementPolicy !== 'OrderedReady' && spec.podManagementPolicy !== 'Parallel') {
    errs.push(notSupported('spec.podManagementPolicy', spec.podManagementPolicy ?? '', ['OrderedReady', 'Parallel']));
  }
  const s = spec.updateStrategy ?? {};
  if (s.type !== 'RollingUpdate' && s.type !== 'OnDelete') errs.push(notSupported('spec.updateStrategy.type', s.type ?? '', ['OnDelete', 'RollingUpdate']));
  if (s.type === 'OnDelete' && s.rollingUpdate) errs.push(forbidden('spec.updateStrategy.rollingUpdate', "only allowed for updateStrategy 'RollingUpdate'"));
  errs.push(...validateNonNegative(s.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition'));
  const r = spec.persistentVolumeClaimRetentionPolicy ?? {};
  if (!RETENTION.includes(r.whenDeleted ?? '')) errs.push(notSupported('spec.persistentVolumeClaimRetentionPolicy.whenDeleted', r.whenDeleted ?? '', RETENTION));
  if (!RETENTION.includes(r.whenScaled ?? '')) errs.push(notSupported('spec.persistentVolumeClaimRetentionPolicy.whenScaled', r.whenScaled ?? '', RETENTION));
  (spec.volumeClaimTemplates ?? []).forEach((t, i) => {
    const p = `spec.volumeClaimTemplates[${i}]`;
    if (!t.metadata?.name) errs.push(required(`${p}.metadata.name`, 'name or generateName is required'));
    if ((t.spec?.accessModes ?? []).length === 0) errs.push(required(`${p}.spec.accessModes`, 'at least 1 access mode is required'));
    if (t.spec?.resources?.requests?.['storage'] === undefined) errs.push(required(`${p}.spec.resources[storage]`));
  });
  errs.push(...validateReplicaCounters(ss.status, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration'], ['readyReplicas', 'currentReplicas', 'updatedReplicas']));
  if (old) {
    const o = (old as StatefulSet).spec ?? {};
    errs.push(...validateSelectorImmutable(spec.selector, o.selector));
    if (!deepEqual(JSON.parse(JSON.stringify(frozen(spec))), JSON.parse(JSON.stringify(frozen(o))))) {
      errs.push(
        forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      );
    }
  }
  return errs;
}

/** printStatefulSet: NAME READY AGE [CONTAINERS IMAGES]. */
export function statefulSetRow(obj: KubeObject, now: number): unknown[] {
  const ss = obj as StatefulSet;
  const [names, images] = containerCells(ss.spec?.template);
  return [ss.metadata.name ?? '', `${ss.status?.readyReplicas ?? 0}/${ss.spec?.replicas ?? 0}`, age(obj, now), names, images];
}

export const statefulSetResource: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  listKind: 'StatefulSetList',
  plural: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: statefulSetSchema,
  subresources: {
    status: true,
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  },
  hasGeneration: true,
  defaults: defaultStatefulSet,
  validate: validateStatefulSet,
  tableColumns: [
    nameColumn,
    column('Ready', 'Number of the pod with ready state'),
    ageColumn,
    column('Containers', 'Names of each container in the template.', { priority: 1 }),
    column('Images', 'Images referenced by each container in the template.', { priority: 1 }),
  ],
  tableRow: statefulSetRow,
  prepareForCreate(obj) {
    // replicas and availableReplicas are not omitempty.
    obj['status'] = { replicas: 0, availableReplicas: 0 };
  },
};
