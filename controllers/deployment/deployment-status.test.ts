import { describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../../api/apps/schemas.js';
import { formatTime } from '../replicaset/pod-status.js';
import { T0 } from '../replicaset/test-builders.js';
import {
  calculateStatus,
  deploymentComplete,
  getCondition,
  pausedConditionStatus,
  rolloutStatus,
  sameStatus,
  setCondition,
  stuckRequeueAfterMs,
} from './deployment-status.js';
import { makeDeployment, makeRS } from './test-builders.js';

const NOW = T0 + 60_000;
const progressing = (reason: string, at = T0, status = 'True') => ({
  type: 'Progressing',
  status,
  reason,
  message: 'm',
  lastUpdateTime: formatTime(at),
  lastTransitionTime: formatTime(at),
});

describe('calculateStatus', () => {
  it('sums the ReplicaSets and sets Available', () => {
    const d = makeDeployment('web', 3);
    const newRS = makeRS('new', { replicas: 2, available: 2 });
    const old = makeRS('old', { replicas: 2, available: 1 });
    const s = calculateStatus(d, [old, newRS], newRS, NOW);
    expect(s).toMatchObject({ observedGeneration: 1, replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 });
    expect(getCondition(s, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
  });

  it('reports minimum availability missing, and omits zero counters', () => {
    const d = makeDeployment('web', 4);
    const newRS = makeRS('new', { replicas: 4, available: 0 });
    const s = calculateStatus(d, [newRS], newRS, NOW);
    expect(s.availableReplicas).toBeUndefined();
    expect(s.unavailableReplicas).toBe(4);
    expect(getCondition(s, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  });
});

describe('setCondition', () => {
  it('keeps a condition with the same status and reason untouched', () => {
    const s: DeploymentStatus = { conditions: [progressing('ReplicaSetUpdated')] };
    setCondition(s, { ...progressing('ReplicaSetUpdated', NOW), message: 'other' });
    expect(s.conditions![0]!.message).toBe('m');
  });

  it('keeps lastTransitionTime when only the reason changes', () => {
    const s: DeploymentStatus = { conditions: [progressing('ReplicaSetUpdated')] };
    setCondition(s, progressing('NewReplicaSetAvailable', NOW));
    expect(s.conditions![0]).toMatchObject({ reason: 'NewReplicaSetAvailable', lastTransitionTime: formatTime(T0), lastUpdateTime: formatTime(NOW) });
  });
});

describe('rolloutStatus (Progressing condition)', () => {
  const rs = (replicas: number, available: number) => makeRS('web-abc', { replicas, available });
  it.each([
    {
      name: 'complete → NewReplicaSetAvailable',
      before: { replicas: 3, updatedReplicas: 3, availableReplicas: 2, conditions: [progressing('ReplicaSetUpdated')] },
      newRS: rs(3, 3),
      old: [],
      want: { status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-abc" has successfully progressed.' },
    },
    {
      name: 'progress → ReplicaSetUpdated with a fresh lastUpdateTime',
      before: { replicas: 3, updatedReplicas: 1, availableReplicas: 3, conditions: [progressing('NewReplicaSetCreated')] },
      newRS: rs(2, 0),
      old: [makeRS('old', { replicas: 3, available: 3 })],
      want: { status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-abc" is progressing.', lastUpdateTime: formatTime(NOW), lastTransitionTime: formatTime(T0) },
    },
    {
      name: 'no progress past the deadline → ProgressDeadlineExceeded',
      before: { replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, conditions: [progressing('ReplicaSetUpdated', NOW - 601_000)] },
      newRS: rs(1, 0),
      old: [makeRS('old', { replicas: 2, available: 2 })],
      want: { status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-abc" has timed out progressing.' },
    },
    {
      name: 'no progress within the deadline → unchanged',
      before: { replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, conditions: [progressing('ReplicaSetUpdated', NOW - 10_000)] },
      newRS: rs(1, 0),
      old: [makeRS('old', { replicas: 2, available: 2 })],
      want: { status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: formatTime(NOW - 10_000) },
    },
  ])('$name', ({ before, newRS, old, want }) => {
    const d = makeDeployment('web', 3);
    d.status = { observedGeneration: 1, ...before };
    const s = rolloutStatus(d, [...old, newRS], newRS, NOW);
    expect(getCondition(s, 'Progressing')).toMatchObject(want);
  });

  it('copies a ReplicaFailure from the new ReplicaSet', () => {
    const d = makeDeployment('web', 3);
    const newRS = rs(3, 0);
    newRS.status!.conditions = [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: formatTime(T0) }];
    expect(getCondition(rolloutStatus(d, [newRS], newRS, NOW), 'ReplicaFailure')).toMatchObject({ reason: 'FailedCreate', message: 'quota', lastUpdateTime: formatTime(T0) });
  });

  it('drops Progressing without a progress deadline', () => {
    const d = makeDeployment('web', 3, { progressDeadlineSeconds: undefined });
    d.status = { conditions: [progressing('ReplicaSetUpdated')] };
    expect(getCondition(rolloutStatus(d, [], undefined, NOW), 'Progressing')).toBeUndefined();
  });
});

describe('deploymentComplete', () => {
  it.each([
    { s: { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 }, want: true },
    { s: { replicas: 4, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 }, want: false },
    { s: { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 0 }, want: false },
  ])('%j', ({ s, want }) => {
    expect(deploymentComplete(makeDeployment('web', 3), s)).toBe(want);
  });
});

describe('stuckRequeueAfterMs', () => {
  it('requeues at the deadline (plus a second), not when complete', () => {
    const d = makeDeployment('web', 3);
    d.status = { conditions: [progressing('ReplicaSetUpdated', T0)] };
    expect(stuckRequeueAfterMs(d, { replicas: 3 }, NOW)).toBe(600_000 - 60_000 + 1000);
    expect(stuckRequeueAfterMs(d, { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 }, NOW)).toBeUndefined();
  });
});

describe('pausedConditionStatus', () => {
  it('sets DeploymentPaused when paused and DeploymentResumed when resumed', () => {
    const d = makeDeployment('web', 3, { paused: true });
    d.status = { conditions: [progressing('NewReplicaSetAvailable')] };
    const paused = pausedConditionStatus(d, NOW)!;
    expect(getCondition(paused, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    d.status = paused;
    expect(pausedConditionStatus(d, NOW)).toBeUndefined();
    d.spec!.paused = false;
    expect(getCondition(pausedConditionStatus(d, NOW), 'Progressing')).toMatchObject({ reason: 'DeploymentResumed', message: 'Deployment is resumed' });
  });

  it('never overwrites ProgressDeadlineExceeded', () => {
    const d = makeDeployment('web', 3, { paused: true });
    d.status = { conditions: [progressing('ProgressDeadlineExceeded', T0, 'False')] };
    expect(pausedConditionStatus(d, NOW)).toBeUndefined();
  });
});

describe('sameStatus', () => {
  it('treats absent and zero counters alike', () => {
    expect(sameStatus({ replicas: 0, conditions: [] }, {})).toBe(true);
    expect(sameStatus({ replicas: 1 }, {})).toBe(false);
  });
});
