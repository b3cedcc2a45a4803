import { deploymentController } from './deployment/deployment-controller.js';
import { disruptionController } from './disruption/disruption-controller.js';
import { endpointsController } from './endpoints/endpoints-controller.js';
import { endpointSliceController } from './endpointslice/endpointslice-controller.js';
import { replicaSetController } from './replicaset/replicaset-controller.js';
import { replicationManager } from './replication/replication-manager.js';
import { jobController } from './job/job-controller.js';
import { daemonSetController } from './daemonset/daemonset-controller.js';
import { statefulSetController } from './statefulset/statefulset-controller.js';
import { pvBinderController } from './volume/pv-binder-controller.js';
import { protectionController } from './volume/protection-controller.js';
import { cronJobController } from './cronjob/cronjob-controller.js';
import { ttlAfterFinishedController } from './ttl-after-finished/ttl-after-finished-controller.js';
import { garbageCollectorController } from './garbage-collector/garbage-collector.js';
import { namespaceController } from './namespace/namespace-controller.js';
import { nodeIpamController } from './node-ipam/node-ipam-controller.js';
import { nodeLifecycleController } from './node-lifecycle/node-lifecycle-controller.js';
import { serviceAccountsController } from './serviceaccount/serviceaccounts-controller.js';
import { taintEvictionController } from './taint-eviction/taint-eviction-controller.js';
import { resourceQuotaController } from './resourcequota/resourcequota-controller.js';
import type { ControllerDescriptor } from './types.js';

/**
 * Every controller the manager can run, by kube-controller-manager name. Adding a
 * controller is one line here (its folder exports a ControllerDescriptor).
 */
export const controllerRegistry: readonly ControllerDescriptor[] = [
  nodeIpamController,
  nodeLifecycleController,
  taintEvictionController,
  garbageCollectorController,
  namespaceController,
  serviceAccountsController,
  replicaSetController,
  replicationManager,
  deploymentController,
  disruptionController,
  endpointsController,
  endpointSliceController,
  jobController,
  ttlAfterFinishedController,
  cronJobController,
  daemonSetController,
  statefulSetController,
  pvBinderController,
  resourceQuotaController,
  protectionController,
];
