import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { nodeResource, nodeSchema, type Node } from './node.js';

const now = Date.parse('2024-05-01T12:00:00Z');
const o = (n: Node) => n as unknown as KubeObject;

function node(labels: Record<string, string>, ready: string | undefined, unschedulable = false): Node {
  return nodeSchema.parse({
    metadata: { name: 'node-1', labels, creationTimestamp: '2024-04-27T12:00:00Z' },
    spec: { unschedulable },
    status: {
      conditions: ready ? [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready }] : [],
      addresses: [{ type: 'InternalIP', address: '192.168.0.11' }, { type: 'Hostname', address: 'node-1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Ubuntu 24.04', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.0' },
    },
  });
}

describe('node table', () => {
  it.each([
    [{}, 'True', false, 'Ready', '<none>'],
    [{}, 'False', false, 'NotReady', '<none>'],
    [{}, 'Unknown', false, 'NotReady', '<none>'],
    [{}, undefined, false, 'Unknown', '<none>'],
    [{ 'node-role.kubernetes.io/control-plane': '' }, 'True', true, 'Ready,SchedulingDisabled', 'control-plane'],
    [{ 'node-role.kubernetes.io/worker': '', 'kubernetes.io/role': 'gpu', 'node-role.kubernetes.io/': '' }, 'True', false, 'Ready', 'gpu,worker'],
  ])('labels %j ready %s cordoned %s → %s %s', (labels, ready, cordoned, status, roles) => {
    const row = nodeResource.tableRow(o(node(labels, ready, cordoned)), now);
    expect(row).toEqual(['node-1', status, roles, '4d', 'v1.32.0', '192.168.0.11', '<none>', 'Ubuntu 24.04', '6.8.0', 'containerd://1.7.0']);
  });
});

describe('node defaults and validation', () => {
  it('defaults allocatable to capacity and podCIDRs from podCIDR', () => {
    const n = nodeSchema.parse({ metadata: { name: 'n' }, spec: { podCIDR: '10.244.1.0/24' }, status: { capacity: { cpu: '4', pods: '110' } } });
    nodeResource.defaults(o(n));
    expect(n.spec?.podCIDRs).toEqual(['10.244.1.0/24']);
    expect(n.status?.allocatable).toEqual({ cpu: '4', pods: '110' });
  });

  it('validates taints', () => {
    const n = nodeSchema.parse({
      metadata: { name: 'n' },
      spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'Sometimes' }] },
    });
    const errs = nodeResource.validate(o(n)).map((e) => `${e.field}: ${e.message}`);
    expect(errs).toEqual([
      'spec.taints[1]: Duplicate value: {"key":"a","effect":"NoSchedule"}: taints must be unique by key and effect pair',
      'spec.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]);
  });

  it('lets podCIDRs and providerID be set once', () => {
    const old = nodeSchema.parse({ metadata: { name: 'n' }, spec: { podCIDRs: ['10.244.1.0/24'], providerID: 'kubeling://n' } });
    const n = nodeSchema.parse({ metadata: { name: 'n' }, spec: { podCIDRs: ['10.244.2.0/24'], providerID: 'other://n' } });
    expect(nodeResource.validate(o(n), o(old)).map((e) => `${e.field}: ${e.message}`)).toEqual([
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
      'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
    ]);
    const fresh = nodeSchema.parse({ metadata: { name: 'n' }, spec: {} });
    expect(nodeResource.validate(o(old), o(fresh))).toEqual([]);
  });

  it('selects on spec.unschedulable', () => {
    expect(nodeResource.fieldSelectors!['spec.unschedulable']!(o(node({}, 'True', true)))).toBe('true');
    expect(nodeResource.fieldSelectors!['spec.unschedulable']!(o(node({}, 'True', false)))).toBe('false');
  });
});
