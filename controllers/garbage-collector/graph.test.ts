import { describe, expect, it } from 'vitest';
import type { OwnerReference } from '../../api/types.js';
import { createKindMapper } from './identity.js';
import { DependencyGraph, diffReferences, type ObservedObject } from './graph.js';

const mapper = createKindMapper();
const newGraph = () => new DependencyGraph((v, k) => mapper.resolve(v, k)?.namespaced);

/** Builder: obj('ReplicaSet', 'rs1').ns('default').owner(ref).deleting('foregroundDeletion').o */
function obj(kind: string, uid: string) {
  const apiVersion = kind === 'ReplicaSet' || kind === 'Deployment' ? 'apps/v1' : 'v1';
  const namespaced = kind !== 'Node' && kind !== 'Namespace';
  const o: ObservedObject = {
    identity: { apiVersion, kind, name: uid, namespace: namespaced ? 'default' : '', uid },
    ownerReferences: [],
    finalizers: [],
  };
  const b = {
    ns(namespace: string) {
      o.identity = { ...o.identity, namespace };
      return b;
    },
    owner(ref: OwnerReference) {
      o.ownerReferences = [...o.ownerReferences, ref];
      return b;
    },
    deleting(...finalizers: string[]) {
      o.deletionTimestamp = '2026-01-01T00:00:00Z';
      o.finalizers = finalizers;
      return b;
    },
    get o(): ObservedObject {
      return structuredClone(o);
    },
  };
  return b;
}

const ref = (kind: string, uid: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: kind === 'ReplicaSet' || kind === 'Deployment' ? 'apps/v1' : 'v1',
  kind,
  name: uid,
  uid,
  ...extra,
});

describe('DependencyGraph.observe', () => {
  it('links dependents to observed owners without checking anything', () => {
    const g = newGraph();
    expect(g.observe('add', obj('ReplicaSet', 'rs1').o).attemptToDelete).toEqual([]);
    const fx = g.observe('add', obj('Pod', 'p1').owner(ref('ReplicaSet', 'rs1', { blockOwnerDeletion: true })).o);
    expect(fx.attemptToDelete).toEqual([]);
    expect([...g.get('rs1')!.dependents].map((d) => d.identity.uid)).toEqual(['p1']);
    expect(g.blockingDependents(g.get('rs1')!).map((d) => d.identity.uid)).toEqual(['p1']);
  });

  it('makes a virtual node for an unseen owner and asks for it to be checked', () => {
    const g = newGraph();
    const fx = g.observe('add', obj('Pod', 'p1').owner(ref('ReplicaSet', 'ghost')).o);
    expect(fx.attemptToDelete).toEqual(['ghost']);
    const v = g.get('ghost')!;
    expect(v.observed).toBe(false);
    expect(v.identity).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ghost', namespace: 'default', uid: 'ghost' });
  });

  it('gives a virtual cluster-scoped owner no namespace', () => {
    const g = newGraph();
    g.observe('add', obj('Pod', 'p1').owner(ref('Node', 'n1')).o);
    expect(g.get('n1')!.identity.namespace).toBe('');
  });

  it('marks a virtual node observed when its informer reports it', () => {
    const g = newGraph();
    g.observe('add', obj('Pod', 'p1').owner(ref('ReplicaSet', 'rs1')).o);
    const fx = g.observe('add', obj('ReplicaSet', 'rs1').o);
    expect(g.get('rs1')!.observed).toBe(true);
    expect(g.get('rs1')!.dependents.size).toBe(1);
    expect(fx.attemptToDelete).toEqual([]);
  });

  it('re-checks dependents that named an observed owner from another namespace', () => {
    const g = newGraph();
    g.observe('add', obj('Pod', 'p1').ns('other').owner(ref('ReplicaSet', 'rs1')).o);
    const fx = g.observe('add', obj('ReplicaSet', 'rs1').o);
    expect(fx.attemptToDelete).toEqual(['p1']);
    expect(fx.invalidOwnerRefs.map((r) => r.dependent.uid)).toEqual(['p1']);
    // …and the same when the dependent comes after the owner.
    const fx2 = g.observe('add', obj('Pod', 'p2').ns('third').owner(ref('ReplicaSet', 'rs1')).o);
    expect(fx2.attemptToDelete).toEqual(['p2']);
    expect(fx2.invalidOwnerRefs.map((r) => r.dependent.uid)).toEqual(['p2']);
  });

  it('on an owner deletion, checks its dependents and remembers the owner as absent', () => {
    const g = newGraph();
    g.observe('add', obj('ReplicaSet', 'rs1').o);
    g.observe('add', obj('Pod', 'p1').owner(ref('ReplicaSet', 'rs1')).o);
    g.observe('add', obj('Pod', 'p2').owner(ref('ReplicaSet', 'rs1')).o);
    const fx = g.observe('delete', obj('ReplicaSet', 'rs1').o);
    expect(fx.attemptToDelete.sort()).toEqual(['p1', 'p2']);
    expect(fx.absentOwners.map((i) => i.uid)).toEqual(['rs1']);
    expect(g.get('rs1')).toBeUndefined();
  });

  it('orphan finalizer on a deleting owner asks for orphaning, once', () => {
    const g = newGraph();
    const live = obj('ReplicaSet', 'rs1').o;
    g.observe('add', live);
    const deleting = obj('ReplicaSet', 'rs1').deleting('orphan').o;
    expect(g.observe('update', deleting, live).attemptToOrphan).toEqual(['rs1']);
    expect(g.observe('update', deleting, deleting).attemptToOrphan).toEqual([]);
  });

  it('foregroundDeletion marks the owner and checks it and every dependent', () => {
    const g = newGraph();
    const live = obj('Deployment', 'd1').o;
    g.observe('add', live);
    g.observe('add', obj('ReplicaSet', 'rs1').owner(ref('Deployment', 'd1', { blockOwnerDeletion: true })).o);
    const fx = g.observe('update', obj('Deployment', 'd1').deleting('foregroundDeletion').o, live);
    expect(fx.attemptToDelete).toEqual(['rs1', 'd1']);
    expect(g.get('d1')!.deletingDependents).toBe(true);
    expect(g.get('d1')!.beingDeleted).toBe(true);
  });

  it('a dependent going away wakes its owner waiting in the foreground', () => {
    const g = newGraph();
    g.observe('add', obj('Deployment', 'd1').deleting('foregroundDeletion').o);
    g.observe('add', obj('ReplicaSet', 'rs1').owner(ref('Deployment', 'd1', { blockOwnerDeletion: true })).o);
    expect(g.observe('delete', obj('ReplicaSet', 'rs1').o).attemptToDelete).toEqual(['d1']);
  });

  it.each([
    ['removed blocking reference', [ref('Deployment', 'd1', { blockOwnerDeletion: true })], [], ['d1']],
    ['unblocked reference', [ref('Deployment', 'd1', { blockOwnerDeletion: true })], [ref('Deployment', 'd1', { blockOwnerDeletion: false })], ['d1']],
    ['removed non-blocking reference', [ref('Deployment', 'd1')], [], []],
  ])('reference change on a dependent: %s', (_name, before, after, expected) => {
    const g = newGraph();
    g.observe('add', obj('Deployment', 'd1').deleting('foregroundDeletion').o);
    const old: ObservedObject = { ...obj('ReplicaSet', 'rs1').o, ownerReferences: before };
    g.observe('add', old);
    const fx = g.observe('update', { ...old, ownerReferences: after }, old);
    expect(fx.attemptToDelete).toEqual(expected);
    expect(g.get('d1')!.dependents.size).toBe(after.length);
  });
});

