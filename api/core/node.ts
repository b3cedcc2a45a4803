import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema, resourceListSchema, timeSchema } from '../meta.js';
import { age, column, nameColumn, ageColumn } from '../printers.js';
import { forbidden, formatValue, invalid, invalidEach, isQualifiedName, isValidLabelValue, notSupported, required } from '../validation.js';

export const taintSchema = z.object({
  key: z.string(),
  value: z.string().optional(),
  effect: z.string(),
  timeAdded: timeSchema,
});
export type Taint = z.infer<typeof taintSchema>;

export const nodeSpecSchema = z.object({
  podCIDR: z.string().optional(),
  podCIDRs: z.array(z.string()).optional(),
  providerID: z.string().optional(),
  unschedulable: z.boolean().optional(),
  taints: z.array(taintSchema).optional(),
  configSource: z.record(z.string(), z.unknown()).optional(),
  externalID: z.string().optional(),
});

export const nodeConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  lastHeartbeatTime: timeSchema,
  lastTransitionTime: timeSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type NodeCondition = z.infer<typeof nodeConditionSchema>;

export const nodeAddressSchema = z.object({ type: z.string(), address: z.string() });

export const nodeSystemInfoSchema = z.object({
  machineID: z.string().optional(),
  systemUUID: z.string().optional(),
  bootID: z.string().optional(),
  kernelVersion: z.string().optional(),
  osImage: z.string().optional(),
  containerRuntimeVersion: z.string().optional(),
  kubeletVersion: z.string().optional(),
  kubeProxyVersion: z.string().optional(),
  operatingSystem: z.string().optional(),
  architecture: z.string().optional(),
  swap: z.object({ capacity: z.number().int().optional() }).optional(),
});

export const nodeStatusSchema = z.object({
  capacity: resourceListSchema.optional(),
  allocatable: resourceListSchema.optional(),
  phase: z.string().optional(),
  conditions: z.array(nodeConditionSchema).optional(),
  addresses: z.array(nodeAddressSchema).optional(),
  daemonEndpoints: z.object({ kubeletEndpoint: z.object({ Port: z.number().int() }).optional() }).optional(),
  nodeInfo: nodeSystemInfoSchema.optional(),
  images: z.array(z.object({ names: z.array(z.string()).optional(), sizeBytes: z.number().int().optional() })).optional(),
  volumesInUse: z.array(z.string()).optional(),
  volumesAttached: z.array(z.object({ name: z.string(), devicePath: z.string() })).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  runtimeHandlers: z
    .array(
      z.object({
        name: z.string().optional(),
        features: z.object({ recursiveReadOnlyMounts: z.boolean().optional(), userNamespaces: z.boolean().optional() }).optional(),
      }),
    )
    .optional(),
  features: z.object({ supplementalGroupsPolicy: z.boolean().optional() }).optional(),
});

export const nodeSchema = objectSchema({
  spec: nodeSpecSchema.optional(),
  status: nodeStatusSchema.optional(),
});
export type Node = z.infer<typeof nodeSchema>;

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** v1 conversion keeps podCIDR and podCIDRs in step; allocatable defaults to capacity. */
export function defaultNode(node: Node): void {
  const spec = node.spec;
  if (spec) {
    if (spec.podCIDR && !spec.podCIDRs?.length) spec.podCIDRs = [spec.podCIDR];
    if (!spec.podCIDR && spec.podCIDRs?.length) spec.podCIDR = spec.podCIDRs[0];
  }
  const status = node.status;
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
}

export function validateTaints(taints: Taint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const tp = `${path}[${i}]`;
    errs.push(...invalidEach(`${tp}.key`, t.key, isQualifiedName(t.key)));
    const vErrs = isValidLabelValue(t.value ?? '');
    if (vErrs.length > 0) errs.push(invalid(`${tp}.value`, t.value ?? '', vErrs.join(';')));
    if (!t.effect) errs.push(required(`${tp}.effect`));
    else if (!taintEffects.includes(t.effect)) errs.push(notSupported(`${tp}.effect`, t.effect, taintEffects));
    const id = `${t.effect}\u0000${t.key}`;
    if (seen.has(id)) {
      errs.push({ type: 'FieldValueDuplicate', field: tp, message: `Duplicate value: ${formatValue(t)}: taints must be unique by key and effect pair` });
    }
    seen.add(id);
  });
  return errs;
}

export function validateNode(node: Node, old?: Node): FieldError[] {
  const errs = validateTaints(node.spec?.taints, 'spec.taints');
  if (old) {
    const oldCIDRs = old.spec?.podCIDRs ?? [];
    const newCIDRs = node.spec?.podCIDRs ?? [];
    if (oldCIDRs.length > 0 && (oldCIDRs.length !== newCIDRs.length || oldCIDRs.some((c, i) => c !== newCIDRs[i]))) {
      errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
    }
    const oldID = old.spec?.providerID ?? '';
    if (oldID && oldID !== (node.spec?.providerID ?? '')) {
      errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
    }
  }
  return errs;
}

/** node-role.kubernetes.io/<role> labels and the legacy kubernetes.io/role, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

/** `Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled` when cordoned. */
export function nodeStatusText(node: Node): string {
  const parts: string[] = [];
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready) parts.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (parts.length === 0) parts.push('Unknown');
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function addressOf(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

const addressesDescription =
  "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

export const nodeColumns = [
  nameColumn,
  column('Status', 'The status of the node'),
  column('Roles', 'The roles of the node'),
  ageColumn,
  column('Version', 'Kubelet Version reported by the node.'),
  column('Internal-IP', addressesDescription, { priority: 1 }),
  column('External-IP', addressesDescription, { priority: 1 }),
  column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', { priority: 1 }),
  column('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", { priority: 1 }),
  column('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', {
    priority: 1,
  }),
];

export function nodeTableRow(node: Node, now: number): unknown[] {
  const info = node.status?.nodeInfo;
  const roles = nodeRoles(node);
  return [
    node.metadata.name ?? '',
    nodeStatusText(node),
    roles.length > 0 ? roles.join(',') : '<none>',
    age(node as unknown as KubeObject, now),
    info?.kubeletVersion ?? '',
    addressOf(node, 'InternalIP'),
    addressOf(node, 'ExternalIP'),
    info?.osImage || '<unknown>',
    info?.kernelVersion || '<unknown>',
    info?.containerRuntimeVersion || '<unknown>',
  ];
}

const asNode = (o: KubeObject) => o as unknown as Node;

export const nodeResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Node',
  listKind: 'NodeList',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: nodeSchema,
  subresources: { status: true },
  hasGeneration: false,
  defaults: (o) => defaultNode(asNode(o)),
  validate: (o, old) => validateNode(asNode(o), old ? asNode(old) : undefined),
  tableColumns: nodeColumns,
  tableRow: (o, now) => nodeTableRow(asNode(o), now),
  fieldSelectors: {
    'spec.unschedulable': (o) => String(asNode(o).spec?.unschedulable === true),
  },
};
