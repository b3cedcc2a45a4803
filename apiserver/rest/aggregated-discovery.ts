import type { ResourceType } from '../../api/types.js';
import { subresourcesOf } from '../../api/subresources.js';
import { groupNames, resourcesAt, subresourceGroupVersion, versionOrder } from './discovery.js';

/**
 * Aggregated discovery documents (apidiscovery.k8s.io v2 and v2beta1): everything /api or
 * /apis serves, in one answer, so a client needs two requests instead of one per
 * group-version. Built from the kind registry through the same helpers as the legacy
 * documents (discovery.ts), so both forms list the same groups, versions, resources and
 * subresources in the same order.
 *
 * Field names, field order and omitted fields follow kube-apiserver's JSON: the v2 and
 * v2beta1 types have the same shape, only the list's apiVersion differs.
 */

export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1';
/** `api`: the core group only; `apis`: every named group. */
export type DiscoveryRoot = 'api' | 'apis';

export const AGGREGATED_DISCOVERY_GROUP = 'apidiscovery.k8s.io';
export const AGGREGATED_DISCOVERY_KIND = 'APIGroupDiscoveryList';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface ApiSubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface ApiResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: ApiSubresourceDiscovery[];
}

export interface ApiVersionDiscovery {
  version: string;
  resources: ApiResourceDiscovery[];
  /** Always Current: every group is served by this process (no aggregated APIService can go stale). */
  freshness: 'Current' | 'Stale';
}

export interface ApiGroupDiscovery {
  /** kube serialises an empty ObjectMeta: name (omitted for the core group) and a null creationTimestamp. */
  metadata: { name?: string; creationTimestamp: null };
  /** Preferred version first. */
  versions: ApiVersionDiscovery[];
}

export interface ApiGroupDiscoveryList {
  kind: typeof AGGREGATED_DISCOVERY_KIND;
  apiVersion: string;
  metadata: Record<string, never>;
  items: ApiGroupDiscovery[];
}

/**
 * responseKind as kube-apiserver fills it: group and version stay empty unless the body is
 * of another group-version than the resource (it copies them from the legacy APIResource,
 * where they are set only for storages that declare their own kind, e.g. Scale, Eviction).
 */
function responseKind(kind: string, gv: { group: string; version: string } | null): GroupVersionKind {
  return { group: gv?.group ?? '', version: gv?.version ?? '', kind };
}

/** One resource of a served group-version, with its subresources nested. */
export function resourceDiscovery(rt: ResourceType, version: string): ApiResourceDiscovery {
  const out: ApiResourceDiscovery = {
    resource: rt.plural,
    responseKind: responseKind(rt.kind, null),
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: rt.verbs,
  };
  if (rt.shortNames.length > 0) out.shortNames = rt.shortNames;
  if (rt.categories.length > 0) out.categories = rt.categories;
  const subresources = subresourcesOf(rt, version).map((sub) => ({
    subresource: sub.name,
    responseKind: responseKind(sub.kind.kind, subresourceGroupVersion(sub, rt.group, version)),
    verbs: sub.verbs,
  }));
  if (subresources.length > 0) out.subresources = subresources;
  return out;
}

/** One group with its served versions, the preferred first; null for a group we do not serve. */
export function groupDiscovery(group: string): ApiGroupDiscovery | null {
  const versions = versionOrder(group);
  if (versions.length === 0) return null;
  return {
    metadata: group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      resources: resourcesAt(group, version).map((rt) => resourceDiscovery(rt, version)),
      freshness: 'Current',
    })),
  };
}

/** The items of /api (the core group) or /apis (the named groups, in /apis' legacy order). */
export function discoveryGroups(root: DiscoveryRoot): ApiGroupDiscovery[] {
  const names = root === 'api' ? [''] : groupNames();
  return names.map(groupDiscovery).filter((g): g is ApiGroupDiscovery => g !== null);
}

/** Wraps groups in the list type of the given apidiscovery version. */
export function discoveryList(items: ApiGroupDiscovery[], version: AggregatedDiscoveryVersion): ApiGroupDiscoveryList {
  return { kind: AGGREGATED_DISCOVERY_KIND, apiVersion: `${AGGREGATED_DISCOVERY_GROUP}/${version}`, metadata: {}, items };
}

/** The whole document for one root, as the given apidiscovery version. */
export function aggregatedDiscovery(root: DiscoveryRoot, version: AggregatedDiscoveryVersion = 'v2'): ApiGroupDiscoveryList {
  return discoveryList(discoveryGroups(root), version);
}
