import type { OwnerReference } from '../../api/types.js';
import { referenceMatches, sameIdentity, type ObjectIdentity } from './identity.js';

/**
 * The garbage collector's dependency graph (kube's GraphBuilder.uidToNode and
 * processGraphChanges), kept pure: it changes only through observe() and virtualDelete()
 * and tells the caller what to do through GraphEffects — which nodes to check
 * (attemptToDelete), which owners to orphan (attemptToOrphan), which references are
 * invalid, which owners are known absent. It never talks to the apiserver: every
 * decision to delete is re-verified live by the workers, so a lagging or odd graph can
 * cause extra checks, never a wrong deletion.
 *
 * Nodes are keyed by uid. An owner referenced before it is observed gets a "virtual"
 * node (observed false) with the reference's coordinates; it becomes real when its
 * informer reports it, or is removed when a worker verifies that it does not exist.
 */

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';

export interface GraphNode {
  identity: ObjectIdentity;
  /** The object's ownerReferences as last observed (none for a virtual node). */
  owners: OwnerReference[];
  dependents: Set<GraphNode>;
  /** Seen through an informer; false for a virtual node. */
  observed: boolean;
  /** Has a deletionTimestamp. */
  beingDeleted: boolean;
  /** Being deleted in the foreground: waits for its blocking dependents to go. */
  deletingDependents: boolean;
}

/** What the graph needs to know of an observed object. */
export interface ObservedObject {
  identity: ObjectIdentity;
  ownerReferences: readonly OwnerReference[];
  deletionTimestamp?: string;
  finalizers: readonly string[];
}

export interface InvalidOwnerReference {
  dependent: ObjectIdentity;
  ownerRef: OwnerReference;
}

export interface GraphEffects {
  /** uids to check (dedup is the work queue's job). */
  attemptToDelete: string[];
  attemptToOrphan: string[];
  /** Namespaced owners referenced from another namespace (kube's OwnerRefInvalidNamespace). */
  invalidOwnerRefs: InvalidOwnerReference[];
  /** Owner identities now known not to exist. */
  absentOwners: ObjectIdentity[];
}

export type GraphEventType = 'add' | 'update' | 'delete';

/** Tells whether a kind is namespaced; undefined for a kind the apiserver does not serve. */
export type NamespacedLookup = (apiVersion: string, kind: string) => boolean | undefined;

export function emptyEffects(): GraphEffects {
  return { attemptToDelete: [], attemptToOrphan: [], invalidOwnerRefs: [], absentOwners: [] };
}

const beingDeleted = (o: ObservedObject): boolean => !!o.deletionTimestamp;
const hasFinalizer = (o: ObservedObject, f: string): boolean => o.finalizers.includes(f);

/** The object just entered "deleting with finalizer f" (it was not there in old). */
function startsWaiting(old: ObservedObject | undefined, obj: ObservedObject, f: string): boolean {
  if (!beingDeleted(obj) || !hasFinalizer(obj, f)) return false;
  return !old || !beingDeleted(old) || !hasFinalizer(old, f);
}

interface ReferenceDiff {
  added: OwnerReference[];
  removed: OwnerReference[];
  changed: Array<{ before: OwnerReference; after: OwnerReference }>;
}

function sameReference(a: OwnerReference, b: OwnerReference): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.name === b.name &&
    !!a.controller === !!b.controller &&
    !!a.blockOwnerDeletion === !!b.blockOwnerDeletion
  );
}

/** kube's referencesDiffs, by uid. */
export function diffReferences(before: readonly OwnerReference[], after: readonly OwnerReference[]): ReferenceDiff {
  const oldByUid = new Map(before.map((r) => [r.uid, r]));
  const newByUid = new Map(after.map((r) => [r.uid, r]));
  const diff: ReferenceDiff = { added: [], removed: [], changed: [] };
  for (const r of after) {
    const o = oldByUid.get(r.uid);
    if (!o) diff.added.push(r);
    else if (!sameReference(o, r)) diff.changed.push({ before: o, after: r });
  }
  for (const r of before) if (!newByUid.has(r.uid)) diff.removed.push(r);
  return diff;
}

