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

/** The spec fields both kinds share (replicas, minReadySeconds, template), the selector as given, the same status. */
function convert(obj: KubeObject, apiVersion: string, kind: string, selector: unknown): KubeObject {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['replicas', 'minReadySeconds', 'selector', 'template']) {
    const v = k === 'selector' ? selector : spec[k];
    if (v !== undefined) out[k] = v;
  }
  const converted: KubeObject = { apiVersion, kind, metadata: obj.metadata, spec: out };
  if (obj.status) converted.status = obj.status;
  return converted;
}

export function replicationControllerToReplicaSet(rc: ReplicationController): ReplicaSet {
  // A missing selector stays missing (it selects nothing), never an empty one (everything).
  const selector = rc.spec?.selector ? { matchLabels: rc.spec.selector } : undefined;
  return convert(rc, 'apps/v1', 'ReplicaSet', selector) as ReplicaSet;
}

export function replicaSetToReplicationController(rs: ReplicaSet): ReplicationController {
  return convert(rs, 'v1', 'ReplicationController', rs.spec?.selector?.matchLabels) as ReplicationController;
}

/** The ReplicaSet controller's view of ReplicationControllers (kube's replication manager). */
export const replicationControllerKind: ReplicaSetKind = {
  controllerName: REPLICATION_CONTROLLER_NAME,
  alias: 'replicationcontroller',
  serviceAccount: 'replication-controller',
  eventSource: REPLICATION_EVENT_SOURCE,
  resource: replicationControllerResource,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  toReplicaSet: (obj: KubeObject) => replicationControllerToReplicaSet(obj as ReplicationController),
  fromReplicaSet: replicaSetToReplicationController,
};
