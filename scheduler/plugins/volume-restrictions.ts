/**
 * VolumeRestrictions (the ReadWriteOncePod part), after kube-scheduler's
 * plugins/volumerestrictions: a claim with the ReadWriteOncePod access mode may be used by
 * one pod in the whole cluster; a second pod naming it is rejected at PreFilter until the
 * first is gone. Other volume kinds' restrictions (GCE PD, EBS, RBD, iSCSI) have no
 * simulated counterpart.
 */
import { constantStatus, SKIP, SUCCESS, type PreFilterOutcome, type PreFilterPlugin } from '../framework.js';
import type { PodLike } from '../types.js';
import { podClaimNames, type VolumeListers } from './volume-binding.js';

export const VOLUME_RESTRICTIONS = 'VolumeRestrictions';
export const ERR_REASON_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';
const conflict = constantStatus('UnschedulableAndUnresolvable', VOLUME_RESTRICTIONS, ERR_REASON_RWOP_CONFLICT);

export interface ClaimUsers {
  /** How many scheduled pods (other than `uid`) that have not finished use the claim. */
  otherUsers(namespace: string, claimName: string, uid: string | undefined): number;
}

export function createVolumeRestrictionsPlugin(listers: Pick<VolumeListers, 'claim'>, users: ClaimUsers): PreFilterPlugin {
  return {
    name: VOLUME_RESTRICTIONS,
    preFilter(pod: PodLike): PreFilterOutcome {
      const ns = pod.metadata?.namespace ?? 'default';
      const rwop = podClaimNames(pod).filter((n) => listers.claim(ns, n)?.spec?.accessModes?.includes('ReadWriteOncePod'));
      if (rwop.length === 0) return { status: SKIP };
      for (const name of rwop) if (users.otherUsers(ns, name, pod.metadata?.uid) > 0) return { status: conflict };
      return { status: SUCCESS };
    },
  };
}
