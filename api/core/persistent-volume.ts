import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { labelSelectorSchema, objectReferenceSchema, objectSchema, resourceListSchema, timeSchema } from '../meta.js';
import { notSupported, required } from '../validation.js';
import { parseQuantityOr } from '../quantity.js';

/**
 * core/v1 PersistentVolume and PersistentVolumeClaim, with kube's defaults, validation
 * essentials and Table columns. Volume sources are kept as opaque objects (hostPath,
 * local, csi, nfs…): the storage is simulated, nothing is mounted.
 */

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const source = z.record(z.string(), z.unknown());

export const persistentVolumeSpecSchema = z.object({
  capacity: resourceListSchema.optional(),
  accessModes: z.array(z.string()).optional(),
  claimRef: objectReferenceSchema.optional(),
  persistentVolumeReclaimPolicy: z.string().optional(),
  storageClassName: z.string().optional(),
  mountOptions: z.array(z.string()).optional(),
  volumeMode: z.string().optional(),
  nodeAffinity: z.object({ required: z.record(z.string(), z.unknown()).optional() }).optional(),
  volumeAttributesClassName: z.string().optional(),
  hostPath: source.optional(),
  local: source.optional(),
  csi: source.optional(),
  nfs: source.optional(),
  iscsi: source.optional(),
  fc: source.optional(),
});

export const persistentVolumeSchema = objectSchema({
  spec: persistentVolumeSpecSchema.optional(),
  status: z.object({ phase: z.string().optional(), message: z.string().optional(), reason: z.string().optional(), lastPhaseTransitionTime: timeSchema }).optional(),
});
export type PersistentVolume = z.infer<typeof persistentVolumeSchema>;

export const persistentVolumeClaimSpecSchema = z.object({
  accessModes: z.array(z.string()).optional(),
  selector: labelSelectorSchema.optional(),
  resources: z.object({ limits: resourceListSchema.optional(), requests: resourceListSchema.optional() }).optional(),
  volumeName: z.string().optional(),
  storageClassName: z.string().optional(),
  volumeMode: z.string().optional(),
  dataSource: z.record(z.string(), z.unknown()).optional(),
  dataSourceRef: z.record(z.string(), z.unknown()).optional(),
  volumeAttributesClassName: z.string().optional(),
});

export const persistentVolumeClaimSchema = objectSchema({
  spec: persistentVolumeClaimSpecSchema.optional(),
  status: z
    .object({
      phase: z.string().optional(),
      accessModes: z.array(z.string()).optional(),
      capacity: resourceListSchema.optional(),
      conditions: z.array(z.object({ type: z.string(), status: z.string(), lastProbeTime: timeSchema, lastTransitionTime: timeSchema, reason: z.string().optional(), message: z.string().optional() })).optional(),
      allocatedResources: resourceListSchema.optional(),
    })
    .optional(),
});
export type PersistentVolumeClaim = z.infer<typeof persistentVolumeClaimSchema>;

/** GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order. */
export function accessModesCell(modes: readonly string[] | undefined): string {
  const short: Array<[string, string]> = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short.filter(([m]) => (modes ?? []).includes(m)).map(([, s]) => s).join(',');
}

function validateAccessModes(modes: readonly string[] | undefined, field: string): FieldError[] {
  if (!modes || modes.length === 0) return [required(field, 'at least 1 access mode is required')];
  return modes.filter((m) => !ACCESS_MODES.includes(m)).map((m) => notSupported(field, m, ACCESS_MODES));
}

const VOLUME_SOURCES = ['hostPath', 'local', 'csi', 'nfs', 'iscsi', 'fc'] as const;

export function validatePersistentVolume(obj: KubeObject): FieldError[] {
  const spec = (obj as PersistentVolume).spec ?? {};
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  if (spec.capacity?.['storage'] === undefined) errs.push(required('spec.capacity'));
  if (!VOLUME_SOURCES.some((s) => spec[s] !== undefined)) errs.push(required('spec', 'must specify a volume type'));
  const policy = spec.persistentVolumeReclaimPolicy ?? 'Retain';
  if (!['Delete', 'Recycle', 'Retain'].includes(policy)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, ['Delete', 'Recycle', 'Retain']));
  return errs;
}

