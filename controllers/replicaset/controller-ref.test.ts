import { describe, expect, it } from 'vitest';
import { podResource } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { createFakeClient } from '../../client/fake-client.js';
import { adoptPatch, claimDecision, claimObjects, newControllerRef, releasePatch } from './controller-ref.js';
import { makePod, makeReplicaSet } from './test-builders.js';

const owner = { ...makeReplicaSet('web', 1), metadata: { name: 'web', namespace: 'default', uid: 'rs-uid' } } as KubeObject;
const mine = newControllerRef(owner, 'apps/v1', 'ReplicaSet');
const theirs = { ...mine, uid: 'other', name: 'x' };

describe('claimDecision', () => {
  const deleting = { ...owner, metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
  it.each([
    { name: 'owned and matching: claim', pod: makePod('a').owner(mine), o: owner, matches: true, want: 'claim' },
    { name: 'owned, no longer matching: release', pod: makePod('a').owner(mine), o: owner, matches: false, want: 'release' },
    { name: 'owned, not matching, owner deleting: ignore', pod: makePod('a').owner(mine), o: deleting, matches: false, want: 'ignore' },
    { name: "someone else's: ignore", pod: makePod('a').owner(theirs), o: owner, matches: true, want: 'ignore' },
    { name: 'orphan matching: adopt', pod: makePod('a'), o: owner, matches: true, want: 'adopt' },
    { name: 'orphan not matching: ignore', pod: makePod('a'), o: owner, matches: false, want: 'ignore' },
    { name: 'orphan, owner deleting: ignore', pod: makePod('a'), o: deleting, matches: true, want: 'ignore' },
    { name: 'terminating orphan: ignore', pod: makePod('a').terminating(), o: owner, matches: true, want: 'ignore' },
    { name: 'orphan in another namespace: ignore', pod: makePod('a', 'other'), o: owner, matches: true, want: 'ignore' },
  ])('$name', ({ pod, o, matches, want }) => {
    expect(claimDecision(pod.obj(), o, matches)).toBe(want);
  });
});

describe('patches', () => {
  it('adopts by adding the controller reference, keeping others, with a resourceVersion precondition', () => {
    const pod = makePod('a').owner({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'cm' }).obj();
    pod.metadata.resourceVersion = '7';
    expect(adoptPatch(pod, mine)).toEqual({
      metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'cm' }, mine], resourceVersion: '7' },
    });
  });

  it('releases by removing only its own reference (null when none remain)', () => {
    const pod = makePod('a').owner(mine).obj();
    expect(releasePatch(pod, 'rs-uid')).toEqual({ metadata: { ownerReferences: null, resourceVersion: undefined } });
  });
});

describe('claimObjects', () => {
  it('adopts once the owner is rechecked, and refuses when the recheck fails', async () => {
    const client = createFakeClient();
    const created = await client.create<KubeObject>(podResource, { ...makePod('a').obj(), metadata: { name: 'a', namespace: 'default', labels: { app: 'web' } } });
    const claimed = await claimObjects({
      client,
      ref: podResource,
      owner,
      ownerRef: mine,
      candidates: [created],
      matches: () => true,
      canAdopt: async () => undefined,
    });
    expect(claimed[0]!.metadata.ownerReferences).toEqual([mine]);
    const orphan = await client.create<KubeObject>(podResource, { ...makePod('b').obj(), metadata: { name: 'b', namespace: 'default' } });
    await expect(
      claimObjects({ client, ref: podResource, owner, ownerRef: mine, candidates: [orphan], matches: () => true, canAdopt: async () => Promise.reject(new Error('gone')) }),
    ).rejects.toThrow('gone');
    expect((await client.get(podResource, 'b', { namespace: 'default' })).metadata.ownerReferences).toBeUndefined();
  });
});
