import { describe, expect, it } from 'vitest';
import { failureConditions, mergeConditions, NAMESPACE_CONDITION_TYPES, type DeletionReport, type NamespaceCondition } from './namespace-conditions.js';

const report = (r: Partial<DeletionReport>): DeletionReport => ({ contentErrors: [], remaining: new Map(), finalizers: new Map(), ...r });
const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';

describe('failureConditions', () => {
  it.each<[string, Partial<DeletionReport>, NamespaceCondition[]]>([
    ['nothing wrong', {}, []],
    [
      'content and finalizers remain',
      { remaining: new Map([['pods.', 2], ['configmaps.', 1]]), finalizers: new Map([['example.com/hold', 1]]) },
      [
        { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: configmaps. has 1 resource instances, pods. has 2 resource instances' },
        { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances' },
      ],
    ],
    [
      'a deletion failed',
      { contentErrors: ['boom'] },
      [{ type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: 'Failed to delete all resource types, 1 remaining: boom' }],
    ],
    [
      'discovery failed',
      { discoveryError: 'no discovery' },
      [{ type: 'NamespaceDeletionDiscoveryFailure', status: 'True', reason: 'DiscoveryFailed', message: 'no discovery' }],
    ],
  ])('%s', (_name, r, expected) => {
    expect(failureConditions(report(r))).toEqual(expected);
  });
});

describe('mergeConditions', () => {
  it('sets every managed type, False with the ok reason when nothing failed', () => {
    const { conditions, changed } = mergeConditions(undefined, [], T0);
    expect(changed).toBe(true);
    expect(conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered'],
      ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions'],
      ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted'],
      ['NamespaceContentRemaining', 'False', 'ContentRemoved'],
      ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers'],
    ]);
    expect(conditions.every((c) => c.lastTransitionTime === T0)).toBe(true);
  });

  it('moves lastTransitionTime only when the status flips, and reports no change when equal', () => {
    const first = mergeConditions([{ type: 'Other', status: 'True' }], failureConditions(report({ remaining: new Map([['pods.', 1]]) })), T0).conditions;
    expect(first[0]).toEqual({ type: 'Other', status: 'True' });
    expect(mergeConditions(first, failureConditions(report({ remaining: new Map([['pods.', 1]]) })), T1).changed).toBe(false);

    const fewer = mergeConditions(first, failureConditions(report({ remaining: new Map([['pods.', 3]]) })), T1);
    const remaining = fewer.conditions.find((c) => c.type === 'NamespaceContentRemaining')!;
    expect(fewer.changed).toBe(true);
    expect(remaining.message).toContain('pods. has 3');
    expect(remaining.lastTransitionTime).toBe(T0);

    const done = mergeConditions(fewer.conditions, [], T1).conditions.find((c) => c.type === 'NamespaceContentRemaining')!;
    expect(done).toMatchObject({ status: 'False', reason: 'ContentRemoved', lastTransitionTime: T1 });
    expect(NAMESPACE_CONDITION_TYPES).toHaveLength(5);
  });
});