export function validatePersistentVolumeClaim(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = (obj as PersistentVolumeClaim).spec ?? {};
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  if (spec.resources?.requests?.['storage'] === undefined) errs.push(required('spec.resources[storage]'));
  if (old) {
    const o = (old as PersistentVolumeClaim).spec ?? {};
    // The spec is immutable but for requests (expansion) and the binder filling volumeName.
    // The PV controller also fills an unset storageClassName (retroactive default class).
    const strip = (s: typeof spec) => JSON.stringify({ ...s, resources: { ...(s.resources ?? {}), requests: undefined }, volumeName: undefined, storageClassName: s === spec && o.storageClassName === undefined ? undefined : s.storageClassName });
    const bindingVolumeName = !o.volumeName && !!spec.volumeName;
    const oldClaim = old as PersistentVolumeClaim;
    const size = (q: unknown) => parseQuantityOr(q as string | undefined, 0);
    const resized = size(spec.resources?.requests?.['storage']) !== size(o.resources?.requests?.['storage']);
    const wasBound = oldClaim.status?.phase === 'Bound' && !!o.volumeName;
    const capacity = oldClaim.status?.capacity?.['storage'] ?? o.resources?.requests?.['storage'];
    if (resized && wasBound && size(spec.resources?.requests?.['storage']) < size(capacity)) {
      errs.push({ type: 'FieldValueForbidden', field: 'spec.resources.requests.storage', message: 'Forbidden: field can not be less than status.capacity' });
    }
    if (strip(spec) !== strip(o) || (o.volumeName !== spec.volumeName && !bindingVolumeName) || (resized && !wasBound)) {
      errs.push({ type: 'FieldValueForbidden', field: 'spec', message: 'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' });
    }
  }
  return errs;
}

export const persistentVolumeResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  listKind: 'PersistentVolumeList',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  shortNames: ['pv'],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: persistentVolumeSchema,
  subresources: { status: true },
  hasGeneration: false,
  defaults(obj) {
    const spec = ((obj as PersistentVolume).spec ??= {});
    spec.persistentVolumeReclaimPolicy ??= 'Retain';
    spec.volumeMode ??= 'Filesystem';
  },
  validate: validatePersistentVolume,
  tableColumns: [
    nameColumn,
    column('Capacity', 'capacity is the description of the persistent volume\'s resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity'),
    column('Access Modes', 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes'),
    column('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming'),
    column('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase'),
    column('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding'),
    column('StorageClass', 'storageClassName is the name of StorageClass to which this persistent volume belongs. Empty value means that this volume does not belong to any StorageClass.'),
    column('VolumeAttributesClass', 'Name of VolumeAttributesClass to which this persistent volume belongs. Empty value is not allowed. When this field is not set, it indicates that this volume does not belong to any VolumeAttributesClass. This field is mutable and can be changed by the CSI driver after a volume has been updated successfully to a new class. For an unbound PersistentVolume, the volumeAttributesClassName will be matched with unbound PersistentVolumeClaims during the binding process. This is a beta field and requires enabling VolumeAttributesClass feature (off by default).'),
    column('Reason', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    ageColumn,
    column('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.', { priority: 1 }),
  ],
  tableRow(obj, now) {
    const pv = obj as PersistentVolume;
    const spec = pv.spec ?? {};
    const claim = spec.claimRef?.name ? `${spec.claimRef.namespace}/${spec.claimRef.name}` : '';
    return [
      pv.metadata.name ?? '',
      String(spec.capacity?.['storage'] ?? ''),
      accessModesCell(spec.accessModes),
      spec.persistentVolumeReclaimPolicy ?? '',
      pv.status?.phase ?? '',
      claim,
      spec.storageClassName ?? '',
      spec.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '',
      age(obj, now),
      spec.volumeMode ?? 'Filesystem',
    ];
  },
  prepareForCreate(obj) {
    obj['status'] = { phase: 'Pending' };
  },
};

export const persistentVolumeClaimResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  listKind: 'PersistentVolumeClaimList',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  shortNames: ['pvc'],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: persistentVolumeClaimSchema,
  subresources: { status: true },
  hasGeneration: false,
  defaults(obj) {
    const spec = ((obj as PersistentVolumeClaim).spec ??= {});
    spec.volumeMode ??= 'Filesystem';
  },
  validate: validatePersistentVolumeClaim,
  tableColumns: [
    nameColumn,
    column('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'accessModes contains the desired access modes the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1'),
    column('StorageClass', 'storageClassName is the name of the StorageClass required by the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#class-1'),
    column('VolumeAttributesClass', 'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.'),
    ageColumn,
    column('VolumeMode', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.', { priority: 1 }),
  ],
  tableRow(obj, now) {
    const pvc = obj as PersistentVolumeClaim;
    const spec = pvc.spec ?? {};
    const bound = pvc.status?.phase === 'Bound';
    return [
      pvc.metadata.name ?? '',
      pvc.status?.phase ?? '',
      spec.volumeName ?? '',
      bound ? String(pvc.status?.capacity?.['storage'] ?? '') : '',
      bound ? accessModesCell(pvc.status?.accessModes) : '',
      spec.storageClassName ?? '',
      spec.volumeAttributesClassName ?? '<unset>',
      age(obj, now),
      spec.volumeMode ?? 'Filesystem',
    ];
  },
  prepareForCreate(obj) {
    obj['status'] = { phase: 'Pending' };
  },
};
