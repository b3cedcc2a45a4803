import type { ReplicaSet, ReplicaSetStatus } from '../../api/apps/schemas.js';
import type { Pod } from '../../api/core/pod.js';
import { matchesLabels, selectorFromSet } from '../../api/selector.js';
import { formatTime, isPodAvailable, isPodReady, podAvailableAt } from './pod-status.js';

/**
 * A ReplicaSet's status from the active pods it controls (kube's calculateStatus in
 * replica_set_utils.go). Pure.
 */

type RSCondition = NonNullable<ReplicaSetStatus['conditions']>[number];

export const REPLICA_FAILURE = 'ReplicaFailure';

/**
 * The new status: replicas, fullyLabeledReplicas (pods carrying every template label),
 * readyReplicas, availableReplicas (ready for minReadySeconds). A failed manageReplicas
 * adds the ReplicaFailure condition (reason FailedCreate or FailedDelete, message the
 * error) unless one is present; success removes it. observedGeneration is left as it was:
 * the caller sets it when it writes.
 */
export function calculateReplicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], manageError: Error | undefined, now: number): ReplicaSetStatus {
  const status: ReplicaSetStatus = structuredClone(rs.status ?? {});
  const template = selectorFromSet(rs.spec?.template?.metadata?.labels);
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (matchesLabels(template, pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
  }
  const failure = status.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: RSCondition = { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: formatTime(now), reason, message: manageError.message };
    status.conditions = [...(status.conditions ?? []), cond];
  } else if (!manageError && failure) {
    status.conditions = status.conditions!.filter((c) => c.type !== REPLICA_FAILURE);
    if (status.conditions.length === 0) delete status.conditions;
  }
  status.replicas = pods.length;
  status.fullyLabeledReplicas = fullyLabeled;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  return status;
}

/** kube's steady-state check: nothing to write when counters, generation and conditions all agree. */
export function replicaSetStatusUnchanged(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = rs.status ?? {};
  return (
    (cur.replicas ?? 0) === next.replicas &&
    (cur.fullyLabeledReplicas ?? 0) === next.fullyLabeledReplicas &&
    (cur.readyReplicas ?? 0) === next.readyReplicas &&
    (cur.availableReplicas ?? 0) === next.availableReplicas &&
    (rs.metadata.generation ?? 0) === (cur.observedGeneration ?? 0) &&
    JSON.stringify(cur.conditions ?? []) === JSON.stringify(next.conditions ?? [])
  );
}

/** The earliest time (ms) a ready pod becomes available, to requeue then; undefined if none waits. */
export function nextAvailableAt(rs: ReplicaSet, pods: readonly Pod[], now: number): number | undefined {
  let next: number | undefined;
  for (const pod of pods) {
    const at = podAvailableAt(pod, rs.spec?.minReadySeconds ?? 0, now);
    if (at !== undefined && (next === undefined || at < next)) next = at;
  }
  return next;
}
