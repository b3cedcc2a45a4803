import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { objectSchema, timeSchema } from '../meta.js';
import { duplicate, notSupported, required, validateImmutable } from '../validation.js';
import { persistentVolumeSpecSchema } from '../core/persistent-volume.js';

/**
 * storage.k8s.io/v1 CSIDriver, CSINode and VolumeAttachment: served, validated and
 * printed as kube-apiserver does. Kubeling's only provisioner is the simulated local-path
 * one (controllers/volume), which needs no attachment, so nothing creates these objects
 * on its own; CSI drivers' manifests (Helm charts) apply and read back.
 */

const LIFECYCLE_MODES = ['Persistent', 'Ephemeral'];
const FS_GROUP_POLICIES = ['ReadWriteOnceWithFSType', 'File', 'None'];

export const csiDriverSchema = objectSchema({
  spec: z
    .object({
      attachRequired: z.boolean().optional(),
      podInfoOnMount: z.boolean().optional(),
      volumeLifecycleModes: z.array(z.string()).optional(),
      storageCapacity: z.boolean().optional(),
      fsGroupPolicy: z.string().optional(),
      tokenRequests: z.array(z.object({ audience: z.string(), expirationSeconds: z.number().int().optional() })).optional(),
      requiresRepublish: z.boolean().optional(),
      seLinuxMount: z.boolean().optional(),
      nodeAllocatableUpdatePeriodSeconds: z.number().int().optional(),
    })
    .optional(),
});
export type CSIDriver = z.infer<typeof csiDriverSchema>;

export function validateCSIDriver(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = (obj as CSIDriver).spec ?? {};
  const errs: FieldError[] = [];
  (spec.volumeLifecycleModes ?? []).forEach((m, i) => {
    if (!LIFECYCLE_MODES.includes(m)) errs.push(notSupported(`spec.volumeLifecycleModes[${i}]`, m, LIFECYCLE_MODES));
  });
  if (spec.fsGroupPolicy !== undefined && !FS_GROUP_POLICIES.includes(spec.fsGroupPolicy)) errs.push(notSupported('spec.fsGroupPolicy', spec.fsGroupPolicy, FS_GROUP_POLICIES));
  const audiences = new Set<string>();
  (spec.tokenRequests ?? []).forEach((t, i) => {
    if (audiences.has(t.audience)) errs.push(duplicate(`spec.tokenRequests[${i}].audience`, t.audience));
    audiences.add(t.audience);
  });
  if (old) {
    const o = (old as CSIDriver).spec ?? {};
    errs.push(...validateImmutable(spec.attachRequired, o.attachRequired, 'spec.attachRequired'));
    errs.push(...validateImmutable(spec.volumeLifecycleModes, o.volumeLifecycleModes, 'spec.volumeLifecycleModes'));
  }
  return errs;
}

const yesNo = (b: boolean | undefined, dflt: boolean): string => String(b ?? dflt);

export const csiDriverResource: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSIDriver',
  listKind: 'CSIDriverList',
  plural: 'csidrivers',
  singular: 'csidriver',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: csiDriverSchema,
  subresources: {},
  hasGeneration: false,
  defaults(obj) {
    const spec = ((obj as CSIDriver).spec ??= {});
    spec.attachRequired ??= true;
    spec.podInfoOnMount ??= false;
    spec.storageCapacity ??= false;
    spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
    spec.requiresRepublish ??= false;
    spec.seLinuxMount ??= false;
    if (!spec.volumeLifecycleModes?.length) spec.volumeLifecycleModes = ['Persistent'];
  },
  validate: validateCSIDriver,
  tableColumns: [
    nameColumn,
    column('AttachRequired', 'attachRequired indicates this CSI volume driver requires an attach operation.'),
    column('PodInfoOnMount', 'podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations.'),
    column('StorageCapacity', 'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report.'),
    column('TokenRequests', 'tokenRequests indicates the CSI driver needs pods\' service account tokens it is mounting volume for to do necessary authentication.'),
    column('RequiresRepublish', 'requiresRepublish indicates the CSI driver wants NodePublishVolume being periodically called to reflect any possible change in the mounted volume.'),
    column('Modes', 'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.'),
    ageColumn,
  ],
  tableRow(obj, now) {
    const d = obj as CSIDriver;
    const s = d.spec ?? {};
    const tokens = s.tokenRequests?.length ? s.tokenRequests.map((t) => t.audience).join(',') : '<unset>';
    return [
      d.metadata.name ?? '',
      yesNo(s.attachRequired, true),
      yesNo(s.podInfoOnMount, false),
      yesNo(s.storageCapacity, false),
      tokens,
      yesNo(s.requiresRepublish, false),
      (s.volumeLifecycleModes ?? []).join(','),
      age(obj, now),
    ];
  },
};

