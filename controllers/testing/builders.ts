import type { Node, NodeCondition, Taint } from '../../api/core/node.js';
import type { Pod } from '../../api/core/pod.js';
import type { Toleration } from '../../api/core/pod-spec.js';
import type { Lease } from '../../api/coordination/lease.js';
import { formatMicroTime } from '../../api/coordination/lease.js';

/**
 * Test builders for the node controllers, in the style of kube's test helpers:
 *   makeNode('n1').ready('True', at).taint('k', 'NoExecute').obj()
 *   makePod('p1').on('n1').ready().tolerate({ … }).obj()
 * Times are ms since the epoch; obj() returns a fresh object.
 */

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function makeNode(name: string) {
  const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: {} }, spec: {}, status: { conditions: [] } };
  const b = {
    created(ms: number) {
      node.metadata.creationTimestamp = iso(ms);
      return b;
    },
    condition(type: string, status: string, heartbeatMs?: number, extra: Partial<NodeCondition> = {}) {
      const c: NodeCondition = { type, status, ...extra };
      if (heartbeatMs !== undefined) {
        c.lastHeartbeatTime = iso(heartbeatMs);
        c.lastTransitionTime = iso(heartbeatMs);
      }
      node.status!.conditions = [...node.status!.conditions!.filter((x) => x.type !== type), c];
      return b;
    },
    ready(status = 'True', heartbeatMs?: number) {
      return b.condition('Ready', status, heartbeatMs, { reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    },
    taint(key: string, effect: string, value?: string) {
      const t: Taint = { key, effect };
      if (value !== undefined) t.value = value;
      node.spec!.taints = [...(node.spec!.taints ?? []), t];
      return b;
    },
    label(key: string, value: string) {
      node.metadata.labels![key] = value;
      return b;
    },
    zone(zone: string) {
      return b.label('topology.kubernetes.io/zone', zone);
    },
    podCIDR(cidr: string) {
      node.spec!.podCIDR = cidr;
      node.spec!.podCIDRs = [cidr];
      return b;
    },
    unschedulable() {
      node.spec!.unschedulable = true;
      return b;
    },
    obj: (): Node => structuredClone(node),
  };
  return b;
}

export function makePod(name: string, namespace = 'default') {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    status: { phase: 'Running', conditions: [] },
  };
  const b = {
    on(nodeName: string) {
      pod.spec!.nodeName = nodeName;
      return b;
    },
    ready(status = 'True') {
      pod.status!.conditions = [...pod.status!.conditions!.filter((c) => c.type !== 'Ready'), { type: 'Ready', status, lastTransitionTime: '2025-12-31T00:00:00Z' }];
      return b;
    },
    tolerate(t: Toleration) {
      pod.spec!.tolerations = [...(pod.spec!.tolerations ?? []), t];
      return b;
    },
    /** The tolerations the apiserver's DefaultTolerationSeconds admission adds. */
    defaultTolerations(seconds = 300) {
      b.tolerate({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
      return b.tolerate({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
    },
    obj: (): Pod => structuredClone(pod),
  };
  return b;
}

export function makeLease(nodeName: string, renewMs: number): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: 'kube-node-lease' },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: 40, renewTime: formatMicroTime(renewMs) },
  };
}
