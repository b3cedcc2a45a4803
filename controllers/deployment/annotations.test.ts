import { describe, expect, it } from 'vitest';
import { maxRevision, revisionOf, setNewReplicaSetAnnotations } from './annotations.js';
import { makeDeployment, makeRS } from './test-builders.js';

describe('setNewReplicaSetAnnotations', () => {
  it('gives a new ReplicaSet the revision, replicas annotations and the Deployment annotations', () => {
    const d = makeDeployment('web', 4);
    d.metadata.annotations = {
      'kubernetes.io/change-cause': 'kubectl set image',
      'deployment.kubernetes.io/revision': '7',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    };
    const rs = makeRS('new', { replicas: 0 });
    expect(setNewReplicaSetAnnotations(d, rs, 3, false, 1)).toBe(true);
    expect(rs.metadata.annotations).toEqual({
      'kubernetes.io/change-cause': 'kubectl set image',
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
    });
  });

  it.each([
    { name: 'rollback: old number kept in the history', revision: 1, history: undefined, next: 4, want: { rev: '4', history: '1' } },
    { name: 'history grows', revision: 2, history: '1', next: 5, want: { rev: '5', history: '1,2' } },
    { name: 'never lowered', revision: 6, history: undefined, next: 4, want: { rev: '6', history: undefined } },
  ])('$name', ({ revision, history, next, want }) => {
    const rs = makeRS('old', { replicas: 0, revision });
    if (history) rs.metadata.annotations!['deployment.kubernetes.io/revision-history'] = history;
    setNewReplicaSetAnnotations(makeDeployment('web', 1), rs, next, true, 0);
    expect(rs.metadata.annotations!['deployment.kubernetes.io/revision']).toBe(want.rev);
    expect(rs.metadata.annotations!['deployment.kubernetes.io/revision-history']).toBe(want.history);
  });

  it('reports no change for an up-to-date ReplicaSet', () => {
    const rs = makeRS('cur', { replicas: 1, revision: 2 });
    expect(setNewReplicaSetAnnotations(makeDeployment('web', 1), rs, 2, true, 0)).toBe(false);
  });
});

describe('revisions', () => {
  it('reads and maximises revisions, skipping bad ones', () => {
    const bad = makeRS('bad', { replicas: 0 });
    bad.metadata.annotations!['deployment.kubernetes.io/revision'] = 'x';
    expect(revisionOf(bad)).toBeUndefined();
    expect(revisionOf(makeRS('none', { replicas: 0 }))).toBe(0);
    expect(maxRevision([makeRS('a', { replicas: 0, revision: 3 }), bad, makeRS('b', { replicas: 0, revision: 5 })])).toBe(5);
  });
});
