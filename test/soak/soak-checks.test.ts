import { describe, expect, it } from 'vitest';
import { convergenceProblems, currentReplicaSet, duplicateReplicaSets, rsCreation, seededRandom, type SoakObject } from './soak-checks.js';

const deploy = (name: string, replicas: number, image = 'img:v1', status: Record<string, number> = {}): SoakObject => ({
  metadata: { name, uid: `d-${name}`, generation: 2, annotations: { 'deployment.kubernetes.io/revision': '1' } },
  spec: { replicas, template: { spec: { containers: [{ image }] } } },
  status: { observedGeneration: 2, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, ...status },
});

const rs = (d: SoakObject, hash: string, replicas: number, image = 'img:v1', revision = '1'): SoakObject => ({
  metadata: {
    name: `${d.metadata.name}-${hash}`,
    uid: `rs-${d.metadata.name}-${hash}`,
    labels: { 'pod-template-hash': hash },
    annotations: { 'deployment.kubernetes.io/revision': revision },
    ownerReferences: [{ kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true }],
  },
  spec: { replicas, template: { spec: { containers: [{ image }] } } },
});

const pod = (owner: SoakObject, i: number, extra: Partial<SoakObject['metadata']> = {}): SoakObject => ({
  metadata: {
    name: `${owner.metadata.name}-${i}`,
    uid: `p-${owner.metadata.name}-${i}`,
    ownerReferences: [{ kind: 'ReplicaSet', name: owner.metadata.name, uid: owner.metadata.uid, controller: true }],
    ...extra,
  },
});

describe('convergenceProblems', () => {
  const d = deploy('a', 2);
  const cur = rs(d, 'h1', 2);
  const ok = [pod(cur, 0), pod(cur, 1)];

  it.each([
    { name: 'converged', deployments: [d], sets: [cur], pods: ok, want: [] },
    { name: 'one pod short', deployments: [d], sets: [cur], pods: [pod(cur, 0)], want: ['deployment a: 1 live pods of its current ReplicaSet a-h1, want 2'] },
    {
      name: 'a terminating pod counts as neither live nor converged',
      deployments: [d],
      sets: [cur],
      pods: [...ok, pod(cur, 2, { deletionTimestamp: '2025-01-01T00:00:00Z' })],
      want: ['pod a-h1-2 is still terminating'],
    },
    {
      name: 'orphan pod without owner',
      deployments: [d],
      sets: [cur],
      pods: [...ok, { metadata: { name: 'stray', uid: 'x' } }],
      want: ['pod stray has no controller reference (orphan)'],
    },
    {
      name: 'pod owned by a vanished ReplicaSet',
      deployments: [d],
      sets: [cur],
      pods: [...ok, pod(rs(d, 'gone', 1), 0)],
      want: ['pod a-gone-0 is owned by ReplicaSet/a-gone (uid rs-a-gone), which does not exist (orphan)'],
    },
    {
      name: 'ReplicaSet of a vanished Deployment',
      deployments: [d],
      sets: [cur, rs(deploy('b', 0), 'h9', 0)],
      pods: ok,
      want: ['replicaset b-h9 has no existing Deployment as controller (orphan)'],
    },
    {
      name: 'old ReplicaSet still scaled',
      deployments: [deploy('a', 2, 'img:v2', {})],
      sets: [rs(d, 'h1', 1), rs(d, 'h2', 2, 'img:v2')],
      pods: [pod(rs(d, 'h2', 2, 'img:v2'), 0), pod(rs(d, 'h2', 2, 'img:v2'), 1)],
      want: ['deployment a: old ReplicaSet a-h1 still has 1 replicas and 0 pods'],
    },
    {
      name: 'status behind',
      deployments: [deploy('a', 2, 'img:v1', { readyReplicas: 1, observedGeneration: 1 })],
      sets: [cur],
      pods: ok,
      want: ['deployment a: observedGeneration 1 != generation 2', 'deployment a: status.readyReplicas 1, want 2'],
    },
    {
      name: 'no ReplicaSet for the current template',
      deployments: [deploy('a', 2, 'img:v3')],
      sets: [cur],
      pods: ok,
      want: ['deployment a: no ReplicaSet holds its current template'],
    },
    {
      name: 'scaled to zero: no pods, empty status',
      deployments: [{ ...deploy('z', 0), status: { observedGeneration: 2 } }],
      sets: [rs(deploy('z', 0), 'h', 0)],
      pods: [],
      want: [],
    },
  ])('$name', ({ deployments, sets, pods, want }) => {
    expect(convergenceProblems(deployments, sets, pods)).toEqual(want);
  });
});

describe('currentReplicaSet', () => {
  it('picks the owned set with the same images and revision', () => {
    const d = { ...deploy('a', 1, 'img:v2'), metadata: { ...deploy('a', 1).metadata, annotations: { 'deployment.kubernetes.io/revision': '2' } } };
    const sets = [rs(d, 'h1', 0, 'img:v1', '1'), rs(d, 'h2', 1, 'img:v2', '2'), rs(deploy('other', 1), 'h2', 1, 'img:v2', '2')];
    expect(currentReplicaSet(d, sets)?.metadata.name).toBe('a-h2');
  });
});

describe('duplicateReplicaSets', () => {
  const d = deploy('a', 1);
  it.each([
    { name: 'one per hash', sets: [rs(d, 'h1', 1), rs(d, 'h2', 1)], want: 0 },
    { name: 'the same uid replayed', sets: [rs(d, 'h1', 1), rs(d, 'h1', 1)], want: 0 },
    { name: 'two uids for one hash', sets: [rs(d, 'h1', 1), { ...rs(d, 'h1', 1), metadata: { ...rs(d, 'h1', 1).metadata, uid: 'other', name: 'a-h1-b' } }], want: 1 },
  ])('$name', ({ sets, want }) => {
    expect(duplicateReplicaSets(sets.map(rsCreation))).toHaveLength(want);
  });
});

describe('seededRandom', () => {
  it('repeats for one seed, differs across seeds, stays in [0, 1)', () => {
    const a = Array.from({ length: 5 }, seededRandom(42));
    expect(Array.from({ length: 5 }, seededRandom(42))).toEqual(a);
    expect(Array.from({ length: 5 }, seededRandom(43))).not.toEqual(a);
    const many = Array.from({ length: 1000 }, seededRandom(7));
    expect(many.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
