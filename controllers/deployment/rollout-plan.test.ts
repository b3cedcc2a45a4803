import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from '../../api/apps/schemas.js';
import { T0 } from '../replicaset/test-builders.js';
import { maxSurge, maxUnavailable, replicasOf } from './replica-maths.js';
import { oldPodsRunning, planCleanup, planNewReplicaSet, planOldReplicaSets, planRecreateScaleDown, planScale } from './rollout-plan.js';
import { makeDeployment, makeRS } from './test-builders.js';
import { makePod } from '../replicaset/test-builders.js';

const rolling = (maxSurge: number | string, maxUnavailable: number | string) => ({ type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } });

describe('planNewReplicaSet', () => {
  it.each([
    { name: 'already at size', replicas: 3, newRS: 3, old: 0, want: undefined },
    { name: 'too large: down to replicas', replicas: 3, newRS: 5, old: 0, want: 3 },
    { name: 'surge up', replicas: 4, newRS: 0, old: 4, want: 1 },
    { name: 'surge exhausted', replicas: 4, newRS: 1, old: 4, want: undefined },
  ])('$name', ({ replicas, newRS, old, want }) => {
    const d = makeDeployment('web', replicas);
    const n = makeRS('new', { replicas: newRS });
    expect(planNewReplicaSet(d, [makeRS('old', { replicas: old }), n], n)).toBe(want);
  });
});

describe('planOldReplicaSets', () => {
  const d = makeDeployment('web', 10, { strategy: rolling(2, 2) });
  it.each([
    {
      name: 'scales old down while availability allows',
      olds: [makeRS('v1', { replicas: 10, available: 10 })],
      newRS: makeRS('v2', { replicas: 2, available: 0 }),
      want: [{ name: 'v1', from: 10, to: 8 }],
    },
    {
      name: 'cleans up unhealthy old replicas first',
      olds: [makeRS('v1', { replicas: 10, available: 8 })],
      newRS: makeRS('v2', { replicas: 0 }),
      want: [{ name: 'v1', from: 10, to: 8 }],
    },
    {
      name: 'oldest first, then the next',
      olds: [makeRS('v2', { replicas: 3, available: 3, createdAt: T0 + 1 }), makeRS('v1', { replicas: 2, available: 2, createdAt: T0 })],
      newRS: makeRS('v3', { replicas: 7, available: 7 }),
      want: [
        { name: 'v1', from: 2, to: 0 },
        { name: 'v2', from: 3, to: 1 },
      ],
    },
    {
      name: 'with maxUnavailable 0, unavailable new replicas block scale-down',
      dep: makeDeployment('web', 10, { strategy: rolling(2, 0) }),
      olds: [makeRS('v1', { replicas: 10, available: 10 })],
      newRS: makeRS('v2', { replicas: 2, available: 0 }),
      want: [],
    },
    {
      name: 'with maxUnavailable 0, available new replicas let old ones go',
      dep: makeDeployment('web', 10, { strategy: rolling(2, 0) }),
      olds: [makeRS('v1', { replicas: 10, available: 10 })],
      newRS: makeRS('v2', { replicas: 2, available: 2 }),
      want: [{ name: 'v1', from: 10, to: 8 }],
    },
  ])('$name', ({ olds, newRS, want, dep }) => {
    expect(planOldReplicaSets(dep ?? d, [...olds, newRS], olds, newRS)).toEqual(want);
  });

  it.each([
    { replicas: 10, surge: '25%', unavailable: '25%' },
    { replicas: 3, surge: 1, unavailable: 0 },
    { replicas: 5, surge: 0, unavailable: 1 },
    { replicas: 1, surge: '25%', unavailable: '25%' },
  ])('a rolling update of $replicas (surge $surge, unavailable $unavailable) completes within its bounds', ({ replicas, surge, unavailable }) => {
    const dep = makeDeployment('web', replicas, { strategy: rolling(surge, unavailable) });
    const old = makeRS('v1', { replicas, available: replicas });
    const neu = makeRS('v2', { replicas: 0, createdAt: T0 + 1 });
    const set = (rs: ReplicaSet, n: number) => {
      rs.spec!.replicas = n;
    };
    // An ideal world: every pod is available as soon as it exists.
    const settle = () => {
      for (const rs of [old, neu]) rs.status = { replicas: replicasOf(rs), availableReplicas: replicasOf(rs) };
    };
    for (let i = 0; i < 50 && !(replicasOf(neu) === replicas && replicasOf(old) === 0); i++) {
      const next = planNewReplicaSet(dep, [old, neu], neu);
      if (next !== undefined) set(neu, next);
      else for (const step of planOldReplicaSets(dep, [old, neu], replicasOf(old) > 0 ? [old] : [], neu)) set(old, step.to);
      expect(replicasOf(old) + replicasOf(neu)).toBeLessThanOrEqual(replicas + maxSurge(dep));
      expect(replicasOf(old) + replicasOf(neu)).toBeGreaterThanOrEqual(replicas - maxUnavailable(dep));
      settle();
    }
    expect([replicasOf(neu), replicasOf(old)]).toEqual([replicas, 0]);
  });
});

