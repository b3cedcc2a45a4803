import { describe, expect, it } from 'vitest';
import { NodeInfo, newPodInfo } from '../scheduler/node-info.js';
import { estimateNodes } from './estimator.js';
import { bestOption, narrow, parsePriorities, type ExpansionOption } from './expander.js';
import type { ExpanderName } from './options.js';
import { createPredicateChecker } from './predicate-checker.js';
import { decideScaleUp, type GroupForScaleUp } from './scale-up.js';
import { templateNode } from './template-node.js';
import { group, node, pod } from './test-builders.js';

const checker = createPredicateChecker();
const small = { capacity: { cpu: '4', memory: '16Gi' } };
const big = { capacity: { cpu: '16', memory: '64Gi' } };

function forScaleUp(...gs: Array<ReturnType<typeof group> | [ReturnType<typeof group>, boolean]>): GroupForScaleUp[] {
  return gs.map((g) => {
    const [view, backedOff] = Array.isArray(g) ? g : [g, false];
    return { view, template: templateNode(view), backedOff };
  });
}

describe('estimateNodes (binpacking)', () => {
  const tmpl = templateNode(group('a', 0, 10, 0, small));
  it.each([
    { name: 'six pods of 1.5 cpu need three 4-cpu nodes', pods: 6, cpu: '1500m', limit: 10, want: 3 },
    { name: 'the limit caps the count', pods: 6, cpu: '1500m', limit: 2, want: 2 },
    { name: 'pods larger than the template need nothing from it', pods: 3, cpu: '5', limit: 10, want: 0 },
    { name: 'small pods share one node', pods: 10, cpu: '100m', limit: 10, want: 1 },
  ])('$name', ({ pods, cpu, limit, want }) => {
    const list = Array.from({ length: pods }, (_, i) => pod(`p${i}`, { cpu }));
    expect(estimateNodes(list, tmpl, checker, limit).nodeCount).toBe(want);
  });
});

describe('expanders', () => {
  const opt = (name: string, nodeCount: number, pods: number, machine: Record<string, unknown>, price?: number): ExpansionOption => {
    const g = group(name, 0, 10, 0, machine, price !== undefined ? { price } : {});
    const list = Array.from({ length: pods }, (_, i) => pod(`${name}-${i}`, { cpu: '1', memory: '1Gi' }));
    return { group: g, nodeCount, pods: list, nodes: estimateNodes(list, templateNode(g), checker, nodeCount).nodes };
  };
  const a = opt('small', 2, 6, small, 0.2);
  const b = opt('big', 1, 6, big, 0.5);
  const c = opt('few', 1, 2, small);
  it.each<{ name: string; chain: ExpanderName[]; priorities?: string; want: string[] }>([
    { name: 'least-waste prefers the fuller nodes', chain: ['least-waste'], want: ['small'] },
    { name: 'most-pods keeps the options scheduling most', chain: ['most-pods'], want: ['small', 'big'] },
    { name: 'price: cheapest per pod', chain: ['price'], want: ['small'] },
    { name: 'priority: highest matching priority', chain: ['priority'], priorities: '10:\n  - small\n50:\n  - "bi.*"\n', want: ['big'] },
    { name: 'priority: no match passes every option', chain: ['priority'], priorities: '10:\n  - nothing\n', want: ['small', 'big', 'few'] },
    { name: 'priority without ConfigMap passes every option', chain: ['priority'], want: ['small', 'big', 'few'] },
    { name: 'chain priority,least-waste (few wastes less of its node than big)', chain: ['priority', 'least-waste'], priorities: '5:\n  - big\n  - few\n', want: ['few'] },
  ])('$name', ({ chain, priorities, want }) => {
    let left = [a, b, c];
    for (const e of chain) left = narrow(e, left, { random: () => 0, ...(priorities ? { priorities } : {}) });
    expect(left.map((o) => o.group.name).sort()).toEqual([...want].sort());
    expect(want).toContain(bestOption(chain, [a, b, c], { random: () => 0.99, ...(priorities ? { priorities } : {}) })!.group.name);
  });
  it('reports a broken priorities document', () => {
    expect(parsePriorities('x: [a]')).toEqual({ error: 'priority "x" is not an integer' });
    expect('error' in parsePriorities('1: ["("]')).toBe(true);
  });
});

