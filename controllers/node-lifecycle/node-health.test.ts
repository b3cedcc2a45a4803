import { describe, expect, it } from 'vitest';
import { makeLease, makeNode } from '../testing/builders.js';
import { gracePeriodFor, isStale, observeNodeHealth, staleAt, staleNodeConditions } from './node-health.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const periods = { nodeMonitorGracePeriodMs: 40_000, nodeStartupGracePeriodMs: 60_000 };

describe('observeNodeHealth', () => {
  it.each<{ name: string; lease?: number; heartbeat?: number; prev?: number | 'created'; want: number }>([
    { name: 'lease renewTime', lease: T - 5_000, heartbeat: undefined, prev: undefined, want: T - 5_000 },
    { name: 'newest of lease and Ready heartbeat', lease: T - 50_000, heartbeat: T - 3_000, prev: undefined, want: T - 3_000 },
    { name: 'future times are capped at now', lease: T + 60_000, heartbeat: undefined, prev: undefined, want: T },
    { name: 'never goes backwards', lease: T - 90_000, heartbeat: undefined, prev: T - 10_000, want: T - 10_000 },
    { name: 'a creation-time stand-in does not hold back a first signal', lease: T - 90_000, heartbeat: undefined, prev: 'created', want: T - 90_000 },
    { name: 'no signal: creation time', lease: undefined, heartbeat: undefined, prev: undefined, want: T - 120_000 },
  ])('$name', ({ lease, heartbeat, prev, want }) => {
    const b = makeNode('n1').created(T - 120_000);
    if (heartbeat !== undefined) b.ready('True', heartbeat);
    const before = prev === undefined ? undefined : prev === 'created' ? { probeTimestamp: T, signalled: false } : { probeTimestamp: prev, signalled: true };
    const h = observeNodeHealth(before, b.obj(), lease === undefined ? undefined : makeLease('n1', lease), T);
    expect(h.probeTimestamp).toBe(want);
  });
});

describe('grace periods', () => {
  it.each([
    { node: makeNode('a').ready('True', T).obj(), grace: 40_000 },
    { node: makeNode('b').ready('False', T).obj(), grace: 40_000 },
    { node: makeNode('c').obj(), grace: 60_000 },
  ])('node $node.metadata.name gets $grace ms', ({ node, grace }) => {
    expect(gracePeriodFor(node, periods)).toBe(grace);
  });

  it.each([
    { silentMs: 39_000, stale: false },
    { silentMs: 40_000, stale: false },
    { silentMs: 40_001, stale: true },
  ])('silent $silentMs ms → stale $stale', ({ silentMs, stale }) => {
    expect(isStale({ probeTimestamp: T - silentMs, signalled: true }, T, 40_000)).toBe(stale);
  });

  it('staleAt is the first instant the node counts as stale', () => {
    const h = { probeTimestamp: T, signalled: true };
    expect(isStale(h, staleAt(h, 40_000), 40_000)).toBe(true);
    expect(isStale(h, staleAt(h, 40_000) - 1, 40_000)).toBe(false);
  });
});

describe('staleNodeConditions', () => {
  it('turns posted conditions Unknown with kube reason and message', () => {
    const node = makeNode('n1').created(T - 600_000).ready('True', T - 60_000).condition('MemoryPressure', 'False', T - 60_000).condition('NetworkUnavailable', 'False', T - 60_000).obj();
    const conds = staleNodeConditions(node, T)!;
    const by = Object.fromEntries(conds.map((c) => [c.type, c]));
    expect(by.Ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: '2026-01-01T12:00:00Z' });
    expect(by.Ready!.lastHeartbeatTime).toBe('2026-01-01T11:59:00Z'); // kept
    expect(by.MemoryPressure).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    // Added because never posted.
    expect(by.DiskPressure).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
    expect(by.PIDPressure).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated' });
    // NetworkUnavailable is managed elsewhere.
    expect(by.NetworkUnavailable!.status).toBe('False');
    // The input is not mutated.
    expect(node.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
  });

  it('writes nothing when Ready is already Unknown', () => {
    expect(staleNodeConditions(makeNode('n1').ready('Unknown', T).obj(), T)).toBeUndefined();
  });

  it('adds all four for a node that never posted status', () => {
    const conds = staleNodeConditions(makeNode('n1').created(T - 100_000).obj(), T)!;
    expect(conds.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'Unknown', 'NodeStatusNeverUpdated'],
      ['MemoryPressure', 'Unknown', 'NodeStatusNeverUpdated'],
      ['DiskPressure', 'Unknown', 'NodeStatusNeverUpdated'],
      ['PIDPressure', 'Unknown', 'NodeStatusNeverUpdated'],
    ]);
  });
});
