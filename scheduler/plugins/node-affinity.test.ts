import { describe, expect, it } from 'vitest';
import { CycleState } from '../framework.js';
import { makeNode, makeNodeInfo, makePod } from '../testing/builders.js';
import type { NodeSelectorRequirementLike, PodLike } from '../types.js';
import { ERR_REASON_AFFINITY_CONFLICT, ERR_REASON_NODE_AFFINITY, nodeAffinityPlugin, requiredNodeNames } from './node-affinity.js';
import { matchesLabelRequirement, matchesTerm } from './node-selector.js';

const labels = { zone: 'a', tier: 'gold', cores: '16', bad: 'x1' };

describe('matchesLabelRequirement', () => {
  const r = (key: string, operator: string, values?: string[]): NodeSelectorRequirementLike => ({ key, operator, values });
  it.each([
    [r('zone', 'In', ['a', 'b']), true],
    [r('zone', 'In', ['b']), false],
    [r('missing', 'In', ['a']), false],
    [r('zone', 'NotIn', ['b']), true],
    [r('zone', 'NotIn', ['a']), false],
    [r('missing', 'NotIn', ['a']), true],
    [r('zone', 'Exists'), true],
    [r('missing', 'Exists'), false],
    [r('missing', 'DoesNotExist'), true],
    [r('zone', 'DoesNotExist'), false],
    [r('cores', 'Gt', ['8']), true],
    [r('cores', 'Gt', ['16']), false],
    [r('cores', 'Lt', ['32']), true],
    [r('cores', 'Lt', ['-1']), false],
    [r('bad', 'Gt', ['1']), false], // label not an integer
    [r('missing', 'Lt', ['1']), false],
    [r('cores', 'Gt', ['x']), false], // malformed requirement
    [r('zone', 'In', []), false], // malformed: In needs values
    [r('zone', 'Exists', ['a']), false], // malformed: Exists takes none
    [r('zone', 'Like', ['a']), false],
  ])('%j → %s', (req, want) => {
    expect(matchesLabelRequirement(req, labels)).toBe(want);
  });
});

describe('matchesTerm', () => {
  it('ANDs expressions and fields; an empty term matches nothing', () => {
    expect(matchesTerm({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, labels, 'n1')).toBe(true);
    expect(matchesTerm({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }, labels, 'n1')).toBe(false);
    expect(matchesTerm({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n2'] }] }, labels, 'n1')).toBe(true);
    expect(matchesTerm({ matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['n1'] }] }, labels, 'n1')).toBe(false);
    expect(matchesTerm({}, labels, 'n1')).toBe(false);
  });
});

describe('NodeAffinity filter', () => {
  const node = makeNode('n1').label('zone', 'a').label('disk', 'ssd').obj();
  const cases: { name: string; pod: PodLike; ok: boolean }[] = [
    { name: 'no constraints', pod: makePod().obj(), ok: true },
    { name: 'nodeSelector matches', pod: makePod().nodeSelector({ zone: 'a', disk: 'ssd' }).obj(), ok: true },
    { name: 'nodeSelector misses', pod: makePod().nodeSelector({ zone: 'b' }).obj(), ok: false },
    { name: 'required term matches', pod: makePod().requiredTerm([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]).obj(), ok: true },
    { name: 'required term misses', pod: makePod().requiredTerm([{ key: 'zone', operator: 'NotIn', values: ['a'] }]).obj(), ok: false },
    {
      name: 'terms are ORed',
      pod: makePod().requiredTerm([{ key: 'zone', operator: 'In', values: ['b'] }]).requiredTerm([{ key: 'disk', operator: 'Exists' }]).obj(),
      ok: true,
    },
    {
      name: 'nodeSelector AND affinity',
      pod: makePod().nodeSelector({ zone: 'b' }).requiredTerm([{ key: 'disk', operator: 'Exists' }]).obj(),
      ok: false,
    },
    { name: 'matchFields metadata.name', pod: makePod().requiredTerm([], [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]).obj(), ok: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = nodeAffinityPlugin.filter(c.pod, makeNodeInfo(node), new CycleState());
      if (c.ok) expect(s.code).toBe('Success');
      else expect(s).toMatchObject({ code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_NODE_AFFINITY] });
    });
  }
});

describe('NodeAffinity PreFilter', () => {
  const field = (...names: string[]) => [{ key: 'metadata.name', operator: 'In', values: names }];
  it('skips pods without selector or required affinity', () => {
    expect(nodeAffinityPlugin.preFilter(makePod().preferredTerm(1, []).obj(), new CycleState()).status.code).toBe('Skip');
  });
  it('narrows to the node names every term pins', () => {
    const pod = makePod().requiredTerm([], field('n1', 'n2')).requiredTerm([], field('n3')).obj();
    const out = nodeAffinityPlugin.preFilter(pod, new CycleState());
    expect(out.status.code).toBe('Success');
    expect([...out.nodeNames!].sort()).toEqual(['n1', 'n2', 'n3']);
  });
  it('does not narrow when one term is label-based', () => {
    const pod = makePod().requiredTerm([], field('n1')).requiredTerm([{ key: 'zone', operator: 'Exists' }]).obj();
    expect(requiredNodeNames(pod)).toBeUndefined();
    expect(nodeAffinityPlugin.preFilter(pod, new CycleState()).nodeNames).toBeUndefined();
  });
  it('rejects terms that pin no node at all', () => {
    const pod = makePod().requiredTerm([], [...field('n1'), ...field('n2')]).obj();
    expect(nodeAffinityPlugin.preFilter(pod, new CycleState()).status).toMatchObject({
      code: 'UnschedulableAndUnresolvable',
      reasons: [ERR_REASON_AFFINITY_CONFLICT],
    });
  });
});

describe('NodeAffinity score', () => {
  it('sums the weights of matching preferred terms, normalised to 100', () => {
    const pod = makePod()
      .preferredTerm(5, [{ key: 'zone', operator: 'In', values: ['a'] }])
      .preferredTerm(3, [{ key: 'disk', operator: 'Exists' }])
      .preferredTerm(0, [{ key: 'zone', operator: 'Exists' }])
      .obj();
    const nodes = [
      makeNode('both').label('zone', 'a').label('disk', 'ssd').obj(),
      makeNode('zone').label('zone', 'a').obj(),
      makeNode('none').label('zone', 'b').obj(),
    ].map((n) => makeNodeInfo(n));
    const state = new CycleState();
    expect(nodeAffinityPlugin.preScore(pod, state, nodes).code).toBe('Success');
    const scores = nodes.map((ni) => nodeAffinityPlugin.score(pod, ni, state));
    expect(scores).toEqual([8, 5, 0]);
    nodeAffinityPlugin.normalize!(scores, pod, state);
    expect(scores).toEqual([100, 62, 0]);
  });
  it('PreScore skips pods without preferred terms', () => {
    expect(nodeAffinityPlugin.preScore(makePod().obj(), new CycleState(), []).code).toBe('Skip');
  });
});
