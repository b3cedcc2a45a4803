import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';
import type { Pod } from '../../api/core/pod.js';
import type { PodDisruptionBudget } from '../../api/policy/pdb.js';
import type { OwnerReference } from '../../api/types.js';
import { formatTime } from '../replicaset/pod-status.js';

/**
 * Builders for the disruption controller's tests (test-only):
 *   pod('a').ready().ownedBy(rsRef('web-1')).obj()
 *   pdb('p').minAvailable(2).obj()
 */

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export const rsRef = (name: string, apiVersion = 'apps/v1'): OwnerReference => ({
  apiVersion,
  kind: 'ReplicaSet',
  name,
  uid: `uid-${name}`,
  controller: true,
});

export const deploymentRef = (name: string): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: `uid-${name}`, controller: true });

export function pod(name: string, namespace = 'default') {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}`, labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    status: { phase: 'Running', conditions: [] },
  } as Pod;
  const b = {
    ready(status = 'True') {
      p.status!.conditions = [{ type: 'Ready', status, lastTransitionTime: formatTime(T0) }];
      return b;
    },
    deleting(at = T0) {
      p.metadata.deletionTimestamp = formatTime(at);
      return b;
    },
    ownedBy(ref: OwnerReference) {
      p.metadata.ownerReferences = [ref];
      return b;
    },
    labels(labels: Record<string, string>) {
      p.metadata.labels = labels;
      return b;
    },
    obj: (): Pod => structuredClone(p),
  };
  return b;
}

export function replicaSet(name: string, replicas: number | undefined, owner?: OwnerReference): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(owner ? { ownerReferences: [owner] } : {}) },
    spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } },
  } as unknown as ReplicaSet;
}

export function deployment(name: string, replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } },
  } as unknown as Deployment;
}

export function pdb(name: string, namespace = 'default') {
  const p: PodDisruptionBudget = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace, uid: `uid-${name}`, generation: 1 },
    spec: { selector: { matchLabels: { app: 'web' } } },
    status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
  };
  const b = {
    minAvailable(v: number | string) {
      p.spec!.minAvailable = v;
      return b;
    },
    maxUnavailable(v: number | string) {
      p.spec!.maxUnavailable = v;
      return b;
    },
    generation(g: number) {
      p.metadata.generation = g;
      return b;
    },
    status(s: NonNullable<PodDisruptionBudget['status']>) {
      p.status = { ...p.status, ...s };
      return b;
    },
    obj: (): PodDisruptionBudget => structuredClone(p),
  };
  return b;
}
