import type { Node } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import type { NodeGroupView } from '../cloud/cloud-provider.js';
import { parseNodeGroups } from '../cloud/node-groups.js';

/** Builders for the autoscaler's table tests: plain Kubernetes JSON, as the informers hand it over. */

export function group(name: string, min: number, max: number, target: number, machine: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): NodeGroupView {
  const [spec] = parseNodeGroups({ nodeGroups: [{ name, minSize: min, maxSize: max, machine, ...extra }] });
  return { ...spec!, targetSize: target };
}

let uid = 0;
export function pod(name: string, requests: Record<string, string> = {}, o: { node?: string; ns?: string; owner?: string | null; annotations?: Record<string, string>; labels?: Record<string, string>; volumes?: unknown[]; nodeSelector?: Record<string, string> } = {}): Pod {
  const owner = o.owner === undefined ? 'web-rs' : o.owner;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.ns ?? 'default',
      uid: `uid-${name}-${uid++}`,
      labels: o.labels ?? { app: 'web' },
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner === 'ds' ? 'DaemonSet' : 'ReplicaSet', name: owner, uid: `owner-${owner}`, controller: true }] } : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'nginx', resources: { requests } }],
      ...(o.node ? { nodeName: o.node } : {}),
      ...(o.volumes ? { volumes: o.volumes } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    },
    status: { phase: o.node ? 'Running' : 'Pending' },
  } as Pod;
}

export function node(name: string, alloc: Record<string, string> = { cpu: '4', memory: '16Gi', pods: '110' }, o: { labels?: Record<string, string>; annotations?: Record<string, string>; taints?: Array<{ key: string; value?: string; effect: string }> } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) }, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: o.taints ? { taints: o.taints } : {},
    status: { allocatable: alloc, capacity: alloc },
  } as Node;
}