describe('decideScaleUp', () => {
  const base = { totalNodes: 1, maxNodesTotal: 0, expander: ['least-waste'] as ExpanderName[], expanderContext: { random: () => 0 }, checker };
  const fullNode = () => {
    const info = new NodeInfo('n0', node('n0', { cpu: '4', memory: '16Gi', pods: '110' }));
    info.addPod(newPodInfo(pod('old', { cpu: '3500m' }, { node: 'n0' })));
    return info;
  };

  it('scales the group by the bin-packed node count', () => {
    const pending = Array.from({ length: 6 }, (_, i) => pod(`p${i}`, { cpu: '1500m' }));
    const d = decideScaleUp({ ...base, pending, cluster: [fullNode()], groups: forScaleUp(group('pool', 1, 5, 1, small)) });
    expect(d.increase).toMatchObject({ group: 'pool', from: 1, to: 4, max: 5 });
    expect(d.increase!.pods).toHaveLength(6);
    expect(d.noScaleUp).toEqual([]);
  });

  it('caps by the group max and leaves the rest for later', () => {
    const pending = Array.from({ length: 6 }, (_, i) => pod(`p${i}`, { cpu: '1500m' }));
    const d = decideScaleUp({ ...base, pending, cluster: [], groups: forScaleUp(group('pool', 1, 2, 1, small)) });
    expect(d.increase).toMatchObject({ from: 1, to: 2 });
    expect(d.increase!.pods).toHaveLength(2);
  });

  it('respects --max-nodes-total', () => {
    const pending = Array.from({ length: 6 }, (_, i) => pod(`p${i}`, { cpu: '1500m' }));
    const d = decideScaleUp({ ...base, totalNodes: 3, maxNodesTotal: 4, pending, cluster: [], groups: forScaleUp(group('pool', 1, 10, 3, small)) });
    expect(d.increase).toMatchObject({ from: 3, to: 4 });
  });

  it('leaves pods that fit on upcoming nodes to the scheduler (no second scale-up)', () => {
    const g = group('pool', 1, 5, 3, small);
    const upcoming = [0, 1].map((i) => new NodeInfo(`up${i}`, templateNode(g, `up${i}`)));
    const pending = Array.from({ length: 4 }, (_, i) => pod(`p${i}`, { cpu: '1500m' }));
    const d = decideScaleUp({ ...base, pending, cluster: [fullNode(), ...upcoming], groups: forScaleUp(g) });
    expect(d.increase).toBeUndefined();
    expect(d.schedulable).toHaveLength(4);
  });

  it.each([
    { name: 'group at max size', groups: () => forScaleUp(group('pool', 1, 1, 1, small)), want: ['1 max node group size reached'] },
    { name: 'pod too big for every group', groups: () => forScaleUp(group('a', 0, 5, 0, small), group('b', 0, 5, 0, small)), cpu: '64', want: ['2 Insufficient cpu'] },
    { name: 'backed-off group', groups: () => forScaleUp([group('pool', 0, 5, 0, small), true]), want: ['1 in backoff after failed scale-up'] },
    {
      name: 'reasons from several groups are counted',
      groups: () => forScaleUp(group('a', 1, 1, 1, small), group('b', 0, 5, 0, small)),
      cpu: '8',
      want: ['1 Insufficient cpu', '1 max node group size reached'],
    },
    { name: 'selector no group satisfies', groups: () => forScaleUp(group('a', 0, 5, 0, small)), selector: { disk: 'ssd' }, want: ["1 node(s) didn't match Pod's node affinity/selector"] },
  ])('NotTriggerScaleUp: $name', ({ groups, cpu, selector, want }) => {
    const p = pod('p', { cpu: cpu ?? '1' }, selector ? { nodeSelector: selector } : {});
    const d = decideScaleUp({ ...base, pending: [p], cluster: [], groups: groups() });
    expect(d.increase).toBeUndefined();
    expect(d.noScaleUp).toEqual([{ pod: p, reasons: want }]);
  });

  it('the expander picks among the groups that can help', () => {
    const pending = Array.from({ length: 4 }, (_, i) => pod(`p${i}`, { cpu: '3', memory: '1Gi' }));
    const d = decideScaleUp({ ...base, expander: ['most-pods'], pending, cluster: [], groups: forScaleUp(group('tiny', 0, 1, 0, small), group('large', 0, 5, 0, big)) });
    expect(d.increase).toMatchObject({ group: 'large', from: 0, to: 1 });
  });
});
