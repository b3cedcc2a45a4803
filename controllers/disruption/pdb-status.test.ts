import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/core/pod.js';
import { formatTime } from '../replicaset/pod-status.js';
import {
  conditionsUpToDate,
  countHealthyPods,
  DELETION_TIMEOUT_MS,
  disruptedPodMap,
  disruptionsAllowed,
  failSafeStatus,
  nextPdbStatus,
  setStatusCondition,
} from './pdb-status.js';
import { pdb, pod, T0 } from './test-builders.js';

const at = (ms: number) => formatTime(T0 + ms);
const names = (pods: Pod[]) => pods.map((p) => p.metadata.name);

describe('disruptedPodMap', () => {
  const pods = [pod('a').ready().obj(), pod('b').ready().obj(), pod('c').ready().deleting().obj(), pod('d').ready().obj()];

  it.each<{ name: string; recorded?: Record<string, string>; now: number; kept: Record<string, string>; recheckAt?: number; notDeleted?: string[] }>([
    { name: 'nothing recorded', now: T0, kept: {} },
    { name: 'a fresh eviction is kept until its timeout', recorded: { a: at(0) }, now: T0 + 30_000, kept: { a: at(0) }, recheckAt: T0 + DELETION_TIMEOUT_MS },
    { name: 'exactly at the timeout it is still kept', recorded: { a: at(0) }, now: T0 + DELETION_TIMEOUT_MS, kept: { a: at(0) }, recheckAt: T0 + DELETION_TIMEOUT_MS },
    { name: 'past the timeout it goes and the pod is reported', recorded: { a: at(0) }, now: T0 + DELETION_TIMEOUT_MS + 1000, kept: {}, notDeleted: ['a'] },
    { name: 'a pod being deleted is dropped (deletion observed)', recorded: { c: at(0) }, now: T0, kept: {} },
    { name: 'a pod that is gone is dropped', recorded: { zz: at(0) }, now: T0, kept: {} },
    {
      name: 'recheck at the earliest expiry',
      recorded: { a: at(10_000), b: at(0), d: at(20_000) },
      now: T0 + 60_000,
      kept: { a: at(10_000), b: at(0), d: at(20_000) },
      recheckAt: T0 + DELETION_TIMEOUT_MS,
    },
  ])('$name', ({ recorded, now, kept, recheckAt, notDeleted }) => {
    const r = disruptedPodMap(pods, recorded, now);
    expect(r.kept).toEqual(kept);
    expect(r.recheckAt).toBe(recheckAt);
    expect(names(r.notDeleted)).toEqual(notDeleted ?? []);
  });
});

describe('countHealthyPods', () => {
  it.each<{ name: string; pods: Pod[]; disrupted?: Record<string, string>; now?: number; healthy: number }>([
    { name: 'Ready pods count', pods: [pod('a').ready().obj(), pod('b').ready().obj()], healthy: 2 },
    { name: 'not Ready or no condition do not', pods: [pod('a').ready('False').obj(), pod('b').obj(), pod('c').ready().obj()], healthy: 1 },
    { name: 'a pod being deleted does not', pods: [pod('a').ready().deleting().obj(), pod('b').ready().obj()], healthy: 1 },
    { name: 'a recently evicted pod does not', pods: [pod('a').ready().obj(), pod('b').ready().obj()], disrupted: { a: at(0) }, now: T0 + 1000, healthy: 1 },
    { name: 'an eviction past its timeout no longer matters', pods: [pod('a').ready().obj()], disrupted: { a: at(0) }, now: T0 + DELETION_TIMEOUT_MS, healthy: 1 },
  ])('$name', ({ pods, disrupted, now, healthy }) => {
    expect(countHealthyPods(pods, disrupted ?? {}, now ?? T0)).toBe(healthy);
  });
});

describe('disruptionsAllowed', () => {
  it.each([
    [3, 2, 3, 1],
    [3, 3, 3, 0],
    [1, 3, 3, 0],
    [5, 0, 5, 5],
    // No pods expected yet: none allowed whatever the counts.
    [2, 0, 0, 0],
  ])('healthy %i desired %i expected %i → %i', (current, desired, expected, allowed) => {
    expect(disruptionsAllowed(current, desired, expected)).toBe(allowed);
  });
});

