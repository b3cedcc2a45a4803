import type { StatefulSet, StatefulSetStatus } from '../../api/apps/daemonset-statefulset-schemas.js';
import type { Pod } from '../../api/core/pod.js';
import { isPodAvailable, isPodReady } from '../replicaset/pod-status.js';

/**
 * One StatefulSet sync, decided (kube's StatefulSetControl.updateStatefulSet): pods are
 * `<name>-<ordinal>`; OrderedReady creates them one at a time in ordinal order, each
 * after the previous is Running and Ready, and removes the highest ordinal first;
 * Parallel does both at once. A RollingUpdate replaces pods at or above the partition
 * whose revision is not the update revision, highest first, one at a time (OnDelete
 * waits for the user to delete them). Pure.
 */

export const REVISION_LABEL = 'controller-revision-hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export interface StatefulPlan {
  /** Ordinals to create (their claims first). */
  create: number[];
  /** Pods to delete: beyond replicas, failed ones, and rolling-update victims. */
  delete: Pod[];
  status: StatefulSetStatus;
}

/** `web-3` → 3 for a StatefulSet named `web`; undefined for a pod that is not one of its ordinals. */
export function ordinalOf(setName: string, pod: Pod): number | undefined {
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(`${setName}-`)) return undefined;
  const rest = name.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

const healthy = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p) && !p.metadata.deletionTimestamp;

export function planStatefulSet(set: StatefulSet, pods: readonly Pod[], updateRevision: string, currentRevision: string, nowMs: number): StatefulPlan {
  const spec = set.spec ?? {};
  const name = set.metadata.name!;
  const replicas = spec.replicas ?? 1;
  const start = spec.ordinals?.start ?? 0;
  const parallel = spec.podManagementPolicy === 'Parallel';
  const plan: StatefulPlan = { create: [], delete: [], status: {} };
  const byOrdinal = new Map<number, Pod>();
  for (const p of pods) {
    const o = ordinalOf(name, p);
    if (o !== undefined) byOrdinal.set(o, p);
  }
  const inRange = (o: number) => o >= start && o < start + replicas;

  // Create (and replace failed) pods in range, in order.
  for (let o = start; o < start + replicas; o++) {
    const p = byOrdinal.get(o);
    if (!p) {
      plan.create.push(o);
      if (!parallel) break;
      continue;
    }
    if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded') {
      if (!p.metadata.deletionTimestamp) plan.delete.push(p);
      if (!parallel) break;
      continue;
    }
    // OrderedReady: wait for each pod to be Running and Ready before the next.
    if (!parallel && !healthy(p)) break;
  }

  // Scale down: highest ordinal first; OrderedReady one at a time and only when all below are healthy.
  const condemned = [...byOrdinal.entries()].filter(([o]) => !inRange(o)).sort((a, b) => b[0] - a[0]);
  if (plan.create.length === 0) {
    for (const [, p] of condemned) {
      if (p.metadata.deletionTimestamp) {
        if (!parallel) break;
        continue;
      }
      plan.delete.push(p);
      if (!parallel) break;
    }
  }

  // Rolling update: when everything in range exists and is healthy, replace the highest outdated pod at or above the partition.
  const strategy = spec.updateStrategy ?? {};
  const allHealthy = [...Array(replicas).keys()].every((i) => {
    const p = byOrdinal.get(start + i);
    return p !== undefined && healthy(p);
  });
  if (strategy.type !== 'OnDelete' && plan.create.length === 0 && plan.delete.length === 0 && allHealthy && condemned.length === 0) {
    const partition = strategy.rollingUpdate?.partition ?? 0;
    for (let o = start + replicas - 1; o >= start + partition; o--) {
      const p = byOrdinal.get(o)!;
      if (p.metadata.labels?.[REVISION_LABEL] !== updateRevision) {
        plan.delete.push(p);
        break;
      }
    }
  }

  const live = pods.filter((p) => ordinalOf(name, p) !== undefined && !p.metadata.deletionTimestamp);
  const minReady = spec.minReadySeconds ?? 0;
  const current = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length;
  const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
  const done = updated === replicas && live.length === replicas;
  plan.status = {
    observedGeneration: set.metadata.generation,
    replicas: live.length,
    readyReplicas: live.filter(isPodReady).length,
    currentReplicas: done ? updated : current,
    updatedReplicas: updated,
    currentRevision: done ? updateRevision : currentRevision,
    updateRevision,
    collisionCount: set.status?.collisionCount ?? 0,
    availableReplicas: live.filter((p) => isPodAvailable(p, minReady, nowMs)).length,
  };
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (!plan.status[k]) delete plan.status[k];
  return plan;
}
