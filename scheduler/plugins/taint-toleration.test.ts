import { describe, expect, it } from 'vitest';
import { CycleState } from '../framework.js';
import { makeNode, makeNodeInfo, makePod } from '../testing/builders.js';
import type { NodeLike, PodLike } from '../types.js';
import { taintTolerationPlugin } from './taint-toleration.js';
import { toleratesTaint } from './tolerations.js';

describe('toleratesTaint', () => {
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it.each([
    [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'gpu' }, true], // operator defaults to Equal, empty effect matches all
    [{ key: 'dedicated', value: 'cpu' }, false],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ key: 'other', operator: 'Exists' }, false],
    [{ operator: 'Exists' }, true],
    [{ operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'dedicated', operator: 'Bogus', value: 'gpu' }, false],
  ])('%j → %s', (t, want) => {
    expect(toleratesTaint(t, taint)).toBe(want);
  });
});

describe('TaintToleration filter', () => {
  const cases: { name: string; node: NodeLike; pod: PodLike; reason?: string }[] = [
    { name: 'no taints', node: makeNode('n').obj(), pod: makePod().obj() },
    {
      name: 'control-plane taint without value',
      node: makeNode('n').taint('node-role.kubernetes.io/control-plane').obj(),
      pod: makePod().obj(),
      reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
    },
    {
      name: 'NoExecute counts too',
      node: makeNode('n').taint('k', 'v', 'NoExecute').obj(),
      pod: makePod().obj(),
      reason: 'node(s) had untolerated taint {k: v}',
    },
    { name: 'PreferNoSchedule does not filter', node: makeNode('n').taint('k', 'v', 'PreferNoSchedule').obj(), pod: makePod().obj() },
    {
      name: 'tolerated taint',
      node: makeNode('n').taint('dedicated', 'gpu').obj(),
      pod: makePod().toleration({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }).obj(),
    },
    {
      name: 'the first untolerated taint is named',
      node: makeNode('n').taint('a', '1').taint('b', '2').taint('c', '3').obj(),
      pod: makePod().toleration({ key: 'a', operator: 'Exists' }).obj(),
      reason: 'node(s) had untolerated taint {b: 2}',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = taintTolerationPlugin.filter(c.pod, makeNodeInfo(c.node), new CycleState());
      if (!c.reason) expect(s.code).toBe('Success');
      else expect(s).toMatchObject({ code: 'UnschedulableAndUnresolvable', reasons: [c.reason] });
    });
  }
});

describe('TaintToleration score', () => {
  it('prefers fewer untolerated PreferNoSchedule taints (reverse normalised)', () => {
    const pod = makePod().toleration({ key: 'ok', operator: 'Exists', effect: 'PreferNoSchedule' }).toleration({ key: 'x', operator: 'Exists', effect: 'NoSchedule' }).obj();
    const nodes = [
      makeNode('clean').obj(),
      makeNode('one').taint('a', '', 'PreferNoSchedule').taint('ok', '', 'PreferNoSchedule').obj(),
      makeNode('two').taint('a', '', 'PreferNoSchedule').taint('b', '', 'PreferNoSchedule').taint('x', '', 'PreferNoSchedule').obj(),
    ].map((n) => makeNodeInfo(n));
    const state = new CycleState();
    taintTolerationPlugin.preScore(pod, state, nodes);
    const scores = nodes.map((ni) => taintTolerationPlugin.score(pod, ni, state));
    // The NoSchedule-only toleration for x does not count for PreferNoSchedule.
    expect(scores).toEqual([0, 1, 3]);
    taintTolerationPlugin.normalize!(scores, pod, state);
    expect(scores).toEqual([100, 67, 0]);
  });

  it('all clean: all 100', () => {
    const scores = [0, 0];
    taintTolerationPlugin.normalize!(scores, makePod().obj(), new CycleState());
    expect(scores).toEqual([100, 100]);
  });
});