describe('setStatusCondition', () => {
  it('adds a condition stamped now, and moves the transition time only on a status change', () => {
    const added = setStatusCondition(undefined, { type: 'X', status: 'True', reason: 'A', message: '' }, T0);
    expect(added).toEqual([{ type: 'X', status: 'True', reason: 'A', message: '', lastTransitionTime: at(0) }]);
    const sameStatus = setStatusCondition(added, { type: 'X', status: 'True', reason: 'B', message: 'm', observedGeneration: 2 }, T0 + 5000);
    expect(sameStatus[0]).toEqual({ type: 'X', status: 'True', reason: 'B', message: 'm', observedGeneration: 2, lastTransitionTime: at(0) });
    const flipped = setStatusCondition(sameStatus, { type: 'X', status: 'False', reason: 'C', message: '' }, T0 + 9000);
    expect(flipped[0]).toMatchObject({ status: 'False', reason: 'C', lastTransitionTime: at(9000) });
    // The input list is never changed.
    expect(added[0]!.reason).toBe('A');
  });
});

describe('nextPdbStatus', () => {
  const counts = (currentHealthy: number, desiredHealthy: number, expectedCount: number, disruptedPods: Record<string, string> = {}) => ({
    currentHealthy,
    desiredHealthy,
    expectedCount,
    disruptedPods,
  });

  it('a fresh budget: counts, observedGeneration and a SufficientPods condition', () => {
    const s = nextPdbStatus(pdb('p').minAvailable(2).obj(), counts(3, 2, 3), T0);
    expect(s).toEqual({
      observedGeneration: 1,
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: at(0) }],
    });
  });

  it('InsufficientPods when none may go; disruptedPods kept when not empty', () => {
    const s = nextPdbStatus(pdb('p').minAvailable(3).obj(), counts(2, 3, 3, { a: at(0) }), T0);
    expect(s).toMatchObject({ disruptionsAllowed: 0, disruptedPods: { a: at(0) }, conditions: [{ status: 'False', reason: 'InsufficientPods' }] });
  });

  it('undefined when the live status already says it all (nil and empty disruptedPods alike)', () => {
    const live = pdb('p').minAvailable(2).obj();
    live.status = nextPdbStatus(live, counts(3, 2, 3), T0);
    expect(conditionsUpToDate(live)).toBe(true);
    expect(nextPdbStatus(live, counts(3, 2, 3), T0 + 1000)).toBeUndefined();
    live.status!.disruptedPods = {};
    expect(nextPdbStatus(live, counts(3, 2, 3), T0 + 1000)).toBeUndefined();
  });

  it.each<{ name: string; change: (p: ReturnType<typeof pdb>) => void }>([
    { name: 'a new generation', change: (p) => p.generation(2) },
    { name: 'a decremented disruptionsAllowed (an eviction)', change: (p) => p.status({ disruptionsAllowed: 0 }) },
    { name: 'a recorded disruption that expired', change: (p) => p.status({ disruptedPods: { gone: at(0) } }) },
    { name: 'a SyncFailed condition', change: (p) => p.status({ conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', lastTransitionTime: at(0) }] }) },
  ])('writes again after $name', ({ change }) => {
    const b = pdb('p').minAvailable(2);
    b.status(nextPdbStatus(b.obj(), counts(3, 2, 3), T0)!);
    change(b);
    const s = nextPdbStatus(b.obj(), counts(3, 2, 3), T0 + 1000);
    expect(s).toBeDefined();
    expect(s).toMatchObject({ disruptionsAllowed: 1, observedGeneration: b.obj().metadata.generation });
    expect(s!.disruptedPods).toBeUndefined();
    expect(s!.conditions).toEqual([expect.objectContaining({ status: 'True', reason: 'SufficientPods' })]);
  });

  it('keeps the transition time while the condition status holds', () => {
    const b = pdb('p').minAvailable(1);
    b.status(nextPdbStatus(b.obj(), counts(3, 1, 3), T0)!);
    const s = nextPdbStatus(b.obj(), counts(2, 1, 3), T0 + 60_000)!;
    expect(s.currentHealthy).toBe(2);
    expect(s.conditions![0]!.lastTransitionTime).toBe(at(0));
  });
});

describe('failSafeStatus', () => {
  it('allows nothing and says why, keeping observedGeneration and counts', () => {
    const live = pdb('p').maxUnavailable('10%').generation(3).status({ observedGeneration: 2, disruptionsAllowed: 2, currentHealthy: 5 }).obj();
    expect(failSafeStatus(live, 'found no controllers for pod "x"', T0)).toEqual({
      observedGeneration: 2,
      disruptionsAllowed: 0,
      currentHealthy: 5,
      desiredHealthy: 0,
      expectedPods: 0,
      conditions: [
        { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "x"', observedGeneration: 2, lastTransitionTime: at(0) },
      ],
    });
  });
});
