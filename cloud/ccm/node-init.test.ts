import { describe, expect, it } from 'vitest';
import type { Node } from '../../api/core/node.js';
import type { Instance } from '../cloud-state.js';
import { parseNodeGroups } from '../node-groups.js';
import { initializationPatch, isCloudNode, liveInstanceOf } from './node-init.js';
import { routeConditionPatch } from './route-condition.js';

const [spec] = parseNodeGroups({ nodeGroups: [{ name: 'pool', minSize: 0, maxSize: 3, machine: { zone: 'z-b', region: 'r-1', instanceType: 'big.8' } }] });
const group = { ...spec!, targetSize: 1 };
const inst = (state: Instance['state'] = 'Running'): Instance => ({ id: 'pool-abcde', group: 'pool', nodeName: 'pool-abcde', seq: 0, state, createdAt: 0, readyAt: 0, booted: true });
const node = (o: { providerID?: string; taints?: Array<{ key: string; effect: string; value?: string }>; labels?: Record<string, string>; conditions?: Node['status'] extends infer S ? S extends { conditions?: infer C } ? C : never : never } = {}): Node =>
  ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'pool-abcde', resourceVersion: '7', labels: o.labels ?? {} },
    spec: { ...(o.providerID ? { providerID: o.providerID } : {}), taints: o.taints ?? [] },
    status: { conditions: o.conditions ?? [] },
  }) as Node;
const UNINIT = { key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' };

describe('cloud node controller decisions', () => {
  it.each([
    { name: 'a static node is not the cloud’s', n: node(), want: false },
    { name: 'an uninitialised node is', n: node({ taints: [UNINIT] }), want: true },
    { name: 'a node with our provider ID is', n: node({ providerID: 'kubeling://pool/pool-abcde' }), want: true },
    { name: 'another cloud’s provider ID is not', n: node({ providerID: 'gce://p/z/i' }), want: false },
  ])('isCloudNode: $name', ({ n, want }) => expect(isCloudNode(n)).toBe(want));

  it('initialises: provider ID, topology and instance-type labels, taint removed, other taints kept', () => {
    const p = initializationPatch(node({ taints: [UNINIT, { key: 'gpu', effect: 'NoSchedule' }] }), inst(), group);
    expect(p).toEqual({
      metadata: {
        resourceVersion: '7',
        labels: {
          'node.kubernetes.io/instance-type': 'big.8',
          'beta.kubernetes.io/instance-type': 'big.8',
          'topology.kubernetes.io/zone': 'z-b',
          'topology.kubernetes.io/region': 'r-1',
          'failure-domain.beta.kubernetes.io/zone': 'z-b',
          'failure-domain.beta.kubernetes.io/region': 'r-1',
        },
      },
      spec: { providerID: 'kubeling://pool/pool-abcde', taints: [{ key: 'gpu', effect: 'NoSchedule' }] },
    });
  });

  it('writes nothing to an initialised node', () => {
    const first = initializationPatch(node({ taints: [UNINIT] }), inst(), group)!;
    const done = node({ providerID: 'kubeling://pool/pool-abcde', labels: (first.metadata as { labels: Record<string, string> }).labels });
    expect(initializationPatch(done, inst(), group)).toBeUndefined();
  });

  it.each<{ name: string; state?: Instance['state']; present: boolean; want: boolean }>([
    { name: 'running', state: 'Running', present: true, want: true },
    { name: 'deleting', state: 'Deleting', present: true, want: false },
    { name: 'failed', state: 'Failed', present: true, want: false },
    { name: 'gone', present: false, want: false },
  ])('liveInstanceOf: $name', ({ state, present, want }) => {
    const list = present ? [inst(state)] : [];
    expect(Boolean(liveInstanceOf(node({ providerID: 'kubeling://pool/pool-abcde' }), list))).toBe(want);
    expect(Boolean(liveInstanceOf(node({ taints: [UNINIT] }), list))).toBe(want);
  });
});

describe('route controller condition', () => {
  const T = '2026-01-01T00:00:00Z';
  it('adds NetworkUnavailable=False RouteCreated, keeping the other conditions', () => {
    const ready = { type: 'Ready', status: 'True' };
    expect(routeConditionPatch(node({ conditions: [ready] }), T)).toEqual({
      status: { conditions: [ready, { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'RouteController created a route', lastHeartbeatTime: T, lastTransitionTime: T }] },
    });
  });
  it('replaces NoRouteCreated', () => {
    const p = routeConditionPatch(node({ conditions: [{ type: 'NetworkUnavailable', status: 'True', reason: 'NoRouteCreated' }] }), T);
    expect(p!.status.conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'RouteCreated', lastTransitionTime: T })]);
  });
  it('leaves a routed node alone', () => {
    expect(routeConditionPatch(node({ conditions: [{ type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated' }] }), T)).toBeUndefined();
  });
});
