import type { PersistentVolume, PersistentVolumeClaim } from '../core/persistent-volume.js';
import { parseQuantityOr } from '../quantity.js';
import { labelSelectorFromObject, matchesLabels } from '../selector.js';

/**
 * The PV controller's matching (kube's findMatchingVolume): an unbound volume of the
 * claim's class and volume mode, with every requested access mode, at least the requested
 * size, matching the claim's selector; the smallest such volume wins. Pure.
 */

function bytes(q: unknown): number {
  return parseQuantityOr(q as string | number | undefined, 0);
}

export function requestedBytes(pvc: PersistentVolumeClaim): number {
  return bytes(pvc.spec?.resources?.requests?.['storage']);
}

export function volumeMatches(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ps = pv.spec ?? {};
  const cs = pvc.spec ?? {};
  if (ps.claimRef && !(ps.claimRef.uid === pvc.metadata.uid || (!ps.claimRef.uid && ps.claimRef.name === pvc.metadata.name && ps.claimRef.namespace === pvc.metadata.namespace))) return false;
  if (pv.metadata.deletionTimestamp || (pv.status?.phase && pv.status.phase !== 'Available' && pv.status.phase !== 'Pending' && !ps.claimRef)) return false;
  if ((ps.storageClassName ?? '') !== (cs.storageClassName ?? '')) return false;
  if ((ps.volumeMode ?? 'Filesystem') !== (cs.volumeMode ?? 'Filesystem')) return false;
  if (!(cs.accessModes ?? []).every((m) => (ps.accessModes ?? []).includes(m))) return false;
  if (bytes(ps.capacity?.['storage']) < requestedBytes(pvc)) return false;
  if (cs.selector) {
    try {
      if (!matchesLabels(labelSelectorFromObject(cs.selector), pv.metadata.labels ?? {})) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The best volume for the claim: one pre-bound to it, else the smallest match. */
export function findMatchingVolume(pvs: readonly PersistentVolume[], pvc: PersistentVolumeClaim): PersistentVolume | undefined {
  const candidates = pvs.filter((pv) => volumeMatches(pv, pvc));
  const prebound = candidates.find((pv) => pv.spec?.claimRef);
  if (prebound) return prebound;
  return candidates.sort((a, b) => bytes(a.spec?.capacity?.['storage']) - bytes(b.spec?.capacity?.['storage']))[0];
}