describe('planScale (proportional scaling, kube TestScale cases)', () => {
  const fixed = rolling(0, 0); // resolves to surge 0, unavailable 1
  const rs = (name: string, replicas: number, age: number, prev: number) =>
    makeRS(name, { replicas, createdAt: T0 + age, desired: prev, max: prev });
  it.each([
    { name: '5 → 10', to: 10, prev: 5, rss: [['v2', 2, 2], ['v1', 3, 1]], want: { v2: 4, v1: 6 } },
    { name: '5 → 3', to: 3, prev: 5, rss: [['v2', 2, 2], ['v1', 3, 1]], want: { v2: 1, v1: 2 } },
    { name: '9 → 4', to: 4, prev: 9, rss: [['v2', 8, 2], ['v1', 1, 1]], want: { v2: 4, v1: 0 } },
    { name: '7 → 10', to: 10, prev: 7, rss: [['v3', 2, 3], ['v2', 3, 2], ['v1', 2, 1]], want: { v3: 3, v2: 4, v1: 3 } },
    { name: '13 → 8', to: 8, prev: 13, rss: [['v3', 2, 3], ['v2', 8, 2], ['v1', 3, 1]], want: { v3: 1, v2: 5, v1: 2 } },
    { name: 'leftover to the largest (newest on ties): 3 → 4', to: 4, prev: 3, rss: [['v3', 1, 3], ['v2', 1, 2], ['v1', 1, 1]], want: { v3: 2, v2: 1, v1: 1 } },
  ] as const)('$name', ({ to, prev, rss, want }) => {
    const d = makeDeployment('web', to, { strategy: fixed });
    const [newRS, ...olds] = rss.map(([n, r, age]) => rs(n, r, age, prev));
    const steps = planScale(d, newRS, olds);
    const result = Object.fromEntries(steps.map((s) => [s.name, s.to]));
    expect(result).toEqual(want);
  });

  it('scales the only active ReplicaSet to spec.replicas', () => {
    const d = makeDeployment('web', 5);
    expect(planScale(d, makeRS('v2', { replicas: 3 }), [makeRS('v1', { replicas: 0 })])).toEqual([{ name: 'v2', from: 3, to: 5 }]);
  });

  it('scales old ReplicaSets to 0 under a saturated new one', () => {
    const d = makeDeployment('web', 3);
    const newRS = makeRS('v2', { replicas: 3, available: 3, desired: 3 });
    expect(planScale(d, newRS, [makeRS('v1', { replicas: 1 })])).toEqual([{ name: 'v1', from: 1, to: 0 }]);
  });
});

describe('planRecreateScaleDown / oldPodsRunning', () => {
  it('scales every active old ReplicaSet to 0', () => {
    expect(planRecreateScaleDown([makeRS('a', { replicas: 2 }), makeRS('b', { replicas: 0 })])).toEqual([{ name: 'a', from: 2, to: 0 }]);
  });

  it.each([
    { name: 'old status still reports pods', oldStatus: 1, pods: [], want: true },
    { name: 'an old pod is still running', oldStatus: 0, pods: [makePod('p').running().obj()], want: true },
    { name: 'old pods finished', oldStatus: 0, pods: [makePod('p').phase('Succeeded').obj(), makePod('q').phase('Failed').obj()], want: false },
    { name: 'nothing left', oldStatus: 0, pods: [], want: false },
  ])('$name', ({ oldStatus, pods, want }) => {
    const old = makeRS('old', { replicas: 0, statusReplicas: oldStatus });
    const neu = makeRS('new', { replicas: 0 });
    const byRS = new Map([
      ['uid-old', pods],
      ['uid-new', [makePod('n').running().obj()]],
    ]);
    expect(oldPodsRunning(neu, [old], byRS)).toBe(want);
  });
});

describe('planCleanup', () => {
  it('deletes the lowest revisions beyond the limit, only when fully scaled down', () => {
    const d = makeDeployment('web', 1, { revisionHistoryLimit: 1 });
    const olds = [
      makeRS('r3', { replicas: 0, revision: 3 }),
      makeRS('r1', { replicas: 0, revision: 1 }),
      makeRS('r2', { replicas: 1, revision: 2 }),
      makeRS('r4', { replicas: 0, revision: 4 }),
    ];
    expect(planCleanup(d, olds)).toEqual(['r1', 'r3']);
  });

  it('keeps everything without a limit or within it', () => {
    const olds = [makeRS('r1', { replicas: 0, revision: 1 })];
    expect(planCleanup(makeDeployment('web', 1, { revisionHistoryLimit: undefined }), olds)).toEqual([]);
    expect(planCleanup(makeDeployment('web', 1, { revisionHistoryLimit: 1 }), olds)).toEqual([]);
    expect(planCleanup(makeDeployment('web', 1, { revisionHistoryLimit: 0 }), olds)).toEqual(['r1']);
  });
});
