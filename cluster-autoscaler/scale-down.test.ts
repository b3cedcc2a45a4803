import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/core/pod.js';
import type { PodDisruptionBudget } from '../api/policy/pdb.js';
import { drainDecision } from './drainability.js';
import { createPredicateChecker } from './predicate-checker.js';
import { planScaleDown, type NodeForScaleDown, type ScaleDownInput } from './scale-down.js';
import { node, pod } from './test-builders.js';

const rules = { skipNodesWithLocalStorage: true, skipNodesWithSystemPods: true };
const pdb = (name: string, app: string, allowed: number, ns = 'default'): PodDisruptionBudget =>
  ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ns }, spec: { selector: { matchLabels: { app } } }, status: { disruptionsAllowed: allowed } }) as PodDisruptionBudget;

describe('drainDecision', () => {
  it.each<{ name: string; p: Pod; pdbs?: PodDisruptionBudget[]; want: string }>([
    { name: 'replicated pod moves', p: pod('a', {}, { node: 'n' }), want: 'move' },
    { name: 'DaemonSet pod stays with the node', p: pod('a', {}, { node: 'n', owner: 'ds' }), want: 'skip' },
    { name: 'mirror pod stays', p: pod('a', {}, { node: 'n', owner: null, annotations: { 'kubernetes.io/config.mirror': 'x' } }), want: 'skip' },
    { name: 'bare pod blocks', p: pod('a', {}, { node: 'n', owner: null }), want: 'NotReplicated' },
    { name: 'safe-to-evict false blocks', p: pod('a', {}, { node: 'n', annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' } }), want: 'NotSafeToEvictAnnotation' },
    { name: 'safe-to-evict true overrides', p: pod('a', {}, { node: 'n', owner: null, annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' } }), want: 'move' },
    { name: 'kube-system pod without PDB blocks', p: pod('a', {}, { node: 'n', ns: 'kube-system' }), want: 'UnmovableKubeSystemPod' },
    { name: 'kube-system pod with a PDB moves', p: pod('a', {}, { node: 'n', ns: 'kube-system' }), pdbs: [pdb('b', 'web', 1, 'kube-system')], want: 'move' },
    { name: 'emptyDir blocks', p: pod('a', {}, { node: 'n', volumes: [{ name: 'v', emptyDir: {} }] }), want: 'LocalStorageRequested' },
  ])('$name', ({ p, pdbs, want }) => {
    const d = drainDecision(p, pdbs ?? [], rules);
    expect(d.action === 'block' ? d.reason : d.action).toBe(want);
  });
});

describe('planScaleDown', () => {
  const checker = createPredicateChecker();
  const T = Date.UTC(2026, 0, 1);
  const g = (target: number, min = 1) => ({ name: 'pool', minSize: min, targetSize: target });
  const n = (name: string, pods: Pod[], o: Partial<NodeForScaleDown> & { annotations?: Record<string, string> } = {}): NodeForScaleDown => ({
    node: node(name, undefined, o.annotations ? { annotations: o.annotations } : {}),
    pods,
    ready: true,
    group: g(3),
    ...o,
  });
  const input = (nodes: NodeForScaleDown[], extra: Partial<ScaleDownInput> = {}): ScaleDownInput => ({
    nodes,
    pdbs: [],
    now: T,
    unneededSince: new Map(),
    threshold: 0.5,
    unneededTimeMs: 60_000,
    maxEmptyBulkDelete: 10,
    rules,
    checker,
    ...extra,
  });
  const busy = (name: string) => n(name, [pod(`${name}-big`, { cpu: '3' }, { node: name })]);

  it('an empty node becomes unneeded, then goes once unneeded long enough', () => {
    const nodes = [busy('n1'), busy('n2'), n('n3', [])];
    const first = planScaleDown(input(nodes));
    expect([...first.unneededSince.keys()]).toEqual(['n3']);
    expect(first.unremovable.get('n3')?.reason).toBe('NotUnneededLongEnough');
    expect(first.unremovable.get('n1')?.reason).toBe('NotUnderutilized');
    const later = planScaleDown(input(nodes, { now: T + 60_000, unneededSince: first.unneededSince }));
    expect(later.empty.map((x) => x.name)).toEqual(['n3']);
    expect(later.unneededSince.get('n3')).toBe(T);
  });

  it('an underused node is drained when its pods fit elsewhere', () => {
    const nodes = [busy('n1'), n('n2', [pod('small', { cpu: '500m' }, { node: 'n2' })])];
    const p = planScaleDown(input(nodes, { unneededTimeMs: 0 }));
    expect(p.drain?.name).toBe('n2');
    expect(p.drain?.podsToMove.map((x) => x.metadata.name)).toEqual(['small']);
  });

  it.each<{ name: string; nodes: () => NodeForScaleDown[]; pdbs?: PodDisruptionBudget[]; want: string }>([
    { name: 'no room elsewhere', nodes: () => [busy('n1'), n('n2', [pod('mid', { cpu: '1500m' }, { node: 'n2' })])], want: 'NoPlaceToMovePods' },
    { name: 'PDB at zero disruptions', nodes: () => [busy('n1'), n('n2', [pod('s', { cpu: '100m' }, { node: 'n2' })])], pdbs: [pdb('web', 'web', 0)], want: 'NotEnoughPdb' },
    { name: 'bare pod', nodes: () => [busy('n1'), n('n2', [pod('bare', { cpu: '100m' }, { node: 'n2', owner: null })])], want: 'BlockedByPod' },
    { name: 'scale-down-disabled annotation', nodes: () => [busy('n1'), n('n2', [], { annotations: { 'cluster-autoscaler.kubernetes.io/scale-down-disabled': 'true' } })], want: 'ScaleDownDisabledAnnotation' },
    { name: 'not in an autoscaled group', nodes: () => [busy('n1'), n('n2', [], { group: undefined })], want: 'NotAutoscaled' },
    { name: 'group at min size', nodes: () => [busy('n1'), n('n2', [], { group: g(1, 1) })], want: 'NodeGroupMinSizeReached' },
    { name: 'not ready', nodes: () => [busy('n1'), n('n2', [], { ready: false })], want: 'NotReady' },
  ])('keeps the node: $name', ({ nodes, pdbs, want }) => {
    const p = planScaleDown(input(nodes(), { unneededTimeMs: 0, pdbs: pdbs ?? [] }));
    expect(p.empty).toEqual([]);
    expect(p.drain).toBeUndefined();
    expect(p.unremovable.get('n2')?.reason).toBe(want);
  });

  it('a PDB allowing one disruption lets one of two nodes go', () => {
    const nodes = [busy('n1'), n('n2', [pod('a', { cpu: '100m' }, { node: 'n2' })]), n('n3', [pod('b', { cpu: '100m' }, { node: 'n3' })])];
    const p = planScaleDown(input(nodes, { unneededTimeMs: 0, pdbs: [pdb('web', 'web', 1)] }));
    expect(p.drain?.name).toBe('n2');
    expect(p.unremovable.get('n3')?.reason).toBe('NotEnoughPdb');
  });

  it('empty nodes go in bulk, never below the group minimum', () => {
    const nodes = [busy('n1'), ...['e1', 'e2', 'e3'].map((x) => n(x, [], { group: g(4, 2) }))];
    const p = planScaleDown(input(nodes, { unneededTimeMs: 0 }));
    expect(p.empty.map((x) => x.name)).toEqual(['e1', 'e2']);
    expect(p.unremovable.get('e3')?.reason).toBe('NodeGroupMinSizeReached');
  });
});
