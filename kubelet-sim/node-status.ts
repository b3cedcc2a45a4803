import type { Node, NodeCondition } from '../api/core/node.js';
import { formatMicroTime } from '../api/coordination/lease.js';
import type { KubeObject } from '../api/types.js';
import { KUBELET_ENDPOINT } from './annotations.js';
import type { NodeImage } from './image-cache.js';
import { allocatableOf, capacityOf, nodeAddresses, nodeLabels, type ResolvedNodeTemplate } from './node-template.js';
import { formatTime } from './time.js';
import { hexId, uuidOf } from './ids.js';

/**
 * What a simulated kubelet writes about its Node: the object it registers, the status it
 * reports, and its Lease. Pure functions of (template, identity, time, previous object).
 */

export interface NodeIdentity {
  name: string;
  /** 0-based position in the simulated fleet: drives addresses and zones. */
  index: number;
  /** The loopback port this process serves container logs on. */
  port: number;
}

export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

/** The healthy value of each condition a kubelet reports, with kubelet's reasons and messages. */
const healthy: Array<Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>> = [
  { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'RouteController created a route' },
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

const noRoute = { type: 'NetworkUnavailable', status: 'True', reason: 'NoRouteCreated', message: 'Node created without a route' };

/**
 * kubelet's Ready condition while the container runtime reports its network not ready:
 * on a flannel cluster a node without a podCIDR never gets flannel's CNI configuration,
 * and containerd (the simulated runtime, 1.7) says so in these words.
 */
export const NETWORK_NOT_READY_MESSAGE =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
const networkNotReady = { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: NETWORK_NOT_READY_MESSAGE };

/**
 * The conditions for a report at `now`: heartbeat now; transition time kept from the
 * previous report when the status did not change (so `kubectl describe node` shows how
 * long the node has been Ready), now otherwise.
 */
export function nodeConditions(now: number, previous: NodeCondition[] | undefined, hasRoute = true): NodeCondition[] {
  const ts = formatTime(now);
  return healthy.map((healthyCondition) => {
    // A node the IPAM controller gave no podCIDR has no pod network route (the route
    // controller's wording) and no CNI configuration, so kubelet reports it not Ready; its
    // pods could not get an IP either. The node lifecycle controller taints it
    // (not-ready, network-unavailable), so nothing is scheduled there.
    const c = hasRoute ? healthyCondition : healthyCondition.type === 'NetworkUnavailable' ? noRoute : healthyCondition.type === 'Ready' ? networkNotReady : healthyCondition;
    const old = previous?.find((p) => p.type === c.type);
    const unchanged = old && old.status === c.status && old.lastTransitionTime;
    return { ...c, lastHeartbeatTime: ts, lastTransitionTime: unchanged ? old.lastTransitionTime : ts };
  });
}

/**
 * The status a kubelet reports (everything but the conditions' times and the images is a
 * function of identity). `images`: what the node holds (ImageCache.statusImages); left out
 * when empty, as kubelet's JSON omits an empty list.
 */
export function nodeStatus(
  t: ResolvedNodeTemplate,
  id: NodeIdentity,
  now: number,
  previous?: Node['status'],
  images?: readonly NodeImage[],
  /** False once the node is known to have no podCIDR (NetworkUnavailable=True). */
  hasRoute = true,
): NonNullable<Node['status']> {
  const addr = nodeAddresses(id.name, id.index);
  const status: NonNullable<Node['status']> = {
    capacity: capacityOf(t),
    allocatable: allocatableOf(t),
    phase: undefined,
    conditions: nodeConditions(now, previous?.conditions, hasRoute),
    addresses: [
      { type: 'InternalIP', address: addr.internalIP },
      { type: 'ExternalIP', address: addr.externalIP },
      { type: 'Hostname', address: addr.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: id.port } },
    nodeInfo: {
      machineID: hexId(`machine:${id.name}`, 32),
      systemUUID: uuidOf(`system:${id.name}`),
      bootID: uuidOf(`boot:${id.name}`),
      kernelVersion: t.kernelVersion,
      osImage: t.osImage,
      containerRuntimeVersion: t.containerRuntimeVersion,
      kubeletVersion: t.kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: t.operatingSystem,
      architecture: t.architecture,
    },
  };
  if (images && images.length > 0) status.images = images.map((i) => ({ names: i.names, sizeBytes: i.sizeBytes }));
  return status;
}

/** The Node a kubelet registers (POST /api/v1/nodes), with the images it starts with. */
export function registrationNode(t: ResolvedNodeTemplate, id: NodeIdentity, now: number, images?: readonly NodeImage[]): Node {
  const taints = t.taints.map((x) => ({ key: x.key, value: x.value, effect: x.effect }));
  const status = nodeStatus(t, id, now, undefined, images);
  delete status.phase;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.name,
      labels: nodeLabels(t, id.name, id.index),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        ...t.annotations,
        [KUBELET_ENDPOINT]: `127.0.0.1:${id.port}`,
      },
    },
    spec: taints.length > 0 ? { taints } : {},
    status,
  } as Node;
}

/**
 * Whether a report is needed beyond the periodic one: kubelet's nodeStatusHasChanged,
 * which compares everything except heartbeat times (so a Ready=Unknown written by the
 * node lifecycle controller is corrected on the next 10 s sync, and a newly pulled image
 * shows in status.images then). Images count only when the desired status lists some:
 * a merge patch cannot empty the list anyway.
 */
export function nodeStatusDiffers(live: Node['status'] | undefined, desired: NonNullable<Node['status']>): boolean {
  if (!live) return true;
  const strip = (s: Node['status']) => ({
    capacity: s?.capacity,
    allocatable: s?.allocatable,
    addresses: s?.addresses,
    daemonEndpoints: s?.daemonEndpoints,
    nodeInfo: s?.nodeInfo,
    conditions: [...(s?.conditions ?? [])]
      .map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? '', message: c.message ?? '' }))
      .sort((a, b) => (a.type < b.type ? -1 : 1)),
  });
  if (!sameJson(strip(live), strip(desired))) return true;
  return desired.images !== undefined && !sameJson(live.images, desired.images);
}

/** The node's Lease in kube-node-lease, owned by the Node so it goes with it. */
export function nodeLease(name: string, nodeUid: string | undefined, now: number, resourceVersion?: string): KubeObject {
  const metadata: KubeObject['metadata'] = { name, namespace: LEASE_NAMESPACE };
  if (resourceVersion) metadata.resourceVersion = resourceVersion;
  if (nodeUid) metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUid }];
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata,
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: formatMicroTime(now) },
  };
}

/**
 * Deep equality of JSON values where a null or undefined member counts as absent and key
 * order does not matter: what we would write versus what the apiserver holds (a merge
 * patch drops nulls; a round trip may reorder keys). No string building: it runs on
 * every status write of 100,000 pods.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const k in ao) {
    if (ao[k] === undefined || ao[k] === null) continue;
    count++;
    if (!sameJson(ao[k], bo[k])) return false;
  }
  for (const k in bo) if (bo[k] !== undefined && bo[k] !== null) count--;
  return count === 0;
}
