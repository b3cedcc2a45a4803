import { resources as servedResources } from '../../api/registry.js';
import type { KubeObject, OwnerReference, ResourceType } from '../../api/types.js';

/**
 * Who an object is, as the garbage collector knows it: kind coordinates plus uid. For an
 * object seen through an informer these are its own; for a "virtual" node (an owner only
 * known from a dependent's ownerReference) they are the reference's, in the dependent's
 * namespace unless the kind is known to be cluster-scoped.
 */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  name: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  uid: string;
}

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ''). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/**
 * Resolves an ownerReference's kind to a served resource (kube's REST mapper). Any
 * version of a served group/kind resolves: the object is the same, only its encoding
 * differs. undefined: a kind this apiserver does not serve.
 */
export interface KindMapper {
  resolve(apiVersion: string, kind: string): ResourceType | undefined;
}

export function createKindMapper(resources: readonly ResourceType[] = servedResources): KindMapper {
  const byGroupKind = new Map<string, ResourceType>();
  for (const rt of resources) byGroupKind.set(`${rt.group}/${rt.kind}`, rt);
  return { resolve: (apiVersion, kind) => byGroupKind.get(`${groupOf(apiVersion)}/${kind}`) };
}

/** The identity of an object observed through the informer of resource type rt. */
export function identityOf(obj: KubeObject, rt: Pick<ResourceType, 'group' | 'version' | 'kind' | 'namespaced'>): ObjectIdentity {
  return {
    apiVersion: rt.group === '' ? rt.version : `${rt.group}/${rt.version}`,
    kind: rt.kind,
    name: obj.metadata.name ?? '',
    namespace: rt.namespaced ? (obj.metadata.namespace ?? '') : '',
    uid: obj.metadata.uid ?? '',
  };
}

/**
 * Whether a dependent's reference names this identity: same uid, group, kind and name,
 * and — for a namespaced owner — the dependent lives in the owner's namespace (kube only
 * honours same-namespace or cluster-scoped owners).
 */
export function referenceMatches(ref: OwnerReference, dependentNamespace: string, owner: ObjectIdentity): boolean {
  if (ref.uid !== owner.uid) return false;
  if (owner.namespace !== '' && dependentNamespace !== owner.namespace) return false;
  return groupOf(ref.apiVersion) === groupOf(owner.apiVersion) && ref.kind === owner.kind && ref.name === owner.name;
}

export function sameIdentity(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return a.uid === b.uid && a.name === b.name && a.namespace === b.namespace && a.kind === b.kind && groupOf(a.apiVersion) === groupOf(b.apiVersion);
}

/** Key of an absent owner: coordinates and uid (the same uid at other coordinates may exist). */
export function identityKey(id: ObjectIdentity): string {
  return [groupOf(id.apiVersion), id.kind, id.namespace, id.name, id.uid].join('|');
}

/** For logs and event messages: `apps/v1/ReplicaSet ns/name (uid)`. */
export function describeIdentity(id: ObjectIdentity): string {
  return `${id.apiVersion}/${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name} (${id.uid})`;
}
