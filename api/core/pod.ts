import { z } from 'zod';
import type { KubeObject, ResourceType } from '../types.js';
import { objectSchema, timeSchema } from '../meta.js';
import { containerStatusSchema } from './container.js';
import { podSpecSchema } from './pod-spec.js';
import { defaultPodOnlySpec, defaultPodSpec } from './pod-defaults.js';
import { validatePodSpec, validatePodSpecUpdate } from './pod-validation.js';
import { podColumns, podTableRow, podTableRowConditions } from './pod-printer.js';
import { computeQOSClass } from './qos.js';

export const podConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  observedGeneration: z.number().int().optional(),
  lastProbeTime: timeSchema,
  lastTransitionTime: timeSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type PodCondition = z.infer<typeof podConditionSchema>;

const podIP = z.object({ ip: z.string() });

export const podStatusSchema = z.object({
  observedGeneration: z.number().int().optional(),
  phase: z.string().optional(),
  conditions: z.array(podConditionSchema).optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  nominatedNodeName: z.string().optional(),
  hostIP: z.string().optional(),
  hostIPs: z.array(podIP).optional(),
  podIP: z.string().optional(),
  podIPs: z.array(podIP).optional(),
  startTime: timeSchema,
  initContainerStatuses: z.array(containerStatusSchema).optional(),
  containerStatuses: z.array(containerStatusSchema).optional(),
  qosClass: z.string().optional(),
  ephemeralContainerStatuses: z.array(containerStatusSchema).optional(),
  resize: z.string().optional(),
  resourceClaimStatuses: z.array(z.object({ name: z.string(), resourceClaimName: z.string().optional() })).optional(),
});
export type PodStatus = z.infer<typeof podStatusSchema>;

export const podSchema = objectSchema({
  spec: podSpecSchema.optional(),
  status: podStatusSchema.optional(),
});
export type Pod = z.infer<typeof podSchema>;

/** v1 conversion keeps podIP/podIPs (and hostIP/hostIPs) in step: the single field is the first of the list. */
function syncIPs(status: PodStatus): void {
  if (status.podIP && !status.podIPs?.length) status.podIPs = [{ ip: status.podIP }];
  if (!status.podIP && status.podIPs?.length) status.podIP = status.podIPs[0]!.ip;
  if (status.hostIP && !status.hostIPs?.length) status.hostIPs = [{ ip: status.hostIP }];
  if (!status.hostIP && status.hostIPs?.length) status.hostIP = status.hostIPs[0]!.ip;
}

/** All of a new or updated Pod's defaults: spec defaults, pod-only defaults and admission. */
export function defaultPod(pod: Pod): void {
  pod.spec ??= { containers: [] };
  defaultPodSpec(pod.spec);
  defaultPodOnlySpec(pod.spec);
  if (pod.status) syncIPs(pod.status);
}

/** On create: status reset to Pending with the QoS class; a gated pod says so. */
export function preparePodForCreate(pod: Pod): void {
  const spec = pod.spec ?? { containers: [] };
  pod.status = { phase: 'Pending', qosClass: computeQOSClass(spec) };
  if ((spec.schedulingGates ?? []).length > 0) {
    pod.status.conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
      },
    ];
  }
}

function podIPOf(pod: Pod): string {
  return pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '';
}

const asPod = (obj: KubeObject) => obj as unknown as Pod;

export const podResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  listKind: 'PodList',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: podSchema,
  subresources: { status: true },
  // Pods gained metadata.generation only in 1.33 (PodObservedGenerationTracking).
  hasGeneration: false,
  defaults: (obj) => defaultPod(asPod(obj)),
  validate(obj, old) {
    const pod = asPod(obj);
    const errs = validatePodSpec(pod.spec, 'spec');
    if (old) {
      const oldPod = asPod(old);
      if (pod.spec && oldPod.spec) errs.push(...validatePodSpecUpdate(pod.spec, oldPod.spec, 'spec'));
    }
    return errs;
  },
  tableColumns: podColumns,
  tableRow: (obj, now) => podTableRow(asPod(obj), now),
  tableRowConditions: (obj) => podTableRowConditions(asPod(obj)),
  fieldSelectors: {
    'spec.nodeName': (o) => asPod(o).spec?.nodeName ?? '',
    'spec.restartPolicy': (o) => asPod(o).spec?.restartPolicy ?? '',
    'spec.schedulerName': (o) => asPod(o).spec?.schedulerName ?? '',
    'spec.serviceAccountName': (o) => asPod(o).spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (o) => String(asPod(o).spec?.hostNetwork === true),
    'status.phase': (o) => asPod(o).status?.phase ?? '',
    'status.podIP': (o) => podIPOf(asPod(o)),
    'status.nominatedNodeName': (o) => asPod(o).status?.nominatedNodeName ?? '',
  },
  prepareForCreate: (obj) => preparePodForCreate(asPod(obj)),
};
