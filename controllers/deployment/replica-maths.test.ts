import { describe, expect, it } from 'vitest';
import { findActiveOrLatest, getProportion, isSaturated, maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts, roundHalfAway } from './replica-maths.js';
import { makeDeployment, makeRS } from './test-builders.js';
import { T0 } from '../replicaset/test-builders.js';

const rolling = (maxSurge: number | string, maxUnavailable: number | string) => ({ type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } });

describe('resolveFenceposts', () => {
  it.each([
    { surge: '25%', unavailable: '25%', desired: 10, want: [3, 2] },
    { surge: '25%', unavailable: '25%', desired: 1, want: [1, 0] },
    { surge: '50%', unavailable: '50%', desired: 3, want: [2, 1] },
    { surge: 0, unavailable: '10%', desired: 5, want: [0, 1] },
    { surge: 2, unavailable: 1, desired: 10, want: [2, 1] },
    { surge: '0%', unavailable: '100%', desired: 4, want: [0, 4] },
  ])('$surge/$unavailable of $desired', ({ surge, unavailable, desired, want }) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual(want);
  });
});

describe('maxSurge / maxUnavailable', () => {
  it.each([
    { name: 'defaults 25%', d: makeDeployment('web', 10), surge: 3, unavailable: 2 },
    { name: 'unavailable capped at replicas', d: makeDeployment('web', 3, { strategy: rolling(0, 5) }), surge: 0, unavailable: 3 },
    { name: 'zero replicas', d: makeDeployment('web', 0), surge: 0, unavailable: 0 },
    { name: 'Recreate', d: makeDeployment('web', 5, { strategy: { type: 'Recreate' } }), surge: 0, unavailable: 0 },
    { name: 'strategy missing: defaults', d: makeDeployment('web', 4, { strategy: undefined }), surge: 1, unavailable: 1 },
  ])('$name', ({ d, surge, unavailable }) => {
    expect(maxSurge(d)).toBe(surge);
    expect(maxUnavailable(d)).toBe(unavailable);
  });
});

describe('newRSNewReplicas', () => {
  it.each([
    { name: 'first surge step', d: makeDeployment('web', 10, { strategy: rolling(1, 0) }), newRS: 0, old: 10, want: 1 },
    { name: 'at the surge limit', d: makeDeployment('web', 10, { strategy: rolling(1, 0) }), newRS: 1, old: 10, want: 1 },
    { name: 'grows to replicas', d: makeDeployment('web', 10), newRS: 5, old: 3, want: 10 },
    { name: 'Recreate: all at once', d: makeDeployment('web', 10, { strategy: { type: 'Recreate' } }), newRS: 0, old: 0, want: 10 },
  ])('$name', ({ d, newRS, old, want }) => {
    const n = makeRS('new', { replicas: newRS });
    expect(newRSNewReplicas(d, [makeRS('old', { replicas: old }), n], n)).toBe(want);
  });
});

describe('getProportion', () => {
  it.each([
    { name: 'scale up share', replicas: 12, rs: 5, max: 13, toAdd: 2, added: 0, want: 1 },
    { name: 'bounded by what is left', replicas: 20, rs: 5, max: 13, toAdd: 2, added: 1, want: 1 },
    { name: 'scale down share', replicas: 3, rs: 3, max: 5, toAdd: -2, added: 0, want: -1 },
    { name: 'to zero: whole size', replicas: 0, rs: 4, max: 5, toAdd: -4, added: 0, want: -4 },
    { name: 'nothing to add', replicas: 10, rs: 4, max: 5, toAdd: 0, added: 0, want: 0 },
    { name: 'empty replica set', replicas: 10, rs: 0, max: 5, toAdd: 3, added: 0, want: 0 },
  ])('$name', ({ replicas, rs, max, toAdd, added, want }) => {
    const d = makeDeployment('web', replicas);
    expect(getProportion(makeRS('a', { replicas: rs, max }), d, toAdd, added)).toBe(want);
  });

  it('rounds halves away from zero, as Go', () => {
    expect([roundHalfAway(2.5), roundHalfAway(-2.5), roundHalfAway(1.4)]).toEqual([3, -3, 1]);
  });
});

describe('isSaturated', () => {
  it.each([
    { name: 'saturated', rs: makeRS('n', { replicas: 3, available: 3, desired: 3 }), want: true },
    { name: 'not all available', rs: makeRS('n', { replicas: 3, available: 2, desired: 3 }), want: false },
    { name: 'no desired annotation', rs: makeRS('n', { replicas: 3, available: 3 }), want: false },
    { name: 'desired differs', rs: makeRS('n', { replicas: 3, available: 3, desired: 4 }), want: false },
  ])('$name', ({ rs, want }) => {
    expect(isSaturated(makeDeployment('web', 3), rs)).toBe(want);
  });
});

describe('findActiveOrLatest', () => {
  const older = makeRS('older', { replicas: 0, createdAt: T0 });
  const newer = makeRS('newer', { replicas: 0, createdAt: T0 + 1000 });
  it.each([
    { name: 'nothing', newRS: undefined, olds: [], want: undefined },
    { name: 'none active: the new one', newRS: makeRS('new', { replicas: 0 }), olds: [older], want: 'new' },
    { name: 'none active, no new: the newest old', newRS: undefined, olds: [older, newer], want: 'newer' },
    { name: 'one active', newRS: makeRS('new', { replicas: 0 }), olds: [makeRS('busy', { replicas: 2 })], want: 'busy' },
    { name: 'two active: none', newRS: makeRS('new', { replicas: 1 }), olds: [makeRS('busy', { replicas: 2 })], want: undefined },
  ])('$name', ({ newRS, olds, want }) => {
    expect(findActiveOrLatest(newRS, olds)?.metadata.name).toBe(want);
  });
});