export const csiNodeSchema = objectSchema({
  spec: z
    .object({
      drivers: z.array(z.object({ name: z.string(), nodeID: z.string(), topologyKeys: z.array(z.string()).nullish(), allocatable: z.object({ count: z.number().int().optional() }).optional() })).nullish(),
    })
    .optional(),
});
export type CSINode = z.infer<typeof csiNodeSchema>;

export function validateCSINode(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  ((obj as CSINode).spec?.drivers ?? []).forEach((d, i) => {
    if (!d.name) errs.push(required(`spec.drivers[${i}].name`));
    else if (seen.has(d.name)) errs.push(duplicate(`spec.drivers[${i}].name`, d.name));
    seen.add(d.name);
    if (!d.nodeID) errs.push(required(`spec.drivers[${i}].nodeID`));
    if (d.allocatable?.count !== undefined && d.allocatable.count < 0) errs.push({ type: 'FieldValueInvalid', field: `spec.drivers[${i}].allocatable.count`, message: `Invalid value: ${d.allocatable.count}: must be greater than or equal to 0` });
  });
  return errs;
}

export const csiNodeResource: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSINode',
  listKind: 'CSINodeList',
  plural: 'csinodes',
  singular: 'csinode',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: csiNodeSchema,
  subresources: {},
  hasGeneration: false,
  defaults() {},
  validate: validateCSINode,
  tableColumns: [nameColumn, column('Drivers', 'Drivers indicates the number of CSI drivers registered on the node', { type: 'integer' }), ageColumn],
  tableRow(obj, now) {
    return [obj.metadata.name ?? '', ((obj as CSINode).spec?.drivers ?? []).length, age(obj, now)];
  },
};

export const volumeAttachmentSchema = objectSchema({
  spec: z
    .object({
      attacher: z.string().optional(),
      source: z.object({ persistentVolumeName: z.string().optional(), inlineVolumeSpec: persistentVolumeSpecSchema.optional() }).optional(),
      nodeName: z.string().optional(),
    })
    .optional(),
  status: z
    .object({
      attached: z.boolean().optional(),
      attachmentMetadata: z.record(z.string(), z.string()).optional(),
      attachError: z.object({ time: timeSchema, message: z.string().optional(), errorCode: z.number().int().optional() }).optional(),
      detachError: z.object({ time: timeSchema, message: z.string().optional(), errorCode: z.number().int().optional() }).optional(),
    })
    .optional(),
});
export type VolumeAttachment = z.infer<typeof volumeAttachmentSchema>;

export function validateVolumeAttachment(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = (obj as VolumeAttachment).spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.attacher) errs.push(required('spec.attacher'));
  if (!spec.nodeName) errs.push(required('spec.nodeName'));
  const sources = [spec.source?.persistentVolumeName, spec.source?.inlineVolumeSpec].filter((s) => s !== undefined).length;
  if (sources !== 1) errs.push({ type: 'FieldValueForbidden', field: 'spec.source', message: 'Forbidden: must specify exactly one of persistentVolumeName and inlineVolumeSpec' });
  if (old) errs.push(...validateImmutable(spec, (old as VolumeAttachment).spec, 'spec'));
  return errs;
}

export const volumeAttachmentResource: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'VolumeAttachment',
  listKind: 'VolumeAttachmentList',
  plural: 'volumeattachments',
  singular: 'volumeattachment',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: volumeAttachmentSchema,
  subresources: { status: true },
  hasGeneration: false,
  defaults() {},
  validate: validateVolumeAttachment,
  tableColumns: [
    nameColumn,
    column('Attacher', 'Attacher indicates the name of the volume driver that MUST handle this request.'),
    column('PV', 'Name of the persistent volume to attach.'),
    column('Node', 'The node that the volume should be attached to.'),
    column('Attached', 'Indicates the volume is successfully attached.', { type: 'boolean' }),
    ageColumn,
  ],
  tableRow(obj, now) {
    const va = obj as VolumeAttachment;
    return [va.metadata.name ?? '', va.spec?.attacher ?? '', va.spec?.source?.persistentVolumeName ?? '', va.spec?.nodeName ?? '', va.status?.attached ?? false, age(obj, now)];
  },
};
