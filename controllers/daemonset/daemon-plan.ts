import type { DaemonSet, DaemonSetStatus } from '../../api/apps/daemonset-statefulset-schemas.js';
import { scaledValueFromIntOrPercent } from '../../api/apps/int-or-percent.js';
import type { Node } from '../../api/core/node.js';
import type { Pod } from '../../api/core/pod.js';
import { isPodAvailable, isPodReady } from '../replicaset/pod-status.js';
import { nodeShouldRunDaemonPod } from './daemon-placement.js';

/**
 * One DaemonSet sync, decided (kube's daemon controller manage + rollingUpdate +
 * updateDaemonSetStatus): which nodes get a new daemon pod, which pods go, and the
 * status. `hash` is the current template's controller-revision-hash. Pure.
 */

export const REVISION_HASH_LABEL = 'controller-revision-hash';

export interface DaemonPlan {
  createOn: string[];
  delete: Pod[];
  /** Failed pods found (each is deleted and gets an event, as kube does). */
  failed: Pod[];
  status: DaemonSetStatus;
  /** When a ready pod becomes available (minReadySeconds), to look again. */
  requeueAfterMs?: number;
}

const isNew = (pod: Pod, hash: string) => pod.metadata.labels?.[REVISION_HASH_LABEL] === hash;

export function planDaemonSet(ds: DaemonSet, nodes: readonly Node[], podsByNode: ReadonlyMap<string, Pod[]>, hash: string, nowMs: number): DaemonPlan {
  const spec = ds.spec ?? {};
  const minReady = spec.minReadySeconds ?? 0;
  const plan: DaemonPlan = { createOn: [], delete: [], failed: [], status: {} };
  const available = (p: Pod) => isPodAvailable(p, minReady, nowMs);
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let numAvailable = 0;
  let updated = 0;
  /** Nodes whose daemon pod is old, with that pod (rolling update candidates). */
  const oldOnNode: Array<{ node: string; old: Pod; fresh?: Pod }> = [];

  for (const node of nodes) {
    const name = node.metadata.name!;
    const place = nodeShouldRunDaemonPod(ds, node);
    const all = podsByNode.get(name) ?? [];
    const failed = all.filter((p) => p.status?.phase === 'Failed' && !p.metadata.deletionTimestamp);
    plan.failed.push(...failed);
    const pods = all.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded');
    if (place.shouldRun) desired++;
    if (!place.shouldContinueRunning) {
      plan.delete.push(...pods);
      if (pods.length > 0) misscheduled++;
      continue;
    }
    if (!place.shouldRun && pods.length > 0) misscheduled++;
    if (place.shouldRun && pods.length > 0) current++;
    if (place.shouldRun && pods.length === 0 && all.filter((p) => p.metadata.deletionTimestamp).length === 0) plan.createOn.push(name);
    if (pods.length === 0) continue;
    // One daemon pod per node: keep the new-revision pod, then the oldest.
    const sorted = [...pods].sort((a, b) => Number(isNew(b, hash)) - Number(isNew(a, hash)) || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    const fresh = sorted.find((p) => isNew(p, hash));
    const oldest = sorted.find((p) => !isNew(p, hash));
    const maxSurgeInUse = fresh && oldest;
    if (!maxSurgeInUse) plan.delete.push(...sorted.slice(1));
    const keep = sorted[0]!;
    if (isPodReady(keep)) ready++;
    if (available(keep)) numAvailable++;
    if (fresh) updated++;
    if (oldest) oldOnNode.push({ node: name, old: oldest, fresh });
  }

  if (spec.updateStrategy?.type === 'RollingUpdate' && oldOnNode.length > 0) {
    const maxUnavailable = scaledValueFromIntOrPercent(spec.updateStrategy.rollingUpdate?.maxUnavailable ?? 1, desired, true);
    const maxSurge = scaledValueFromIntOrPercent(spec.updateStrategy.rollingUpdate?.maxSurge ?? 0, desired, true);
    if (maxSurge > 0) {
      // Surge: start the new pod next to the old one; the old goes once the new is available.
      let surging = oldOnNode.filter((o) => o.fresh).length;
      for (const o of oldOnNode) {
        if (o.fresh) {
          if (available(o.fresh)) plan.delete.push(o.old);
        } else if (!available(o.old)) {
          plan.delete.push(o.old);
        } else if (surging < maxSurge) {
          plan.createOn.push(o.node);
          surging++;
        }
      }
    } else {
      let unavailable = desired - numAvailable;
      // Old pods that are not available anyway go first and cost nothing.
      for (const o of oldOnNode.filter((x) => !available(x.old))) plan.delete.push(o.old);
      for (const o of oldOnNode.filter((x) => available(x.old))) {
        if (unavailable >= maxUnavailable) break;
        plan.delete.push(o.old);
        unavailable++;
      }
    }
  }

  plan.status = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation,
    updatedNumberScheduled: updated,
    numberAvailable: numAvailable,
    numberUnavailable: Math.max(0, desired - numAvailable),
  };
  if (ds.status?.collisionCount !== undefined) plan.status.collisionCount = ds.status.collisionCount;
  // kube omits zero omitempty counters.
  for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const) if (!plan.status[k]) delete plan.status[k];
  return plan;
}
