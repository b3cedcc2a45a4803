import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';
import { formatTime } from '../replicaset/pod-status.js';
import { T0 } from '../replicaset/test-builders.js';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION } from './annotations.js';

/** Builders for the Deployment controller's tests (test-only). */

export function makeDeployment(name: string, replicas: number, extra: Partial<NonNullable<Deployment['spec']>> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }], restartPolicy: 'Always' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...extra,
    },
  } as Deployment;
}

export interface RSOptions {
  replicas: number;
  available?: number;
  statusReplicas?: number;
  revision?: number;
  createdAt?: number;
  /** desired-replicas / max-replicas annotations. */
  desired?: number;
  max?: number;
}

/** A ReplicaSet as a Deployment would own; status.replicas defaults to spec.replicas. */
export function makeRS(name: string, o: RSOptions): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (o.revision !== undefined) annotations[REVISION_ANNOTATION] = String(o.revision);
  if (o.desired !== undefined) annotations[DESIRED_REPLICAS_ANNOTATION] = String(o.desired);
  if (o.max !== undefined) annotations[MAX_REPLICAS_ANNOTATION] = String(o.max);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations, creationTimestamp: formatTime(o.createdAt ?? T0), generation: 1 },
    spec: { replicas: o.replicas },
    status: { replicas: o.statusReplicas ?? o.replicas, availableReplicas: o.available ?? 0, readyReplicas: o.available ?? 0, observedGeneration: 1 },
  } as ReplicaSet;
}
