import type { ReplicaSet } from '../../api/apps/schemas.js';
import { replicationControllerResource, type ReplicationController } from '../../api/core/replication-controller.js';
import type { KubeObject } from '../../api/types.js';
import type { ReplicaSetKind } from '../replicaset/replicaset-kind.js';

/**
 * core/v1 ReplicationController as if it were an older version of ReplicaSet (kube's
 * pkg/controller/replication/conversion.go): the set-based selector of a ReplicaSet is the
 * RC's label map as matchLabels, and spec and status otherwise have the same fields.
 * Pure; the results share metadata, template and status with their input.
 */

export const REPLICATION_CONTROLLER_NAME = 'replicationcontroller-controller';
/** kube's replication manager records its events as this component. */
export const REPLICATION_EVENT_SOURCE = 'replication-controller';

export function replicationControllerToReplicaSet(rc: ReplicationController): ReplicaSet {
  const spec = rc.spec ?? {};
  const rs: ReplicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: rc.metadata, spec: {} } as ReplicaSet;
  const out = rs.spec!;
  if (spec.replicas !== undefined) out.replicas = spec.replicas;
  if (spec.minReadySeconds !== undefined) out.minReadySeconds = spec.minReadySeconds;
  // A missing selector stays missing (it selects nothing), never an empty one (everything).
  if (spec.selector) out.selector = { matchLabels: spec.selector };
  if (spec.template) out.template = spec.template as NonNullable<ReplicaSet['spec']>['template'];
  if (rc.status) rs.status = rc.status as ReplicaSet['status'];
  return rs;
}

export function replicaSetToReplicationController(rs: ReplicaSet): ReplicationController {
  const spec = rs.spec ?? {};
  const rc: ReplicationController = { apiVersion: 'v1', kind: 'ReplicationController', metadata: rs.metadata, spec: {} } as ReplicationController;
  const out = rc.spec!;
  if (spec.replicas !== undefined) out.replicas = spec.replicas;
  if (spec.minReadySeconds !== undefined) out.minReadySeconds = spec.minReadySeconds;
  if (spec.selector?.matchLabels) out.selector = spec.selector.matchLabels;
  if (spec.template) out.template = spec.template as NonNullable<ReplicationController['spec']>['template'];
  if (rs.status) rc.status = rs.status as ReplicationController['status'];
  return rc;
}

/** The ReplicaSet controller's view of ReplicationControllers (kube's replication manager). */
export const replicationControllerKind: ReplicaSetKind = {
  controllerName: REPLICATION_CONTROLLER_NAME,
  eventSource: REPLICATION_EVENT_SOURCE,
  resource: replicationControllerResource,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  toReplicaSet: (obj: KubeObject) => replicationControllerToReplicaSet(obj as ReplicationController),
  fromReplicaSet: replicaSetToReplicationController,
};
