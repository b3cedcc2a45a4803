import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';

/**
 * The annotations the Deployment controller keeps on its ReplicaSets and on itself
 * (deploymentutil in kube): the rollout revision, the revision history of a ReplicaSet
 * that was rolled back to, and desired/max replicas that tell scaling events apart from
 * rollouts. Functions that "set" change the object they are given (a clone) and
 * return whether anything changed.
 */

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The pre-apps/v1 rollback request annotation; never copied. */
export const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';
/** kube's maxRevHistoryLengthInChars. */
export const MAX_REV_HISTORY_LENGTH = 2000;

/** Deployment annotations that are not copied to its ReplicaSets (kube's annotationsToSkip). */
export const ANNOTATIONS_TO_SKIP = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO,
]);

const INT = /^[+-]?\d+$/;

/** The revision number of an object; 0 when missing, undefined when unparsable. */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined || v === '') return 0;
  return INT.test(v) ? Number.parseInt(v, 10) : undefined;
}

/** The highest revision among the ReplicaSets (unparsable ones are skipped). */
export function maxRevision(rss: readonly ReplicaSet[]): number {
  let max = 0;
  for (const rs of rss) max = Math.max(max, revisionOf(rs) ?? 0);
  return max;
}

/** Copies the Deployment's annotations (except the skipped ones) onto the ReplicaSet. */
export function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  const target = (rs.metadata.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && INT.test(v) ? Number.parseInt(v, 10) : undefined;
}

export const desiredReplicasAnnotation = (rs: ReplicaSet): number | undefined => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const maxReplicasAnnotation = (rs: ReplicaSet): number | undefined => intAnnotation(rs, MAX_REPLICAS_ANNOTATION);

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  const a = (rs.metadata.annotations ??= {});
  a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
  a[MAX_REPLICAS_ANNOTATION] = String(max);
  return true;
}

/**
 * kube's SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the
 * revision to newRevision when lower — keeping the old number in the revision history
 * when the ReplicaSet had one (a rollback to it) — and, for a ReplicaSet about to be
 * created (exists false), sets desired/max replicas.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, maxSurge: number): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const had = Object.hasOwn(a, REVISION_ANNOTATION);
  const oldText = a[REVISION_ANNOTATION] ?? '';
  if (oldText !== '' && !INT.test(oldText)) return false;
  const old = oldText === '' ? 0 : Number.parseInt(oldText, 10);
  if (old < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (had) {
      const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
      if (history === '') {
        a[REVISION_HISTORY_ANNOTATION] = oldText;
      } else {
        let revisions = history.split(',');
        let total = history.length + oldText.length + 1;
        while (total > MAX_REV_HISTORY_LENGTH && revisions.length > 0) {
          total -= revisions[0]!.length + 1;
          revisions = revisions.slice(1);
        }
        if (total <= MAX_REV_HISTORY_LENGTH) a[REVISION_HISTORY_ANNOTATION] = [...revisions, oldText].join(',');
      }
    }
  }
  const replicas = d.spec?.replicas ?? 1;
  if (!exists && setReplicasAnnotations(rs, replicas, replicas + maxSurge)) changed = true;
  return changed;
}
