import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { objectSchema } from '../meta.js';
import { notSupported, required, validateImmutable } from '../validation.js';

/** storage.k8s.io/v1 StorageClass: top-level fields, no spec. */
export const storageClassSchema = objectSchema({
  provisioner: z.string().optional(),
  parameters: z.record(z.string(), z.string()).optional(),
  reclaimPolicy: z.string().optional(),
  mountOptions: z.array(z.string()).optional(),
  allowVolumeExpansion: z.boolean().optional(),
  volumeBindingMode: z.string().optional(),
  allowedTopologies: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type StorageClass = z.infer<typeof storageClassSchema>;

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export function isDefaultClass(sc: StorageClass): boolean {
  return sc.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
}

export function validateStorageClass(obj: KubeObject, old?: KubeObject): FieldError[] {
  const sc = obj as StorageClass;
  const errs: FieldError[] = [];
  if (!sc.provisioner) errs.push(required('provisioner'));
  if (sc.reclaimPolicy && !['Delete', 'Retain'].includes(sc.reclaimPolicy)) errs.push(notSupported('reclaimPolicy', sc.reclaimPolicy, ['Delete', 'Retain']));
  if (sc.volumeBindingMode && !['Immediate', 'WaitForFirstConsumer'].includes(sc.volumeBindingMode)) {
    errs.push(notSupported('volumeBindingMode', sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
  }
  if (old) {
    const o = old as StorageClass;
    errs.push(...validateImmutable(sc.provisioner, o.provisioner, 'provisioner'));
    errs.push(...validateImmutable(sc.parameters, o.parameters, 'parameters'));
    errs.push(...validateImmutable(sc.reclaimPolicy, o.reclaimPolicy, 'reclaimPolicy'));
    errs.push(...validateImmutable(sc.volumeBindingMode, o.volumeBindingMode, 'volumeBindingMode'));
  }
  return errs;
}

export const storageClassResource: ResourceType = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  listKind: 'StorageClassList',
  plural: 'storageclasses',
  singular: 'storageclass',
  shortNames: ['sc'],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: storageClassSchema,
  subresources: {},
  hasGeneration: false,
  defaults(obj) {
    const sc = obj as StorageClass;
    sc.reclaimPolicy ??= 'Delete';
    sc.volumeBindingMode ??= 'Immediate';
  },
  validate: validateStorageClass,
  tableColumns: [
    nameColumn,
    column('Provisioner', 'provisioner indicates the type of the provisioner.'),
    column('ReclaimPolicy', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
    column('VolumeBindingMode', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.'),
    column('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageColumn,
  ],
  tableRow(obj, now) {
    const sc = obj as StorageClass;
    // printStorageClass marks the default class in the NAME cell.
    const name = isDefaultClass(sc) ? `${sc.metadata.name} (default)` : (sc.metadata.name ?? '');
    return [name, sc.provisioner ?? '', sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', String(sc.allowVolumeExpansion ?? false), age(obj, now)];
  },
};
