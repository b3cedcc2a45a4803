import { describe, expect, it } from 'vitest';
import type { Node } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import { SimCloud } from '../cloud/sim-cloud.js';
import { parseNodeGroups } from '../cloud/node-groups.js';
import type { EventRecorder } from '../client/event-recorder.js';
import { createFakeClient } from '../client/fake-client.js';
import { createStore } from '../client/store.js';
import { flush } from '../client/testing.js';
import { FakeClock } from '../lib/clock.js';
import { rootLogger } from '../lib/logger.js';
import { ClusterAutoscaler } from './autoscaler.js';
import { createCaMetrics } from './metrics.js';
import { DEFAULT_OPTIONS, type AutoscalingOptions } from './options.js';
import { node, pod } from './test-builders.js';

// The loop against the simulated cloud on a FakeClock, with the caches filled by hand:
// what it asks of the cloud and which events it records, on the error paths of the issue
// (a cloud that fails every create, nodes that never come up) and the no-futile-loop rule.

function unschedulable(p: Pod): Pod {
  return { ...p, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } } as Pod;
}

function setup(groupExtra: Record<string, unknown>, opts: Partial<AutoscalingOptions> = {}) {
  const clock = new FakeClock();
  const logger = rootLogger.child({ level: 'silent' });
  logger.level = 'silent';
  const groups = parseNodeGroups({ nodeGroups: [{ name: 'pool', minSize: 0, maxSize: 3, machine: { capacity: { cpu: '4', memory: '16Gi' } }, provisioning: { delay: '10s', jitter: '0' }, ...groupExtra }] });
  const cloud = new SimCloud({ groups, clock, logger, random: () => 0.5 });
  cloud.start();
  const nodes = createStore<Node>();
  const pods = createStore<Pod>();
  const events: string[] = [];
  const recorder: EventRecorder = {
    event: (subject, type, reason, message) => void events.push(`${type} ${reason} ${(subject as { metadata?: { name?: string }; name?: string }).metadata?.name ?? (subject as { name?: string }).name}: ${message}`),
    flush: async () => {},
    stop: async () => {},
  };
  const ca = new ClusterAutoscaler({
    client: createFakeClient({ clock }),
    cloud,
    clock,
    logger,
    options: { ...DEFAULT_OPTIONS, ...opts },
    recorder,
    metrics: createCaMetrics(),
    random: () => 0,
    nodes: nodes as never,
    pods: pods as never,
    pdbs: createStore() as never,
  });
  return { clock, cloud, nodes, pods, events, ca };
}

describe('ClusterAutoscaler.runOnce', () => {
  it('asks once for the nodes pending pods need, and not again while they boot', async () => {
    const { cloud, pods, ca, events } = setup({});
    for (let i = 0; i < 3; i++) pods.upsert(unschedulable(pod(`p${i}`, { cpu: '3' })));
    const first = await ca.runOnce();
    expect(first.scaleUp).toEqual({ group: 'pool', from: 0, to: 3 });
    expect(events.filter((e) => e.includes('TriggeredScaleUp'))).toHaveLength(3);
    expect(events).toContain('Normal ScaledUpGroup cluster-autoscaler-status: Scale-up: setting group pool size to 3 instead of 0 (max: 3)');
    const second = await ca.runOnce();
    expect(second.scaleUp).toBeUndefined();
    expect((await cloud.nodeGroups())[0]!.targetSize).toBe(3);
    expect(events.filter((e) => e.includes('NotTriggerScaleUp'))).toEqual([]);
  });

  it('a cloud that fails every create: the group is backed off, its failed instances deleted, pods told why', async () => {
    const { clock, cloud, pods, ca, events } = setup({ failures: { create: 'QuotaExceeded' } });
    pods.upsert(unschedulable(pod('p', { cpu: '3' })));
    expect((await ca.runOnce()).scaleUp).toEqual({ group: 'pool', from: 0, to: 1 });
    clock.advance(10_000); // the instance fails to come up
    await flush();
    expect((await cloud.instances())[0]!.state).toBe('Failed');
    const after = await ca.runOnce();
    expect(after.scaleUp).toBeUndefined();
    expect(events.find((e) => e.includes('FailedToScaleUpGroup'))).toMatch(/^Warning FailedToScaleUpGroup cluster-autoscaler-status: Scale-up failed for group pool: QuotaExceeded: /);
    expect(events).toContain("Normal NotTriggerScaleUp p: pod didn't trigger scale-up: 1 in backoff after failed scale-up");
    expect((await cloud.instances())[0]!.state).toBe('Deleting');
    // Still backed off a minute later: no futile scale-up.
    clock.advance(60_000);
    await flush();
    expect((await ca.runOnce()).scaleUp).toBeUndefined();
    expect(await cloud.instances()).toEqual([]);
    // Past the initial backoff (5 min) it tries again.
    clock.advance(5 * 60_000);
    expect((await ca.runOnce()).scaleUp).toEqual({ group: 'pool', from: 0, to: 1 });
  });

  it('nodes not up within --max-node-provision-time fail the scale-up (ScaleUpTimedOut) and back the group off', async () => {
    const { clock, pods, ca, events } = setup({ provisioning: { delay: '1h', jitter: '0' } }, { maxNodeProvisionTimeMs: 60_000 });
    pods.upsert(unschedulable(pod('p', { cpu: '3' })));
    expect((await ca.runOnce()).scaleUp).toBeDefined();
    clock.advance(61_000);
    expect((await ca.runOnce()).scaleUp).toBeUndefined();
    expect(events).toContain('Warning ScaleUpTimedOut cluster-autoscaler-status: Nodes added to group pool failed to register within 60s');
  });

  it('a pod at max group size gets the max-size reason', async () => {
    const { pods, nodes, ca, events } = setup({ maxSize: 0 });
    // A Ready node outside the group, full: the pod fits neither it nor the group.
    nodes.upsert({ ...node('static'), status: { ...node('static').status, conditions: [{ type: 'Ready', status: 'True' }] } } as Node);
    pods.upsert(pod('resident', { cpu: '3500m' }, { node: 'static' }));
    pods.upsert(unschedulable(pod('p', { cpu: '3' })));
    expect((await ca.runOnce()).scaleUp).toBeUndefined();
    expect(events).toContain("Normal NotTriggerScaleUp p: pod didn't trigger scale-up: 1 max node group size reached");
  });
});
