import { describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { AbsentOwnerCache } from './absent-owner-cache.js';
import {
  decideForDependent,
  referenceState,
  withoutFinalizer,
  withoutOwnerReferences,
  withUnblockedOwnerReferences,
  type DependentDecision,
  type DependentFacts,
  type ReferenceState,
} from './decisions.js';

const ref = (uid: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, ...extra });
const refs = (...states: Array<[string, ReferenceState]>) => states.map(([uid, state]) => ({ ref: ref(uid), state }));
const facts = (f: Partial<DependentFacts>): DependentFacts => ({ references: [], finalizers: [], hasDependents: false, aDependentIsDeletingDependents: false, ...f });

describe('referenceState', () => {
  const owner = (m: Partial<KubeObject['metadata']>): KubeObject => ({ metadata: { name: 'o', uid: 'u1', ...m } });
  it.each<[string, KubeObject | undefined, ReferenceState]>([
    ['not found', undefined, 'dangling'],
    ['same name, other uid', owner({ uid: 'u2' }), 'dangling'],
    ['alive', owner({}), 'solid'],
    ['deleting in background', owner({ deletionTimestamp: 'x' }), 'solid'],
    ['orphaning', owner({ deletionTimestamp: 'x', finalizers: ['orphan'] }), 'solid'],
    ['deleting in foreground', owner({ deletionTimestamp: 'x', finalizers: ['foregroundDeletion'] }), 'waiting'],
    ['foreground finalizer but not deleting', owner({ finalizers: ['foregroundDeletion'] }), 'solid'],
  ])('%s', (_name, o, expected) => {
    expect(referenceState(ref('u1'), o)).toBe(expected);
  });
});

describe('decideForDependent', () => {
  it.each<[string, Partial<DependentFacts>, DependentDecision]>([
    ['no owners', {}, { action: 'none' }],
    ['all solid', { references: refs(['a', 'solid'], ['b', 'solid']) }, { action: 'none' }],
    ['solid and dangling', { references: refs(['a', 'solid'], ['b', 'dangling']) }, { action: 'removeOwnerReferences', uids: ['b'] }],
    [
      'solid, dangling and waiting',
      { references: refs(['a', 'waiting'], ['b', 'solid'], ['c', 'dangling']) },
      { action: 'removeOwnerReferences', uids: ['c', 'a'] },
    ],
    ['only dangling', { references: refs(['a', 'dangling']) }, { action: 'delete', policy: 'Background', unblockFirst: false }],
    ['dangling, asked to orphan', { references: refs(['a', 'dangling']), finalizers: ['orphan'] }, { action: 'delete', policy: 'Orphan', unblockFirst: false }],
    [
      'dangling, asked for foreground',
      { references: refs(['a', 'dangling']), finalizers: ['foregroundDeletion'] },
      { action: 'delete', policy: 'Foreground', unblockFirst: false },
    ],
    ['waiting owner, no dependents', { references: refs(['a', 'waiting']) }, { action: 'delete', policy: 'Background', unblockFirst: false }],
    ['waiting owner, has dependents', { references: refs(['a', 'waiting']), hasDependents: true }, { action: 'delete', policy: 'Foreground', unblockFirst: false }],
    [
      'waiting owner, a dependent also waits (cycle)',
      { references: refs(['a', 'waiting']), hasDependents: true, aDependentIsDeletingDependents: true },
      { action: 'delete', policy: 'Foreground', unblockFirst: true },
    ],
    [
      'dangling and waiting, has dependents',
      { references: refs(['a', 'dangling'], ['b', 'waiting']), hasDependents: true },
      { action: 'delete', policy: 'Foreground', unblockFirst: false },
    ],
  ])('%s', (_name, f, expected) => {
    expect(decideForDependent(facts(f))).toEqual(expected);
  });
});

describe('object edits', () => {
  const o: KubeObject = {
    metadata: { name: 'x', finalizers: ['orphan', 'example.com/keep'], ownerReferences: [ref('a', { blockOwnerDeletion: true }), ref('b')] },
  };

  it('withoutOwnerReferences drops only the named uids and leaves the input alone', () => {
    expect(withoutOwnerReferences(o, ['a'])!.metadata.ownerReferences).toEqual([ref('b')]);
    expect(withoutOwnerReferences(o, ['a', 'b'])!.metadata.ownerReferences).toBeUndefined();
    expect(withoutOwnerReferences(o, ['zzz'])).toBeNull();
    expect(o.metadata.ownerReferences).toHaveLength(2);
  });

  it('withUnblockedOwnerReferences clears blockOwnerDeletion', () => {
    expect(withUnblockedOwnerReferences(o)!.metadata.ownerReferences![0]!.blockOwnerDeletion).toBe(false);
    expect(withUnblockedOwnerReferences({ metadata: { ownerReferences: [ref('b')] } })).toBeNull();
  });

  it('withoutFinalizer removes one finalizer', () => {
    expect(withoutFinalizer(o, 'orphan')!.metadata.finalizers).toEqual(['example.com/keep']);
    expect(withoutFinalizer({ metadata: { finalizers: ['orphan'] } }, 'orphan')!.metadata.finalizers).toBeUndefined();
    expect(withoutFinalizer(o, 'foregroundDeletion')).toBeNull();
  });
});

describe('AbsentOwnerCache', () => {
  const id = (uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: 'n', namespace: 'd', uid });
  it('keeps the most recently used entries within capacity', () => {
    const c = new AbsentOwnerCache(2);
    c.add(id('a'));
    c.add(id('b'));
    expect(c.has(id('a'))).toBe(true); // a is now the most recent
    c.add(id('c'));
    expect(c.has(id('b'))).toBe(false);
    expect(c.has(id('a'))).toBe(true);
    expect(c.has(id('c'))).toBe(true);
    expect(c.has({ ...id('a'), kind: 'Secret' })).toBe(false);
  });
});
