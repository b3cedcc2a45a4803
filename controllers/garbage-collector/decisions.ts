import type { KubeObject, OwnerReference } from '../../api/types.js';
import { FINALIZER_DELETE_DEPENDENTS, FINALIZER_ORPHAN } from './graph.js';

/**
 * The garbage collector's decisions, as pure functions over what the workers read live
 * from the apiserver (kube's classifyReferences and the switch in attemptToDeleteItem).
 */

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

/**
 * solid: the owner exists and is not waiting for its dependents;
 * dangling: the owner does not exist (NotFound, or the name now has another uid);
 * waiting: the owner is being deleted in the foreground (it waits for this dependent).
 */
export type ReferenceState = 'solid' | 'dangling' | 'waiting';

/** The state of one reference given the live owner (undefined when the GET said NotFound). */
export function referenceState(ref: OwnerReference, owner: KubeObject | undefined): ReferenceState {
  if (!owner || owner.metadata.uid !== ref.uid) return 'dangling';
  const m = owner.metadata;
  if (m.deletionTimestamp && (m.finalizers ?? []).includes(FINALIZER_DELETE_DEPENDENTS)) return 'waiting';
  return 'solid';
}

export interface ClassifiedReference {
  ref: OwnerReference;
  state: ReferenceState;
}

export type DependentDecision =
  /** Nothing to do: no owners, or every owner is solid. */
  | { action: 'none' }
  /** Some owners are solid: drop only the references to absent or waiting owners. */
  | { action: 'removeOwnerReferences'; uids: string[] }
  /**
   * No solid owner left: delete. unblockFirst: clear blockOwnerDeletion on the object's
   * references before deleting (breaks a foreground cycle between owner and dependent).
   */
  | { action: 'delete'; policy: PropagationPolicy; unblockFirst: boolean };

export interface DependentFacts {
  references: ClassifiedReference[];
  /** The live object's finalizers. */
  finalizers: readonly string[];
  /** The graph knows dependents of this object. */
  hasDependents: boolean;
  /** One of those dependents is itself being deleted in the foreground. */
  aDependentIsDeletingDependents: boolean;
}

export function decideForDependent(f: DependentFacts): DependentDecision {
  if (f.references.length === 0) return { action: 'none' };
  const solid = f.references.filter((r) => r.state === 'solid');
  const dangling = f.references.filter((r) => r.state === 'dangling');
  const waiting = f.references.filter((r) => r.state === 'waiting');
  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return { action: 'none' };
    return { action: 'removeOwnerReferences', uids: [...dangling, ...waiting].map((r) => r.ref.uid) };
  }
  if (waiting.length > 0 && f.hasDependents) {
    // An owner waits for this object, and this object has dependents of its own: delete
    // it in the foreground too, so the owner goes only after the whole subtree.
    return { action: 'delete', policy: 'Foreground', unblockFirst: f.aDependentIsDeletingDependents };
  }
  // Only absent or waiting owners: collect it, honouring a propagation it already asked for.
  let policy: PropagationPolicy = 'Background';
  if (f.finalizers.includes(FINALIZER_ORPHAN)) policy = 'Orphan';
  else if (f.finalizers.includes(FINALIZER_DELETE_DEPENDENTS)) policy = 'Foreground';
  return { action: 'delete', policy, unblockFirst: false };
}

/** A copy of obj without references to uids, or null when it has none of them. */
export function withoutOwnerReferences<T extends KubeObject>(obj: T, uids: readonly string[]): T | null {
  const refs = obj.metadata.ownerReferences ?? [];
  const kept = refs.filter((r) => !uids.includes(r.uid));
  if (kept.length === refs.length) return null;
  const next = structuredClone(obj);
  if (kept.length > 0) next.metadata.ownerReferences = kept;
  else delete next.metadata.ownerReferences;
  return next;
}

/** A copy of obj whose references no longer block owner deletion, or null if none did. */
export function withUnblockedOwnerReferences<T extends KubeObject>(obj: T): T | null {
  const refs = obj.metadata.ownerReferences ?? [];
  if (!refs.some((r) => r.blockOwnerDeletion)) return null;
  const next = structuredClone(obj);
  next.metadata.ownerReferences = refs.map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r));
  return next;
}

/** A copy of obj without finalizer f, or null when it does not carry f. */
export function withoutFinalizer<T extends KubeObject>(obj: T, f: string): T | null {
  const finalizers = obj.metadata.finalizers ?? [];
  if (!finalizers.includes(f)) return null;
  const next = structuredClone(obj);
  const kept = finalizers.filter((x) => x !== f);
  if (kept.length > 0) next.metadata.finalizers = kept;
  else delete next.metadata.finalizers;
  return next;
}

/** Same owner references, in order (kube compares them before retrying a conflicting delete). */
export function sameOwnerReferences(a: readonly OwnerReference[] | undefined, b: readonly OwnerReference[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}
