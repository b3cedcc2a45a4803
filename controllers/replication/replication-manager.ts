import { replicaSetControllerFor, startReplicaSetController, type ReplicaSetController } from '../replicaset/replicaset-controller.js';
import type { ControllerContext, ControllerDescriptor } from '../types.js';
import { replicationControllerKind } from './conversion.js';

/**
 * kube's replication manager (pkg/controller/replication): the ReplicaSet controller run
 * over core/v1 ReplicationControllers through conversion.ts. Pods it creates are
 * controlled by the ReplicationController (ownerReference v1/ReplicationController), its
 * events come from `replication-controller` with the ReplicaSet controller's reasons, and
 * it writes the same status (replicas, fullyLabeledReplicas, readyReplicas,
 * availableReplicas, observedGeneration, the ReplicaFailure condition).
 */

export function startReplicationManager(ctx: ControllerContext): ReplicaSetController {
  return startReplicaSetController(ctx, replicationControllerKind);
}

export const replicationManager: ControllerDescriptor = replicaSetControllerFor(replicationControllerKind);
