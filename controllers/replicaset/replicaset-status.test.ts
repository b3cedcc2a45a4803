import { describe, expect, it } from 'vitest';
import { calculateReplicaSetStatus, nextAvailableAt, replicaSetStatusUnchanged } from './replicaset-status.js';
import { makePod, makeReplicaSet, T0 } from './test-builders.js';

const NOW = T0 + 60_000;

describe('calculateReplicaSetStatus', () => {
  it.each([
    {
      name: 'counts ready and available pods',
      minReady: 0,
      pods: [makePod('a').running().ready(T0), makePod('b').running(), makePod('c')],
      want: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 1, availableReplicas: 1 },
    },
    {
      name: 'minReadySeconds holds back recently ready pods',
      minReady: 30,
      pods: [makePod('a').running().ready(T0), makePod('b').running().ready(NOW - 10_000)],
      want: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1 },
    },
    {
      name: 'fully labeled needs every template label',
      minReady: 0,
      pods: [makePod('a').labels({ app: 'web' }), makePod('b').labels({ app: 'web', tier: 'x' })],
      templateLabels: { app: 'web', tier: 'x' },
      want: { replicas: 2, fullyLabeledReplicas: 1, readyReplicas: 0, availableReplicas: 0 },
    },
  ])('$name', ({ minReady, pods, want, templateLabels }) => {
    const rs = makeReplicaSet('rs', 3, { minReadySeconds: minReady });
    if (templateLabels) rs.spec!.template!.metadata!.labels = templateLabels;
    const status = calculateReplicaSetStatus(rs, pods.map((p) => p.obj()), undefined, NOW);
    expect(status).toMatchObject(want);
  });

  it('adds ReplicaFailure on a create error and removes it on success', () => {
    const rs = makeReplicaSet('rs', 3);
    const failed = calculateReplicaSetStatus(rs, [], new Error('pods "rs-x" is forbidden: exceeded quota'), NOW);
    expect(failed.conditions).toEqual([
      { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "rs-x" is forbidden: exceeded quota', lastTransitionTime: '2026-01-01T00:01:00Z' },
    ]);
    rs.status = failed;
    expect(calculateReplicaSetStatus(rs, [], undefined, NOW).conditions).toBeUndefined();
  });

  it('reports FailedDelete when over the count', () => {
    const rs = makeReplicaSet('rs', 0);
    const status = calculateReplicaSetStatus(rs, [makePod('a').obj()], new Error('boom'), NOW);
    expect(status.conditions?.[0]?.reason).toBe('FailedDelete');
  });
});

describe('replicaSetStatusUnchanged', () => {
  it('needs observedGeneration to match the generation', () => {
    const rs = makeReplicaSet('rs', 0);
    rs.metadata.generation = 2;
    rs.status = { replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 };
    const next = calculateReplicaSetStatus(rs, [], undefined, NOW);
    expect(replicaSetStatusUnchanged(rs, next)).toBe(false);
    rs.status.observedGeneration = 2;
    expect(replicaSetStatusUnchanged(rs, next)).toBe(true);
  });
});

describe('nextAvailableAt', () => {
  it('is when the first ready pod passes minReadySeconds', () => {
    const rs = makeReplicaSet('rs', 2, { minReadySeconds: 30 });
    const pods = [makePod('a').running().ready(NOW - 10_000).obj(), makePod('b').running().ready(NOW - 20_000).obj()];
    expect(nextAvailableAt(rs, pods, NOW)).toBe(NOW + 10_000 + 1);
    expect(nextAvailableAt(makeReplicaSet('rs', 2), pods, NOW)).toBeUndefined();
  });
});
