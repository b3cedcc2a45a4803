import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../api/apps/schemas.js';
import type { Pod } from '../../api/core/pod.js';
import type { PodDisruptionBudgetSpec } from '../../api/policy/pdb.js';
import { expectedPodCount, expectedScale, groupOf, workloadFinders, type WorkloadLookup } from './expected-pods.js';
import { deployment, deploymentRef, pod, replicaSet, rsRef } from './test-builders.js';

function lookupOf(rss: ReplicaSet[], ds: Deployment[]): WorkloadLookup {
  return {
    replicaSet: (ns, name) => rss.find((r) => r.metadata.namespace === ns && r.metadata.name === name),
    deployment: (ns, name) => ds.find((d) => d.metadata.namespace === ns && d.metadata.name === name),
  };
}

/** web-1 (owned by Deployment web, 5 replicas) and a bare ReplicaSet solo with 2. */
const finders = workloadFinders(
  lookupOf([replicaSet('web-1', 3, deploymentRef('web')), replicaSet('web-0', 0, deploymentRef('web')), replicaSet('solo', 2)], [deployment('web', 5)]),
);
const ofDeployment = (n: number, rs = 'web-1'): Pod[] => Array.from({ length: n }, (_, i) => pod(`${rs}-${i}`).ownedBy(rsRef(rs)).obj());

describe('groupOf', () => {
  it.each([
    ['apps/v1', 'apps'],
    ['v1', ''],
    ['extensions/v1beta1', 'extensions'],
    [undefined, ''],
  ])('%s → %j', (v, g) => expect(groupOf(v)).toBe(g));
});

describe('expectedScale', () => {
  it.each<{ name: string; pods: Pod[]; expected: number; unmanaged?: string[] }>([
    { name: 'no pods', pods: [], expected: 0 },
    { name: 'ReplicaSet of a Deployment: the Deployment’s replicas, counted once', pods: ofDeployment(3), expected: 5 },
    { name: 'two ReplicaSets of one Deployment count the Deployment once', pods: [...ofDeployment(2), ...ofDeployment(1, 'web-0')], expected: 5 },
    { name: 'a bare ReplicaSet: its own replicas', pods: [pod('s').ownedBy(rsRef('solo')).obj()], expected: 2 },
    { name: 'Deployment and bare ReplicaSet add up', pods: [...ofDeployment(1), pod('s').ownedBy(rsRef('solo')).obj()], expected: 7 },
    { name: 'pods without a controller are unmanaged', pods: [pod('lone').obj(), ...ofDeployment(1)], expected: 5, unmanaged: ['lone'] },
    { name: 'extensions group is accepted', pods: [pod('s').ownedBy(rsRef('solo', 'extensions/v1beta1')).obj()], expected: 2 },
  ])('$name', ({ pods, expected, unmanaged }) => {
    expect(expectedScale(pods, finders)).toEqual({ expectedCount: expected, unmanagedPods: unmanaged ?? [] });
  });

  it.each<{ name: string; pod: Pod }>([
    { name: 'a controller of an unknown kind', pod: pod('j').ownedBy({ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u', controller: true }).obj() },
    { name: 'a ReplicaSet that is gone', pod: pod('g').ownedBy(rsRef('gone')).obj() },
    { name: 'a ReplicaSet with another UID', pod: pod('x').ownedBy({ ...rsRef('solo'), uid: 'other' }).obj() },
    { name: 'a ReplicaSet in the wrong group', pod: pod('y').ownedBy(rsRef('solo', 'example.com/v1')).obj() },
  ])('fails for $name', ({ pod: p }) => {
    expect(() => expectedScale([p], finders)).toThrow(`found no controllers for pod "${p.metadata.name}"`);
  });

  it('a ReplicaSet whose Deployment is gone has no scale', () => {
    const orphaned = workloadFinders(lookupOf([replicaSet('web-1', 3, deploymentRef('web'))], []));
    expect(() => expectedScale(ofDeployment(1), orphaned)).toThrow('found no controllers');
  });

  it('spec.replicas defaults to 1', () => {
    const f = workloadFinders(lookupOf([replicaSet('solo', undefined)], []));
    expect(expectedScale([pod('s').ownedBy(rsRef('solo')).obj()], f).expectedCount).toBe(1);
  });
});

describe('expectedPodCount', () => {
  // Three pods of Deployment web (5 replicas) unless a case says otherwise.
  it.each<{ name: string; spec: PodDisruptionBudgetSpec; pods?: Pod[]; expected: number; desired: number }>([
    { name: 'minAvailable int: expected = pods matched now', spec: { minAvailable: 2 }, expected: 3, desired: 2 },
    { name: 'minAvailable int above the pods', spec: { minAvailable: 7 }, expected: 3, desired: 7 },
    { name: 'minAvailable int on unmanaged pods', spec: { minAvailable: 1 }, pods: [pod('a').obj(), pod('b').obj()], expected: 2, desired: 1 },
    { name: 'minAvailable 50% of 5 rounds up', spec: { minAvailable: '50%' }, expected: 5, desired: 3 },
    { name: 'minAvailable 100%', spec: { minAvailable: '100%' }, expected: 5, desired: 5 },
    { name: 'minAvailable 0%', spec: { minAvailable: '0%' }, expected: 5, desired: 0 },
    { name: 'maxUnavailable int', spec: { maxUnavailable: 1 }, expected: 5, desired: 4 },
    { name: 'maxUnavailable 30% of 5 rounds up to 2', spec: { maxUnavailable: '30%' }, expected: 5, desired: 3 },
    { name: 'maxUnavailable above scale floors at 0', spec: { maxUnavailable: 9 }, expected: 5, desired: 0 },
    { name: 'maxUnavailable wins over the (invalid) pair', spec: { maxUnavailable: 1, minAvailable: 1 }, expected: 5, desired: 4 },
    { name: 'neither set', spec: {}, expected: 0, desired: 0 },
    { name: 'maxUnavailable with no pods', spec: { maxUnavailable: '50%' }, pods: [], expected: 0, desired: 0 },
  ])('$name', ({ spec, pods, expected, desired }) => {
    const r = expectedPodCount(spec, pods ?? ofDeployment(3), finders);
    expect([r.expectedCount, r.desiredHealthy]).toEqual([expected, desired]);
  });

  it('an int minAvailable never needs the controllers', () => {
    const orphan = pod('j').ownedBy({ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u', controller: true }).obj();
    expect(expectedPodCount({ minAvailable: 1 }, [orphan], finders).expectedCount).toBe(1);
    expect(() => expectedPodCount({ minAvailable: '10%' }, [orphan], finders)).toThrow('found no controllers for pod "j"');
  });

  it('reports unmanaged pods for percentages', () => {
    expect(expectedPodCount({ maxUnavailable: '10%' }, [pod('lone').obj()], finders)).toEqual({ expectedCount: 0, desiredHealthy: 0, unmanagedPods: ['lone'] });
  });

  it('rejects a string that is not a percentage', () => {
    expect(() => expectedPodCount({ minAvailable: 'many' }, ofDeployment(1), finders)).toThrow('invalid value for IntOrString');
  });
});
