import type { Instance } from './cloud-state.js';
import type { NodeGroupSpec } from './node-groups.js';

/**
 * What the cluster autoscaler and the cloud controller manager ask of a cloud, after
 * CA's cloudprovider.CloudProvider / NodeGroup and the CCM's cloudprovider.Interface
 * (Instances, LoadBalancer, Routes), reduced to what the simulated cloud offers. Async,
 * so the same callers work against the in-process cloud (`kubeling up`) and over HTTP
 * (`kubeling cloud` in its own process, cloud/cloud-http.ts).
 *
 * Provider IDs are `kubeling://GROUP/INSTANCE`.
 */

export interface NodeGroupView extends NodeGroupSpec {
  /** The size the group is asked to have (CA's TargetSize): instances not being deleted. */
  targetSize: number;
}

export type CloudErrorCode = 'NotFound' | 'MaxSizeReached' | 'MinSizeReached' | 'QuotaExceeded' | 'OutOfResources' | 'PoolExhausted' | 'Invalid';

/** A refusal of the cloud's API, with a code callers can branch on. */
export class CloudError extends Error {
  constructor(
    readonly code: CloudErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

export interface CloudProvider {
  nodeGroups(): Promise<NodeGroupView[]>;
  /** Every instance that exists (Creating, Running, Deleting or Failed), of one group or all. */
  instances(group?: string): Promise<Instance[]>;
  /** Asks for `delta` more instances; refuses beyond maxSize. */
  increaseSize(group: string, delta: number): Promise<void>;
  /** Deletes these instances (by id) and lowers the target size by as many. */
  deleteInstances(group: string, ids: readonly string[]): Promise<void>;
  /** Gives the service a load balancer address (the same one on every call); PoolExhausted when none is left. */
  ensureLoadBalancer(serviceKey: string): Promise<string>;
  deleteLoadBalancer(serviceKey: string): Promise<void>;
  createRoute(nodeName: string, cidr: string): Promise<void>;
  deleteRoute(nodeName: string): Promise<void>;
  routes(): Promise<Record<string, string>>;
}

export const PROVIDER_PREFIX = 'kubeling://';

export function providerIdOf(group: string, instanceId: string): string {
  return `${PROVIDER_PREFIX}${group}/${instanceId}`;
}

/** `kubeling://GROUP/INSTANCE` → its parts; undefined for any other provider ID. */
export function parseProviderId(id: string | undefined): { group: string; instance: string } | undefined {
  if (!id?.startsWith(PROVIDER_PREFIX)) return undefined;
  const [group, instance, ...rest] = id.slice(PROVIDER_PREFIX.length).split('/');
  if (!group || !instance || rest.length > 0) return undefined;
  return { group, instance };
}