/** Dependents whose reference to owner's uid agrees / disagrees with identity (kube's partitionDependents). */
export function partitionDependents(dependents: Iterable<GraphNode>, identity: ObjectIdentity): { matching: GraphNode[]; nonmatching: GraphNode[] } {
  const matching: GraphNode[] = [];
  const nonmatching: GraphNode[] = [];
  for (const dep of dependents) {
    const ref = dep.owners.find((r) => r.uid === identity.uid);
    if (ref && referenceMatches(ref, dep.identity.namespace, identity)) matching.push(dep);
    else nonmatching.push(dep);
  }
  return { matching, nonmatching };
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();

  constructor(private readonly isNamespaced: NamespacedLookup = () => undefined) {}

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Dependents that hold the owner back in foreground deletion: blockOwnerDeletion true. */
  blockingDependents(owner: GraphNode): GraphNode[] {
    const uid = owner.identity.uid;
    return [...owner.dependents].filter((d) => d.owners.some((r) => r.uid === uid && r.blockOwnerDeletion === true));
  }

  /** Applies one informer event. `old` is the previous state for updates, when known. */
  observe(type: GraphEventType, obj: ObservedObject, old?: ObservedObject): GraphEffects {
    const fx = emptyEffects();
    const uid = obj.identity.uid;
    if (!uid) return fx;
    let existing = this.nodes.get(uid);

    if (existing && !existing.observed && type !== 'delete') {
      // A virtual node comes true. Dependents that named it by other coordinates are
      // re-checked: their owner, as they named it, may not exist.
      if (!sameIdentity(obj.identity, existing.identity)) {
        const { nonmatching } = partitionDependents(existing.dependents, obj.identity);
        for (const dep of nonmatching) {
          if (obj.identity.namespace !== '' && dep.identity.namespace !== obj.identity.namespace) {
            const ref = dep.owners.find((r) => r.uid === uid);
            if (ref) fx.invalidOwnerRefs.push({ dependent: dep.identity, ownerRef: ref });
          }
          fx.attemptToDelete.push(dep.identity.uid);
        }
        existing.identity = obj.identity;
      }
      existing.observed = true;
    }

    if (type === 'delete') {
      if (existing) this.removeNode(existing, fx);
      return fx;
    }

    if (!existing) {
      const node: GraphNode = {
        identity: obj.identity,
        owners: [...obj.ownerReferences],
        dependents: new Set(),
        observed: true,
        beingDeleted: beingDeleted(obj),
        deletingDependents: beingDeleted(obj) && hasFinalizer(obj, FINALIZER_DELETE_DEPENDENTS),
      };
      this.nodes.set(uid, node);
      this.addDependentToOwners(node, node.owners, fx);
      this.processTransitions(old, obj, node, fx);
      return fx;
    }

    const diff = diffReferences(existing.owners, obj.ownerReferences);
    if (diff.added.length + diff.removed.length + diff.changed.length > 0) {
      this.addUnblockedOwners(diff, fx);
      existing.owners = [...obj.ownerReferences];
      this.addDependentToOwners(existing, diff.added, fx);
      this.removeDependentFromOwners(existing, diff.removed);
    }
    if (beingDeleted(obj)) existing.beingDeleted = true;
    this.processTransitions(old, obj, existing, fx);
    return fx;
  }

  /**
   * A worker verified that `identity` does not exist (GET answered NotFound, or another
   * uid). A real node goes as on an informer delete; a virtual node keeps the dependents
   * that named it by other coordinates (those names were not checked) and takes one of
   * their views as its identity, to be checked next.
   */
  virtualDelete(identity: ObjectIdentity): GraphEffects {
    const fx = emptyEffects();
    const existing = this.nodes.get(identity.uid);
    if (!existing) return fx;
    if (!existing.observed) {
      const { matching, nonmatching } = partitionDependents(existing.dependents, identity);
      if (nonmatching.length > 0) {
        if (matching.length > 0) {
          fx.absentOwners.push(identity);
          for (const dep of matching) {
            fx.attemptToDelete.push(dep.identity.uid);
            existing.dependents.delete(dep);
          }
        }
        if (sameIdentity(existing.identity, identity)) {
          const dep = nonmatching[0]!;
          const ref = dep.owners.find((r) => r.uid === identity.uid)!;
          existing.identity = this.virtualIdentity(ref, dep.identity.namespace);
          fx.attemptToDelete.push(identity.uid);
        }
        return fx;
      }
    } else if (!sameIdentity(existing.identity, identity)) {
      // The real node disagrees with what was looked up: it stays; only the dependents
      // that name it otherwise need a check.
      const { nonmatching } = partitionDependents(existing.dependents, existing.identity);
      for (const dep of nonmatching) fx.attemptToDelete.push(dep.identity.uid);
      return fx;
    }
    this.removeNode(existing, fx);
    return fx;
  }

  private virtualIdentity(ref: OwnerReference, dependentNamespace: string): ObjectIdentity {
    const namespaced = this.isNamespaced(ref.apiVersion, ref.kind);
    return {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      name: ref.name,
      namespace: namespaced === false ? '' : dependentNamespace,
      uid: ref.uid,
    };
  }

  private addDependentToOwners(node: GraphNode, refs: readonly OwnerReference[], fx: GraphEffects): void {
    for (const ref of refs) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = {
          identity: this.virtualIdentity(ref, node.identity.namespace),
          owners: [],
          dependents: new Set(),
          observed: false,
          beingDeleted: false,
          deletingDependents: false,
        };
        this.nodes.set(ref.uid, owner);
        // Does it exist? A worker will look it up.
        fx.attemptToDelete.push(ref.uid);
      } else if (owner.identity.namespace !== '' && owner.identity.namespace !== node.identity.namespace) {
        // A namespaced owner in another namespace cannot own this object.
        if (owner.observed) fx.invalidOwnerRefs.push({ dependent: node.identity, ownerRef: ref });
        fx.attemptToDelete.push(node.identity.uid);
      }
      owner.dependents.add(node);
    }
  }

  private removeDependentFromOwners(node: GraphNode, refs: readonly OwnerReference[]): void {
    for (const ref of refs) this.nodes.get(ref.uid)?.dependents.delete(node);
  }

  /** Owners in foreground deletion that a removed or unblocked reference may have freed. */
  private addUnblockedOwners(diff: ReferenceDiff, fx: GraphEffects): void {
    const check = (uid: string): void => {
      const owner = this.nodes.get(uid);
      if (owner?.deletingDependents) fx.attemptToDelete.push(uid);
    };
    for (const ref of diff.removed) if (ref.blockOwnerDeletion) check(ref.uid);
    for (const { before, after } of diff.changed) if (before.blockOwnerDeletion && !after.blockOwnerDeletion) check(after.uid);
  }

  private processTransitions(old: ObservedObject | undefined, obj: ObservedObject, node: GraphNode, fx: GraphEffects): void {
    if (startsWaiting(old, obj, FINALIZER_ORPHAN)) {
      fx.attemptToOrphan.push(node.identity.uid);
      return;
    }
    if (startsWaiting(old, obj, FINALIZER_DELETE_DEPENDENTS)) {
      node.deletingDependents = true;
      for (const dep of node.dependents) fx.attemptToDelete.push(dep.identity.uid);
      fx.attemptToDelete.push(node.identity.uid);
    }
  }

  private removeNode(node: GraphNode, fx: GraphEffects): void {
    this.nodes.delete(node.identity.uid);
    this.removeDependentFromOwners(node, node.owners);
    if (node.dependents.size > 0) fx.absentOwners.push(node.identity);
    for (const dep of node.dependents) fx.attemptToDelete.push(dep.identity.uid);
    // An owner waiting for its dependents may now be free to go.
    for (const ref of node.owners) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) fx.attemptToDelete.push(ref.uid);
    }
  }
}
