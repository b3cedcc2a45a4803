import { describe, expect, it } from 'vitest';
import { CycleState } from '../framework.js';
import { makeNode, makeNodeInfo, makePod } from '../testing/builders.js';
import type { PodLike } from '../types.js';
import { leastAllocatedScore, leastRequestedScore, nodeResourcesFitPlugin } from './node-resources-fit.js';

const node = makeNode('n').alloc({ cpu: '4', memory: '8Gi', pods: 3, 'example.com/gpu': 1, 'ephemeral-storage': '10Gi' }).obj();

function filter(pod: PodLike, ...existing: PodLike[]) {
  const state = new CycleState();
  nodeResourcesFitPlugin.preFilter(pod, state);
  return nodeResourcesFitPlugin.filter(pod, makeNodeInfo(node, ...existing), state);
}

describe('NodeResourcesFit filter', () => {
  const cases: { name: string; pod: PodLike; existing?: PodLike[]; reasons: string[] }[] = [
    { name: 'fits an empty node', pod: makePod().req({ cpu: '4', memory: '8Gi' }).obj(), reasons: [] },
    { name: 'pod requesting nothing fits', pod: makePod().req().obj(), existing: [makePod('a').req({ cpu: '4' }).obj()], reasons: [] },
    { name: 'cpu short', pod: makePod().req({ cpu: '1' }).obj(), existing: [makePod('a').uid('a').req({ cpu: '3500m' }).obj()], reasons: ['Insufficient cpu'] },
    { name: 'memory short', pod: makePod().req({ memory: '9Gi' }).obj(), reasons: ['Insufficient memory'] },
    { name: 'both short, cpu first', pod: makePod().req({ cpu: '5', memory: '9Gi' }).obj(), reasons: ['Insufficient cpu', 'Insufficient memory'] },
    { name: 'ephemeral storage', pod: makePod().req({ 'ephemeral-storage': '11Gi' }).obj(), reasons: ['Insufficient ephemeral-storage'] },
    { name: 'extended resource', pod: makePod().req({ 'example.com/gpu': 2 }).obj(), reasons: ['Insufficient example.com/gpu'] },
    { name: 'extended resource the node lacks', pod: makePod().req({ 'example.com/fpga': 1 }).obj(), reasons: ['Insufficient example.com/fpga'] },
    {
      name: 'too many pods, even requesting nothing',
      pod: makePod().req().obj(),
      existing: ['a', 'b', 'c'].map((n) => makePod(n).uid(n).obj()),
      reasons: ['Too many pods'],
    },
    {
      name: 'too many pods and cpu',
      pod: makePod().req({ cpu: '1' }).obj(),
      existing: ['a', 'b', 'c'].map((n) => makePod(n).uid(n).req({ cpu: '1500m' }).obj()),
      reasons: ['Too many pods', 'Insufficient cpu'],
    },
    { name: 'init container peak counts', pod: makePod().req({ cpu: '1' }).initReq({ cpu: '5' }).obj(), reasons: ['Insufficient cpu'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = filter(c.pod, ...(c.existing ?? []));
      expect(s.reasons).toEqual(c.reasons);
      expect(s.code).toBe(c.reasons.length ? 'Unschedulable' : 'Success');
    });
  }
});

describe('LeastAllocated score', () => {
  it.each([
    [0, 4000, 100],
    [1000, 4000, 75],
    [3999, 4000, 0],
    [4000, 4000, 0],
    [5000, 4000, 0],
    [1, 0, 0],
  ])('leastRequestedScore(%i, %i) = %i', (req, cap, want) => {
    expect(leastRequestedScore(req, cap)).toBe(want);
  });

  it('averages by weight and skips resources the node lacks', () => {
    expect(leastAllocatedScore([{ requested: 1000, allocatable: 4000, weight: 1 }, { requested: 0, allocatable: 100, weight: 1 }])).toBe(87);
    expect(leastAllocatedScore([{ requested: 1000, allocatable: 4000, weight: 1 }, { requested: 5, allocatable: 0, weight: 1 }])).toBe(75);
    expect(leastAllocatedScore([])).toBe(0);
  });

  it('scores with the non-zero requests of the node and pod', () => {
    const n = makeNode('n').alloc({ cpu: '1', memory: '1000Mi', pods: 10 }).obj();
    // Existing pod with no requests counts 100m/200Mi; so does the incoming one.
    const ni = makeNodeInfo(n, makePod('a').uid('a').req().obj());
    const pod = makePod().req().obj();
    const state = new CycleState();
    nodeResourcesFitPlugin.preScore(pod, state, [ni]);
    // cpu: (1000-200)*100/1000 = 80; memory: (1000-400)*100/1000 = 60 → 70.
    expect(nodeResourcesFitPlugin.score(pod, ni, state)).toBe(70);
  });
});
