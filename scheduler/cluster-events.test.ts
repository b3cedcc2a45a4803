import { describe, expect, it } from 'vitest';
import { eventMayHelp, nodeUpdateEvents, podSchedulingPropertiesChanged, type ClusterEvent } from './cluster-events.js';
import { makeNode, makePod } from './testing/builders.js';

const base = () => makeNode('n1').alloc({ cpu: '4', memory: '8Gi' });

describe('nodeUpdateEvents', () => {
  const cases: { name: string; next: ReturnType<typeof base>; want: ClusterEvent[] }[] = [
    { name: 'nothing relevant (heartbeat)', next: base(), want: [] },
    { name: 'allocatable', next: makeNode('n1').alloc({ cpu: '8', memory: '8Gi' }), want: ['NodeAllocatableChange'] },
    { name: 'labels', next: base().label('zone', 'a'), want: ['NodeLabelChange'] },
    { name: 'taints', next: base().taint('k', 'v'), want: ['NodeTaintChange'] },
    { name: 'unschedulable', next: base().unschedulable(), want: ['NodeSpecUnschedulableChange'] },
    { name: 'several', next: base().unschedulable().label('x', 'y'), want: ['NodeLabelChange', 'NodeSpecUnschedulableChange'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const old = base().obj();
      // A heartbeat-only difference rides along in every case.
      const next: ReturnType<ReturnType<typeof base>['obj']> & { status: { conditions?: unknown } } = c.next.obj();
      next.status.conditions = [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:10Z' }];
      expect(nodeUpdateEvents(old, next)).toEqual(c.want);
    });
  }
});

describe('eventMayHelp', () => {
  const cases: [ClusterEvent, string[], boolean][] = [
    ['NodeAdd', ['NodeResourcesFit'], true],
    ['NodeAllocatableChange', ['NodeResourcesFit'], true],
    ['NodeAllocatableChange', ['NodeAffinity'], false],
    ['NodeLabelChange', ['NodeAffinity', 'TaintToleration'], true],
    ['NodeLabelChange', ['TaintToleration'], false],
    ['NodeTaintChange', ['TaintToleration'], true],
    ['AssignedPodDelete', ['NodePorts'], true],
    ['AssignedPodDelete', ['NodeAffinity'], false],
    ['NodeSpecUnschedulableChange', ['NodeUnschedulable'], true],
    ['UnschedulableTimeout', ['NodeAffinity'], true],
    // No plugin to blame: any event may help.
    ['NodeLabelChange', [], true],
  ];
  for (const [event, plugins, want] of cases) {
    it(`${event} for [${plugins.join(',')}] → ${want}`, () => {
      expect(eventMayHelp(event, new Set(plugins))).toBe(want);
    });
  }
});

describe('podSchedulingPropertiesChanged', () => {
  it('ignores status, resourceVersion and generation; sees spec and labels', () => {
    const a = { ...makePod('p').req({ cpu: '1' }).obj(), metadata: { name: 'p', namespace: 'd', resourceVersion: '1' } };
    const statusOnly = { ...a, metadata: { ...a.metadata, resourceVersion: '2', generation: 3 }, status: { phase: 'Pending' } };
    expect(podSchedulingPropertiesChanged(a, statusOnly)).toBe(false);
    const relabelled = { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } };
    expect(podSchedulingPropertiesChanged(a, relabelled)).toBe(true);
    const respec = { ...a, spec: { ...a.spec, nodeSelector: { zone: 'a' } } };
    expect(podSchedulingPropertiesChanged(a, respec)).toBe(true);
  });
});
