import { nodeIpamController } from './node-ipam/node-ipam-controller.js';
import { nodeLifecycleController } from './node-lifecycle/node-lifecycle-controller.js';
import { taintEvictionController } from './taint-eviction/taint-eviction-controller.js';
import type { ControllerDescriptor } from './types.js';

/**
 * Every controller the manager can run, by kube-controller-manager name. Adding a
 * controller is one line here (its folder exports a ControllerDescriptor).
 */
export const controllerRegistry: readonly ControllerDescriptor[] = [
  nodeIpamController,
  nodeLifecycleController,
  taintEvictionController,
];
