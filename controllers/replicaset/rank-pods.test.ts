import { describe, expect, it } from 'vitest';
import { deleteBefore, deletionCost, POD_DELETION_COST_ANNOTATION, podsToDelete, rankPodsForDeletion } from './rank-pods.js';
import { makePod, T0 } from './test-builders.js';

const H = 3_600_000;
const NOW = T0 + 1000 * H;

describe('deleteBefore (kube ActivePodsWithRanks.Less)', () => {
  const ready = (name: string, readyAt: number) => makePod(name).node('n1').running().ready(readyAt);
  const cases = [
    { name: 'unassigned before assigned', a: makePod('a').running(), b: makePod('b').node('n1').phase('Pending'), before: true },
    { name: 'assigned after unassigned', a: makePod('a').node('n1'), b: makePod('b'), before: false },
    { name: 'Pending before Unknown', a: makePod('a').node('n1').phase('Pending'), b: makePod('b').node('n1').phase('Unknown'), before: true },
    { name: 'Unknown before Running', a: makePod('a').node('n1').phase('Unknown'), b: makePod('b').node('n1').running(), before: true },
    { name: 'Running after Pending', a: makePod('a').node('n1').running(), b: makePod('b').node('n1'), before: false },
    { name: 'not ready before ready', a: makePod('a').node('n1').running(), b: ready('b', T0), before: true },
    {
      name: 'lower deletion cost first',
      a: ready('a', T0).annotate(POD_DELETION_COST_ANNOTATION, '-5'),
      b: ready('b', NOW - 1000),
      before: true,
    },
    { name: 'more recently ready first', a: ready('a', NOW - 1000), b: ready('b', NOW - 100 * H), before: true },
    { name: 'ready longer goes later', a: ready('a', NOW - 100 * H), b: ready('b', NOW - 1000), before: false },
    { name: 'more restarts first', a: ready('a', T0).restarts(5), b: ready('b', T0).restarts(1), before: true },
    { name: 'newer first', a: makePod('a').node('n1').created(NOW - 1000), b: makePod('b').node('n1').created(NOW - 100 * H), before: true },
    { name: 'older later', a: makePod('a').node('n1').created(T0), b: makePod('b').node('n1').created(NOW - 1000), before: false },
    { name: 'equal pods: neither first', a: makePod('a').node('n1').created(T0), b: makePod('a').node('n1').created(T0), before: false },
  ];
  it.each(cases)('$name', ({ a, b, before }) => {
    expect(deleteBefore(a.obj(), 0, b.obj(), 0, NOW)).toBe(before);
  });

  it('prefers pods doubled up on a node (higher rank) when all else is equal', () => {
    const a = makePod('a').node('n1').running().obj();
    const b = makePod('b').node('n2').running().obj();
    expect(deleteBefore(a, 3, b, 1, NOW)).toBe(true);
    expect(deleteBefore(b, 1, a, 3, NOW)).toBe(false);
  });

  it('buckets ready times logarithmically and breaks ties by UID', () => {
    // 10 s and 11 s ago fall in the same log2 bucket: the smaller UID goes first.
    const a = makePod('a').node('n1').running().ready(NOW - 11_000).obj();
    const b = makePod('b').node('n1').running().ready(NOW - 10_000).obj();
    expect(deleteBefore(a, 0, b, 0, NOW)).toBe(true);
    // Without a now (exact comparison) the more recently ready pod goes first.
    expect(deleteBefore(a, 0, b, 0, 0)).toBe(false);
  });
});

describe('rankPodsForDeletion', () => {
  it('orders a mixed set least useful first', () => {
    const pods = [
      makePod('running-old').node('n1').running().ready(NOW - 500 * H).created(T0).obj(),
      makePod('unassigned').obj(),
      makePod('pending').node('n1').obj(),
      makePod('running-not-ready').node('n1').running().obj(),
      makePod('running-new').node('n1').running().ready(NOW - 1000).created(NOW - 2000).obj(),
    ];
    const order = rankPodsForDeletion(pods, { now: NOW }).map((p) => p.metadata.name);
    expect(order).toEqual(['unassigned', 'pending', 'running-not-ready', 'running-new', 'running-old']);
  });

  it('ranks by related pods on the same node', () => {
    const a = makePod('a').node('crowded').running().obj();
    const b = makePod('b').node('quiet').running().obj();
    const related = [a, b, makePod('x').node('crowded').running().obj(), makePod('y').node('crowded').terminating().obj()];
    expect(rankPodsForDeletion([b, a], { now: NOW, relatedPods: related }).map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });

  it('does not change its input', () => {
    const pods = [makePod('a').node('n1').running().obj(), makePod('b').obj()];
    rankPodsForDeletion(pods, { now: NOW });
    expect(pods.map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });
});

describe('podsToDelete', () => {
  it.each([
    { diff: 1, want: ['unassigned'] },
    { diff: 2, want: ['unassigned', 'pending'] },
    { diff: 5, want: ['ready', 'unassigned', 'pending'] },
  ])('diff $diff', ({ diff, want }) => {
    const pods = [makePod('ready').node('n1').running().ready().obj(), makePod('unassigned').obj(), makePod('pending').node('n1').obj()];
    expect(podsToDelete(pods, diff, { now: NOW }).map((p) => p.metadata.name)).toEqual(want);
  });
});

describe('deletionCost', () => {
  it.each([
    { v: undefined, want: 0 },
    { v: '10', want: 10 },
    { v: '-3', want: -3 },
    { v: 'abc', want: 0 },
    { v: '99999999999', want: 0 },
  ])('$v → $want', ({ v, want }) => {
    const b = makePod('a');
    if (v !== undefined) b.annotate(POD_DELETION_COST_ANNOTATION, v);
    expect(deletionCost(b.obj())).toBe(want);
  });
});
