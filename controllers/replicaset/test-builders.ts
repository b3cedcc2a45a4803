import type { ReplicaSet } from '../../api/apps/schemas.js';
import type { ReplicationController } from '../../api/core/replication-controller.js';
import type { Pod } from '../../api/core/pod.js';
import type { OwnerReference } from '../../api/types.js';
import { formatTime } from './pod-status.js';

/**
 * Builders for the workload controllers' tests: `makePod('a').node('n1').running().ready(t).obj()`.
 * Test-only (imported by *.test.ts files).
 */

export const T0 = Date.UTC(2026, 0, 1);

export class PodBuilder {
  private readonly pod: Pod;

  constructor(name: string, namespace = 'default') {
    this.pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, uid: `uid-${name}`, labels: { app: 'web' }, creationTimestamp: formatTime(T0) },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
      status: { phase: 'Pending' },
    } as Pod;
  }

  node(n: string): this {
    this.pod.spec!.nodeName = n;
    return this;
  }
  phase(p: string): this {
    this.pod.status!.phase = p;
    return this;
  }
  running(): this {
    return this.phase('Running');
  }
  /** Ready=True since `at` (ms). */
  ready(at = T0): this {
    this.pod.status!.conditions = [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(at) }];
    return this;
  }
  created(at: number): this {
    this.pod.metadata.creationTimestamp = formatTime(at);
    return this;
  }
  restarts(n: number): this {
    this.pod.status!.containerStatuses = [{ name: 'c', restartCount: n }] as never;
    return this;
  }
  labels(l: Record<string, string>): this {
    this.pod.metadata.labels = l;
    return this;
  }
  annotate(k: string, v: string): this {
    this.pod.metadata.annotations = { ...this.pod.metadata.annotations, [k]: v };
    return this;
  }
  owner(ref: OwnerReference): this {
    this.pod.metadata.ownerReferences = [ref];
    return this;
  }
  terminating(): this {
    this.pod.metadata.deletionTimestamp = formatTime(T0);
    return this;
  }
  obj(): Pod {
    return structuredClone(this.pod);
  }
}

export const makePod = (name: string, namespace?: string): PodBuilder => new PodBuilder(name, namespace);

/** A ReplicaSet selecting app=web, with a one-container template. */
export function makeReplicaSet(name: string, replicas: number, extra: Partial<NonNullable<ReplicaSet['spec']>> = {}): ReplicaSet {
  const selector = { matchLabels: { app: 'web' } };
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default' }, spec: { replicas, selector, template: webTemplate(), ...extra } } as ReplicaSet;
}

/** A ReplicationController selecting app=web (a plain label map, as core/v1 has it), with the same template. */
export function makeReplicationController(name: string, replicas: number, extra: Partial<NonNullable<ReplicationController['spec']>> = {}): ReplicationController {
  const selector = { app: 'web' };
  return { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name, namespace: 'default' }, spec: { replicas, selector, template: webTemplate(), ...extra } } as ReplicationController;
}

function webTemplate() {
  return { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }], restartPolicy: 'Always' } };
}