describe('DependencyGraph.virtualDelete', () => {
  it('removes a verified-absent virtual owner and checks its dependents', () => {
    const g = newGraph();
    g.observe('add', obj('Pod', 'p1').owner(ref('ReplicaSet', 'ghost')).o);
    const fx = g.virtualDelete(g.get('ghost')!.identity);
    expect(fx.attemptToDelete).toEqual(['p1']);
    expect(fx.absentOwners.map((i) => i.uid)).toEqual(['ghost']);
    expect(g.get('ghost')).toBeUndefined();
  });

  it('keeps a virtual owner that other dependents name differently, and checks that name next', () => {
    const g = newGraph();
    g.observe('add', obj('Pod', 'p1').owner(ref('ReplicaSet', 'x')).o);
    g.observe('add', obj('Pod', 'p2').owner(ref('ConfigMap', 'x')).o);
    const fx = g.virtualDelete(g.get('x')!.identity);
    expect(fx.attemptToDelete).toEqual(['p1', 'x']);
    expect(g.get('x')!.identity.kind).toBe('ConfigMap');
    const fx2 = g.virtualDelete(g.get('x')!.identity);
    expect(fx2.attemptToDelete).toEqual(['p2']);
    expect(g.get('x')).toBeUndefined();
  });

  it('does not remove an observed node looked up by other coordinates', () => {
    const g = newGraph();
    g.observe('add', obj('ReplicaSet', 'rs1').o);
    g.observe('add', obj('Pod', 'p1').owner(ref('ConfigMap', 'rs1')).o);
    const fx = g.virtualDelete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'rs1', namespace: 'default', uid: 'rs1' });
    expect(g.get('rs1')).toBeDefined();
    expect(fx.attemptToDelete).toEqual(['p1']);
  });
});

describe('diffReferences', () => {
  it('finds added, removed and changed references by uid', () => {
    const d = diffReferences([ref('Pod', 'a'), ref('Pod', 'b', { controller: true })], [ref('Pod', 'b'), ref('Pod', 'c')]);
    expect(d.added.map((r) => r.uid)).toEqual(['c']);
    expect(d.removed.map((r) => r.uid)).toEqual(['a']);
    expect(d.changed.map((c) => c.after.uid)).toEqual(['b']);
  });
});
