import { replicaSetResource } from '../../api/apps/replicaset.js';
import type { ReplicaSet } from '../../api/apps/schemas.js';
import type { KubeObject } from '../../api/types.js';
import type { ResourceRef } from '../../client/resource.js';

/**
 * The kind a ReplicaSet controller runs. kube runs one ReplicaSet controller for
 * apps/v1 ReplicaSets and a second one for core/v1 ReplicationControllers behind a
 * conversion adapter (pkg/controller/replication/conversion.go): the controller reads
 * every object as a ReplicaSet and converts back to the stored kind for its writes
 * (status) and its events. This is that seam.
 */
export interface ReplicaSetKind {
  /** The kube-controller-manager name (`--controllers`, logs, work queue). */
  controllerName: string;
  /** Its older name, which --controllers still takes. */
  alias: string;
  /** The component its events come from. */
  eventSource: string;
  /** The kube-system ServiceAccount it writes as with --use-service-account-credentials. */
  serviceAccount: string;
  /** The stored resource: informer, status writes, owner rechecks. */
  resource: ResourceRef;
  /** apiVersion and kind of the controller references it puts on its pods. */
  apiVersion: string;
  kind: string;
  /**
   * The object read as a ReplicaSet. It shares the cached object's metadata and
   * template, so it is read-only like the cache.
   */
  toReplicaSet(obj: KubeObject): ReplicaSet;
  /** A ReplicaSet view back in the stored kind (for status writes and events). */
  fromReplicaSet(rs: ReplicaSet): KubeObject;
}

export const REPLICASET_CONTROLLER_NAME = 'replicaset-controller';

/** apps/v1 ReplicaSet itself: no conversion. */
export const replicaSetKind: ReplicaSetKind = {
  controllerName: REPLICASET_CONTROLLER_NAME,
  alias: 'replicaset',
  eventSource: REPLICASET_CONTROLLER_NAME,
  serviceAccount: 'replicaset-controller',
  resource: replicaSetResource,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  toReplicaSet: (obj) => obj as ReplicaSet,
  fromReplicaSet: (rs) => rs,
};
