import { afterEach, describe, expect, it } from 'vitest';
import { eventResource, type Event } from '../api/core/event.js';
import { nodeResource, type Node, type NodeCondition } from '../api/core/node.js';
import type { KubeObject } from '../api/types.js';
import { createFakeClient, type FakeClient } from '../client/fake-client.js';
import { flush, step } from '../client/testing.js';
import { FakeClock } from '../lib/clock.js';
import { startKubeletSim, type KubeletSim, type KubeletSimOptions } from './index.js';
import { kubeletNodeRef, nodeStartEvents, nodeStatusEvents } from './node-events.js';

const cond = (type: string, status: string): NodeCondition => ({ type, status });
const healthy = [cond('MemoryPressure', 'False'), cond('DiskPressure', 'False'), cond('PIDPressure', 'False'), cond('Ready', 'True')];
const unknown = healthy.map((c) => ({ ...c, status: 'Unknown' }));
const reasons = (evs: { reason?: string }[]) => evs.map((e) => e.reason);

describe('nodeStatusEvents', () => {
  it.each<{ name: string; previous?: NodeCondition[]; reported: NodeCondition[]; want: string[] }>([
    { name: 'first status: every condition is news', reported: healthy, want: ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', 'NodeReady'] },
    { name: 'nothing changed: nothing to say', previous: healthy, reported: healthy, want: [] },
    { name: 'back from Unknown (node lifecycle controller)', previous: unknown, reported: healthy, want: ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', 'NodeReady'] },
    { name: 'only Ready was Unknown', previous: [...healthy.slice(0, 3), cond('Ready', 'Unknown')], reported: healthy, want: ['NodeReady'] },
    { name: 'goes not ready by itself', previous: healthy, reported: [...healthy.slice(0, 3), cond('Ready', 'False')], want: ['NodeNotReady'] },
    {
      name: 'pressure appears',
      previous: healthy,
      reported: [cond('MemoryPressure', 'True'), cond('DiskPressure', 'True'), cond('PIDPressure', 'True'), cond('Ready', 'True')],
      want: ['NodeHasInsufficientMemory', 'NodeHasDiskPressure', 'NodeHasInsufficientPID'],
    },
    { name: 'conditions a kubelet does not report raise nothing', previous: [], reported: [cond('NetworkUnavailable', 'False')], want: [] },
  ])('$name', ({ previous, reported, want }) => {
    expect(reasons(nodeStatusEvents('n1', previous, reported))).toEqual(want);
  });

  it('words them as a kubelet does', () => {
    expect(nodeStatusEvents('n1', undefined, [cond('Ready', 'True')])).toEqual([{ type: 'Normal', reason: 'NodeReady', message: 'Node n1 status is now: NodeReady' }]);
  });
});

describe('nodeStartEvents', () => {
  it('a new Node: Starting, the pressure conditions, allocatable, then NodeReady', () => {
    expect(nodeStartEvents('n1', undefined, healthy)).toEqual([
      { type: 'Normal', reason: 'Starting', message: 'Starting kubelet.' },
      { type: 'Normal', reason: 'NodeHasSufficientMemory', message: 'Node n1 status is now: NodeHasSufficientMemory' },
      { type: 'Normal', reason: 'NodeHasNoDiskPressure', message: 'Node n1 status is now: NodeHasNoDiskPressure' },
      { type: 'Normal', reason: 'NodeHasSufficientPID', message: 'Node n1 status is now: NodeHasSufficientPID' },
      { type: 'Normal', reason: 'NodeAllocatableEnforced', message: 'Updated Node Allocatable limit across pods' },
      { type: 'Normal', reason: 'NodeReady', message: 'Node n1 status is now: NodeReady' },
    ]);
  });

  it('a restart onto a Node that is still Ready: no NodeReady, the rest as on any start', () => {
    expect(reasons(nodeStartEvents('n1', healthy, healthy))).toEqual([
      'Starting',
      'NodeHasSufficientMemory',
      'NodeHasNoDiskPressure',
      'NodeHasSufficientPID',
      'NodeAllocatableEnforced',
    ]);
  });

  it('kubelet’s node reference: the name doubles as UID, no namespace', () => {
    expect(kubeletNodeRef('n1')).toEqual({ kind: 'Node', name: 'n1', uid: 'n1', namespace: '' });
  });
});

// ---- through the simulator, on a fake client ----------------------------------------

const running: KubeletSim[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

async function startSim(opts: Partial<KubeletSimOptions> = {}): Promise<{ clock: FakeClock; client: FakeClient; sim: KubeletSim }> {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const client = createFakeClient({ clock });
  const sim = await startKubeletSim({ client, nodes: 2, clock, random: () => 0, qps: 100_000, burst: 100_000, ...opts });
  running.push(sim);
  await flush(30);
  return { clock, client, sim };
}

async function nodeEvents(client: FakeClient, name: string): Promise<Event[]> {
  return (await client.list<Event>(eventResource, { namespace: 'default' })).items.filter((e) => e.involvedObject?.kind === 'Node' && e.involvedObject.name === name);
}

describe('kubelet-sim node events', () => {
  it('records a kubelet’s start events on each Node it registers, from that node', async () => {
    const { client } = await startSim();
    for (const name of ['kubeling-node-0', 'kubeling-node-1']) {
      const evs = await nodeEvents(client, name);
      expect(reasons(evs)).toEqual(['Starting', 'NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', 'NodeAllocatableEnforced', 'NodeReady']);
      for (const ev of evs) {
        expect(ev).toMatchObject({
          type: 'Normal',
          metadata: { namespace: 'default' },
          involvedObject: { kind: 'Node', name, uid: name },
          source: { component: 'kubelet', host: name },
          reportingComponent: 'kubelet',
          reportingInstance: name,
        });
        expect(ev.involvedObject!.namespace).toBeUndefined();
      }
    }
  });

  it('records nothing with events: false', async () => {
    const { client } = await startSim({ events: false });
    expect((await client.list<Event>(eventResource, { namespace: 'default' })).items).toEqual([]);
  });

  it('a node marked Unknown and healthy again reports its conditions and NodeReady again; a quiet heartbeat says nothing', async () => {
    const { client, clock, sim } = await startSim({ nodes: 1 });
    const name = 'kubeling-node-0';
    // Its podCIDR, as node IPAM gives it at once: without one the node would report its
    // network not ready (NodeNotReady) past the 30 s grace.
    await client.patch(nodeResource, name, { spec: { podCIDR: '100.96.0.0/24', podCIDRs: ['100.96.0.0/24'] } }, { type: 'merge' });
    await step(clock, 30_000, 1000);
    expect(await nodeEvents(client, name)).toHaveLength(6);

    sim.failNode(name);
    // What the node lifecycle controller writes when the heartbeats stop.
    const n = await client.get<Node>(nodeResource, name);
    n.status!.conditions = n.status!.conditions!.map((c) => (c.type === 'NetworkUnavailable' ? c : { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' }));
    await client.updateStatus(nodeResource, n as KubeObject);
    await step(clock, 30_000, 1000);
    // A dead kubelet records nothing.
    expect(await nodeEvents(client, name)).toHaveLength(6);

    sim.recoverNode(name);
    await step(clock, 2000, 500);
    const evs = await nodeEvents(client, name);
    // Deduplicated by the recorder: the same four events again, each now counted twice.
    const byReason = Object.fromEntries(evs.map((e) => [e.reason, e.count]));
    expect(byReason).toEqual({
      Starting: 1,
      NodeHasSufficientMemory: 2,
      NodeHasNoDiskPressure: 2,
      NodeHasSufficientPID: 2,
      NodeAllocatableEnforced: 1,
      NodeReady: 2,
    });
  });
});
