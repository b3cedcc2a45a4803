import type { KubeObject } from '../../../api/types.js';
import type { PersistentVolumeClaim } from '../../../api/core/persistent-volume.js';
import { storageClassResource, type StorageClass } from '../../../api/storage/storageclass.js';
import { parseQuantityOr } from '../../../api/quantity.js';
import type { KindHooks, Registry } from '../generic-registry.js';
import { forbidden } from '../../errors.js';

/**
 * kube's PersistentVolumeClaimResize admission plugin: a claim's storage request may grow
 * only when its StorageClass says `allowVolumeExpansion: true` (the volume is then
 * expanded by the PV controller's simulated resizer). Shrinking and resizing an unbound
 * claim are refused by validation (api/core/persistent-volume.ts).
 * StorageObjectInUseProtection: the protection finalizers, removed by
 * controllers/volume/protection-controller.ts once nothing uses the object.
 */
export function storageRequest(c: PersistentVolumeClaim): number {
  return parseQuantityOr(c.spec?.resources?.requests?.['storage'] as string | undefined, 0);
}

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

/** kube's StorageObjectInUseProtection admission: new claims and volumes carry a protection finalizer. */
function protect(obj: KubeObject, finalizer: string): void {
  const list = (obj.metadata.finalizers ??= []);
  if (!list.includes(finalizer)) list.push(finalizer);
}

export const persistentVolumeHooks: KindHooks = {
  async beforeCreate(obj: KubeObject): Promise<void> {
    protect(obj, PV_PROTECTION_FINALIZER);
  },
};

export const persistentVolumeClaimHooks: KindHooks = {
  async beforeCreate(obj: KubeObject): Promise<void> {
    protect(obj, PVC_PROTECTION_FINALIZER);
  },
  async beforeUpdate(obj: KubeObject, old: KubeObject, reg: Registry): Promise<void> {
    const next = obj as PersistentVolumeClaim;
    const prev = old as PersistentVolumeClaim;
    if (storageRequest(next) <= storageRequest(prev)) return;
    const className = next.spec?.storageClassName;
    let sc: StorageClass | undefined;
    if (className) sc = (await reg.registryFor(storageClassResource).get(undefined, className).catch(() => undefined)) as StorageClass | undefined;
    if (sc?.allowVolumeExpansion) return;
    throw forbidden(`persistentvolumeclaims "${next.metadata.name}" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize`, { name: next.metadata.name, kind: 'persistentvolumeclaims' });
  },
};
