import { describe, expect, it } from 'vitest';
import { CycleState } from '../framework.js';
import { makeNode, makeNodeInfo, makePod } from '../testing/builders.js';
import { balancedAllocationPlugin, balancedScore } from './balanced-allocation.js';

describe('balancedScore', () => {
  it.each([
    { req: [2000, 4096], alloc: [4000, 8192], want: 100 },
    { req: [1000, 0], alloc: [4000, 8192], want: 87 }, // |0.25 - 0| / 2 = 0.125
    { req: [4000, 0], alloc: [4000, 8192], want: 50 },
    { req: [8000, 0], alloc: [4000, 8192], want: 50 }, // fraction capped at 1
    { req: [1000, 50], alloc: [4000, 0], want: 100 }, // one resource left: std 0
    { req: [3, 1, 2], alloc: [4, 4, 4], want: 79 }, // std of .75,.25,.5 = 0.2041
  ])('$req / $alloc → $want', ({ req, alloc, want }) => {
    expect(balancedScore(req, alloc)).toBe(want);
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  const node = makeNode('n').alloc({ cpu: '4', memory: '8Gi', pods: 110 }).obj();

  it('skips pods that request neither cpu nor memory', () => {
    expect(balancedAllocationPlugin.preScore(makePod().req().obj(), new CycleState(), []).code).toBe('Skip');
  });

  it('prefers the node where the pod evens usage out', () => {
    const pod = makePod().req({ cpu: '1', memory: '1Gi' }).obj();
    const state = new CycleState();
    expect(balancedAllocationPlugin.preScore(pod, state, []).code).toBe('Success');
    const cpuHeavy = makeNodeInfo(node, makePod('a').uid('a').req({ cpu: '2' }).obj());
    const memHeavy = makeNodeInfo(node, makePod('b').uid('b').req({ cpu: '1', memory: '3Gi' }).obj());
    // cpuHeavy: cpu .75, mem .125 → 68; memHeavy: cpu .5, mem .5 → 100.
    expect(balancedAllocationPlugin.score(pod, cpuHeavy, state)).toBe(68);
    expect(balancedAllocationPlugin.score(pod, memHeavy, state)).toBe(100);
  });
});
