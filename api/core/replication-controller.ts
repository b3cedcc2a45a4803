import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { objectSchema, timeSchema } from '../meta.js';
import { podTemplateSpecSchema } from './pod-spec.js';
import { containerCells, defaultTemplate, validateNonNegative, validateReplicaCounters, validateTemplate } from '../apps/workload.js';
import { required } from '../validation.js';
import { selectorFromSet } from '../selector.js';

/**
 * core/v1 ReplicationController: stored, validated and served (manifests that still use
 * it apply, and `kubectl apply --prune` finds it in its default allowlist). The
 * replicationcontroller-controller (controllers/replication/) runs it, as kube does, with
 * the ReplicaSet controller behind a conversion.
 */
export const replicationControllerSchema = objectSchema({
  spec: z
    .object({
      replicas: z.number().int().optional(),
      minReadySeconds: z.number().int().optional(),
      selector: z.record(z.string(), z.string()).optional(),
      template: podTemplateSpecSchema.optional(),
    })
    .optional(),
  status: z
    .object({
      replicas: z.number().int().optional(),
      fullyLabeledReplicas: z.number().int().optional(),
      readyReplicas: z.number().int().optional(),
      availableReplicas: z.number().int().optional(),
      observedGeneration: z.number().int().optional(),
      conditions: z.array(z.object({ type: z.string(), status: z.string(), lastTransitionTime: timeSchema, reason: z.string().optional(), message: z.string().optional() })).optional(),
    })
    .optional(),
});
export type ReplicationController = z.infer<typeof replicationControllerSchema>;

/** kube's ValidateReplicationController: spec (in kube's order), then status counters. */
export function validateReplicationController(obj: KubeObject): FieldError[] {
  const rc = obj as ReplicationController;
  const spec = rc.spec ?? {};
  const errs: FieldError[] = [...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  const selector = selectorFromSet(spec.selector);
  if (selector.length === 0) errs.push(required('spec.selector'));
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'));
  if (!spec.template) errs.push(required('spec.template'));
  else errs.push(...validateTemplate(spec.template, selector, 'ReplicationController'));
  const counters = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'];
  errs.push(...validateReplicaCounters(rc.status, counters, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']));
  return errs;
}

export const replicationControllerResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  listKind: 'ReplicationControllerList',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  shortNames: ['rc'],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: replicationControllerSchema,
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', selectorIsLabelMap: true } },
  hasGeneration: true,
  defaults(obj) {
    const rc = obj as ReplicationController;
    const spec = (rc.spec ??= {});
    spec.replicas ??= 1;
    // SetDefaults_ReplicationController: the selector and the RC's own labels default to
    // the template's labels (never the other way round: a template without labels is invalid).
    const labels = spec.template?.metadata?.labels;
    if (labels && (!spec.selector || Object.keys(spec.selector).length === 0)) spec.selector = { ...labels };
    if (labels && Object.keys(rc.metadata.labels ?? {}).length === 0) rc.metadata.labels = { ...labels };
    defaultTemplate(spec);
  },
  validate: validateReplicationController,
  tableColumns: [
    nameColumn,
    column('Desired', 'Replicas is the number of desired replicas.', { type: 'integer' }),
    column('Current', 'Replicas is the most recently observed number of replicas.', { type: 'integer' }),
    column('Ready', 'The number of ready replicas for this replication controller.', { type: 'integer' }),
    ageColumn,
    column('Containers', 'Names of each container in the template.', { priority: 1 }),
    column('Images', 'Images referenced by each container in the template.', { priority: 1 }),
    column('Selector', 'Selector is a label query over pods that should match the Replicas count.', { priority: 1 }),
  ],
  tableRow(obj, now) {
    const rc = obj as ReplicationController;
    const [names, images] = containerCells(rc.spec?.template);
    const sel = Object.entries(rc.spec?.selector ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
    return [rc.metadata.name ?? '', rc.spec?.replicas ?? 0, rc.status?.replicas ?? 0, rc.status?.readyReplicas ?? 0, age(obj, now), names, images, sel];
  },
  prepareForCreate(obj) {
    obj['status'] = { replicas: 0 };
  },
};
