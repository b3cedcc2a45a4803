import type { KubeObject, OwnerReference } from '../../api/types.js';
import { isNotFound } from '../../client/api-error.js';
import type { ResourceRef } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';

/**
 * ControllerRef management as kube's ControllerRefManager (controller/controller_ref_manager.go):
 * a controller claims the objects its selector matches, adopting orphans (adding itself
 * as controller owner) and releasing objects it owns that no longer match (removing its
 * reference). Objects controlled by someone else are never touched.
 *
 * Writes are JSON merge patches of the whole ownerReferences list with the object's
 * resourceVersion as a precondition, so a concurrent change makes the patch fail with
 * 409 and the key is retried, instead of clobbering references (a merge patch replaces lists).
 */

/** The controlling owner reference (controller: true), if any. */
export function controllerOf(obj: Pick<KubeObject, 'metadata'>): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** metav1.NewControllerRef: controller and blockOwnerDeletion set. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export type ClaimDecision = 'claim' | 'adopt' | 'release' | 'ignore';

/** What the owner does with obj, given whether its selector matches obj's labels. Pure. */
export function claimDecision(obj: KubeObject, owner: KubeObject, matches: boolean): ClaimDecision {
  const ref = controllerOf(obj);
  const ownerDeleting = !!owner.metadata.deletionTimestamp;
  if (ref) {
    if (ref.uid !== owner.metadata.uid) return 'ignore';
    if (matches) return 'claim';
    return ownerDeleting ? 'ignore' : 'release';
  }
  if (ownerDeleting || !matches || obj.metadata.deletionTimestamp) return 'ignore';
  if ((owner.metadata.namespace ?? '') !== (obj.metadata.namespace ?? '')) return 'ignore';
  return 'adopt';
}

export function adoptPatch(obj: KubeObject, ref: OwnerReference): Record<string, unknown> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ref.uid);
  return { metadata: { ownerReferences: [...refs, ref], resourceVersion: obj.metadata.resourceVersion } };
}

export function releasePatch(obj: KubeObject, ownerUid: string): Record<string, unknown> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  return { metadata: { ownerReferences: refs.length > 0 ? refs : null, resourceVersion: obj.metadata.resourceVersion } };
}

export interface ClaimOptions<T extends KubeObject> {
  client: RestClient;
  /** The kind of the claimed objects (pods, replicasets). */
  ref: ResourceRef;
  owner: KubeObject;
  ownerRef: OwnerReference;
  candidates: readonly T[];
  matches(obj: T): boolean;
  /**
   * Checked once before the first adoption (kube's RecheckDeletionTimestamp): throws
   * when the owner was deleted or replaced meanwhile, so nothing is adopted by a ghost.
   */
  canAdopt(): Promise<void>;
}

/**
 * Adopts and releases as claimDecision says and returns the objects the owner now
 * controls (cache objects; adopted ones as the patch returned them). Throws the first
 * write error other than NotFound after trying every object.
 */
export async function claimObjects<T extends KubeObject>(opts: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  let adoptChecked: Promise<void> | undefined;
  let firstError: unknown;
  for (const obj of opts.candidates) {
    const decision = claimDecision(obj, opts.owner, opts.matches(obj));
    const { name, namespace } = obj.metadata;
    try {
      if (decision === 'claim') {
        claimed.push(obj);
      } else if (decision === 'adopt') {
        adoptChecked ??= opts.canAdopt();
        await adoptChecked;
        const patched = await opts.client.patch<T>(opts.ref, name!, adoptPatch(obj, opts.ownerRef), { type: 'merge', namespace });
        claimed.push(patched);
      } else if (decision === 'release') {
        await opts.client.patch(opts.ref, name!, releasePatch(obj, opts.owner.metadata.uid!), { type: 'merge', namespace });
      }
    } catch (err) {
      if (!isNotFound(err)) firstError ??= err;
    }
  }
  if (firstError !== undefined) throw firstError;
  return claimed;
}

/** kube's RecheckDeletionTimestamp over a fresh GET of the owner. */
export function recheckOwner(client: RestClient, ref: ResourceRef, owner: KubeObject): () => Promise<void> {
  return async () => {
    const fresh = await client.get(ref, owner.metadata.name!, { namespace: owner.metadata.namespace });
    if (fresh.metadata.uid !== owner.metadata.uid) {
      throw new Error(`original ${owner.metadata.namespace}/${owner.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${owner.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) {
      throw new Error(`${owner.metadata.namespace}/${owner.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
}

/** Index name and function: objects by the UID of their controller (for "what does X own"). */
export const CONTROLLER_UID_INDEX = 'controllerUID';
export function controllerUidIndex(obj: KubeObject): string[] {
  const ref = controllerOf(obj);
  return ref ? [ref.uid] : [];
}

/** Index name and function: objects without a controller, by namespace (adoption candidates). */
export const ORPHAN_NAMESPACE_INDEX = 'orphanNamespace';
export function orphanNamespaceIndex(obj: KubeObject): string[] {
  return controllerOf(obj) ? [] : [obj.metadata.namespace ?? ''];
}
