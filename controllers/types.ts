import type { EventRecorder } from '../client/event-recorder.js';
import type { SharedInformerFactory } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/**
 * What the controller manager hands every controller: one shared informer factory (one
 * list+watch per resource however many controllers read it), the client for writes, an
 * event recorder whose source is the controller's own component, and the injected clock.
 */
export interface ControllerContext {
  /** Writes: the controller's own ServiceAccount with --use-service-account-credentials, else the manager's credential. */
  client: RestClient;
  /** The client of another of the descriptor's serviceAccounts (a controller that plays two of kube's, as pv/pvc protection). */
  clientFor?(serviceAccount: string): RestClient;
  informers: SharedInformerFactory;
  recorder: EventRecorder;
  clock: Clock;
  logger: Logger;
  config: ControllerManagerConfig;
}

/** A running controller. stop() shuts its queue down and waits for its workers. */
export interface RunningController {
  stop(): Promise<void>;
}

/**
 * One entry of the controller registry (controllers/registry.ts). start() must register
 * its informers (ctx.informers.informerFor) and handlers synchronously, before it
 * returns: the manager starts the informer factory right after calling every start().
 */
export interface ControllerDescriptor {
  /** The kube-controller-manager name used by --controllers (e.g. `node-ipam-controller`). */
  name: string;
  /** Older names --controllers still takes for it, as kube's descriptors keep (`replicaset`). */
  aliases?: readonly string[];
  /** Event source component (kube's names: `node-controller`, `cidrAllocator`, …); default: name. */
  eventSource?: string;
  /**
   * The ServiceAccounts (kube-system) kube's controller acts as with
   * --use-service-account-credentials, its role being `system:controller:<name>`
   * (apiserver/auth/rbac/controller-policy.ts); the first is ctx.client's. Absent: the
   * manager's own credential.
   */
  serviceAccounts?: readonly string[];
  start(ctx: ControllerContext): RunningController;
}

/** Settings of kube-controller-manager that the controllers read, with kube's defaults. */
export interface ControllerManagerConfig {
  /** --cluster-cidr; default 100.96.0.0/16. */
  clusterCidr: string;
  /** --node-cidr-mask-size; default 24. */
  nodeCidrMaskSize: number;
  /** --service-cluster-ip-range: kept out of node CIDRs when it overlaps the cluster CIDR. */
  serviceCidr?: string;
  /** --node-monitor-period; default 5 s. */
  nodeMonitorPeriodMs: number;
  /** --node-monitor-grace-period; default 40 s. */
  nodeMonitorGracePeriodMs: number;
  /** --node-startup-grace-period (nodes that never posted Ready); default 60 s. */
  nodeStartupGracePeriodMs: number;
  /** --node-eviction-rate: NoExecute taints per second per zone; default 0.1. */
  nodeEvictionRate: number;
  /** --secondary-node-eviction-rate (partially disrupted large zones); default 0.01. */
  secondaryNodeEvictionRate: number;
  /** --large-cluster-size-threshold; default 50. */
  largeClusterSizeThreshold: number;
  /** --unhealthy-zone-threshold; default 0.55. */
  unhealthyZoneThreshold: number;
}

export const defaultControllerManagerConfig: ControllerManagerConfig = {
  clusterCidr: '100.96.0.0/16',
  nodeCidrMaskSize: 24,
  nodeMonitorPeriodMs: 5_000,
  nodeMonitorGracePeriodMs: 40_000,
  nodeStartupGracePeriodMs: 60_000,
  nodeEvictionRate: 0.1,
  secondaryNodeEvictionRate: 0.01,
  largeClusterSizeThreshold: 50,
  unhealthyZoneThreshold: 0.55,
};
