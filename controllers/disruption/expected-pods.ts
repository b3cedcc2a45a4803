import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';
import { scaledValueFromIntOrPercent } from '../../api/apps/int-or-percent.js';
import type { Pod } from '../../api/core/pod.js';
import type { PodDisruptionBudgetSpec } from '../../api/policy/pdb.js';
import type { OwnerReference } from '../../api/types.js';
import { controllerOf } from '../replicaset/controller-ref.js';

/**
 * How many pods a PodDisruptionBudget expects and how many of them must stay healthy:
 * kube's getExpectedPodCount / getExpectedScale (pkg/controller/disruption). Pure over
 * lookups of the informer caches, so the table tests need no controller.
 *
 * - minAvailable as a number: expected = the pods the selector matches now, desired = N;
 * - minAvailable as a percentage, or maxUnavailable: expected = the sum of spec.replicas
 *   of the workloads controlling those pods (each counted once), and the percentage is
 *   taken of that and rounded UP (so "50%" of 3 is 2 must stay, or 2 may go).
 *
 * Pods with no controller are listed as unmanaged (kube records a warning and goes on);
 * a pod whose controller cannot be resolved to a scale is an error (SyncFailed).
 */

/** A workload's UID and desired scale (kube's controllerAndScale). */
export interface ControllerScale {
  uid: string;
  scale: number;
}

/**
 * One of kube's podControllerFinders: the scale of the workload a controller reference
 * leads to, or undefined when this finder does not handle that reference (or the object
 * is gone, or has another UID).
 */
export type ScaleFinder = (ref: OwnerReference, namespace: string) => ControllerScale | undefined;

/** Read access to the workload caches the finders need. */
export interface WorkloadLookup {
  replicaSet(namespace: string, name: string): ReplicaSet | undefined;
  deployment(namespace: string, name: string): Deployment | undefined;
}

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ''). */
export function groupOf(apiVersion: string | undefined): string {
  const v = apiVersion ?? '';
  const slash = v.indexOf('/');
  return slash < 0 ? '' : v.slice(0, slash);
}

const WORKLOAD_GROUPS = ['apps', 'extensions'];

function isWorkloadRef(ref: OwnerReference | undefined, kind: string): ref is OwnerReference {
  return !!ref && ref.kind === kind && WORKLOAD_GROUPS.includes(groupOf(ref.apiVersion));
}

/** A ReplicaSet owned by a Deployment: the Deployment's spec.replicas (getPodDeployment). */
export function deploymentFinder(lookup: WorkloadLookup): ScaleFinder {
  return (ref, namespace) => {
    if (!isWorkloadRef(ref, 'ReplicaSet')) return undefined;
    const rs = lookup.replicaSet(namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    const owner = controllerOf(rs);
    if (!isWorkloadRef(owner, 'Deployment')) return undefined;
    const d = lookup.deployment(namespace, owner.name);
    if (!d || d.metadata.uid !== owner.uid) return undefined;
    return { uid: d.metadata.uid!, scale: d.spec?.replicas ?? 1 };
  };
}

/** A ReplicaSet that no Deployment controls: its own spec.replicas (getPodReplicaSet). */
export function replicaSetFinder(lookup: WorkloadLookup): ScaleFinder {
  return (ref, namespace) => {
    if (!isWorkloadRef(ref, 'ReplicaSet')) return undefined;
    const rs = lookup.replicaSet(namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    if (controllerOf(rs)?.kind === 'Deployment') return undefined;
    return { uid: rs.metadata.uid!, scale: rs.spec?.replicas ?? 1 };
  };
}

/** The finders in kube's order (Deployment before its ReplicaSet). */
export function workloadFinders(lookup: WorkloadLookup): ScaleFinder[] {
  return [deploymentFinder(lookup), replicaSetFinder(lookup)];
}

export interface ExpectedScale {
  expectedCount: number;
  /** Names of selected pods that have no controller. */
  unmanagedPods: string[];
}

/** getExpectedScale: the summed scale of the pods' controllers. Throws when one cannot be found. */
export function expectedScale(pods: readonly Pod[], finders: readonly ScaleFinder[]): ExpectedScale {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata.name ?? '');
      continue;
    }
    if (scales.has(ref.uid)) continue;
    let found: ControllerScale | undefined;
    for (const find of finders) {
      found = find(ref, pod.metadata.namespace ?? '');
      if (found) break;
    }
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const s of scales.values()) expectedCount += s;
  return { expectedCount, unmanagedPods };
}

export interface ExpectedPodCount extends ExpectedScale {
  desiredHealthy: number;
}

/** getExpectedPodCount. Throws on an unresolvable controller or a malformed percentage. */
export function expectedPodCount(spec: PodDisruptionBudgetSpec | undefined, pods: readonly Pod[], finders: readonly ScaleFinder[]): ExpectedPodCount {
  const { maxUnavailable, minAvailable } = spec ?? {};
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const scale = expectedScale(pods, finders);
    const unavailable = scaledValueFromIntOrPercent(maxUnavailable, scale.expectedCount, true);
    return { ...scale, desiredHealthy: Math.max(0, scale.expectedCount - unavailable) };
  }
  if (typeof minAvailable === 'number') {
    return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanagedPods: [] };
  }
  if (typeof minAvailable === 'string') {
    const scale = expectedScale(pods, finders);
    return { ...scale, desiredHealthy: scaledValueFromIntOrPercent(minAvailable, scale.expectedCount, true) };
  }
  // Neither set (validation allows it): nothing expected, nothing required.
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}
