import type { APIService } from '../../api/apiregistration/apiservice.js';
import type { ApiGroupDiscovery, ApiResourceDiscovery, ApiVersionDiscovery } from '../rest/aggregated-discovery.js';

/**
 * Discovery for the groups that aggregated backends serve, merged into this apiserver's
 * own documents: the legacy /apis list and /apis/<group> come from the APIService objects
 * (as kube-aggregator builds them, without asking the backend); the aggregated document
 * needs the backend's resources, which the availability check fetched.
 */

/** Remote APIServices grouped by group, versions by versionPriority (highest first), as kube sorts them. */
export function remoteGroups(services: readonly APIService[], localGroups: ReadonlySet<string>): Map<string, APIService[]> {
  const byGroup = new Map<string, APIService[]>();
  for (const s of services) {
    const group = s.spec.group ?? '';
    if (group === '' || localGroups.has(group) || !s.spec.service) continue;
    const list = byGroup.get(group) ?? [];
    list.push(s);
    byGroup.set(group, list);
  }
  for (const list of byGroup.values()) {
    list.sort((a, b) => b.spec.versionPriority - a.spec.versionPriority || (b.spec.version ?? '').localeCompare(a.spec.version ?? ''));
  }
  // Groups by groupPriorityMinimum, highest first.
  return new Map([...byGroup].sort((a, b) => b[1][0]!.spec.groupPriorityMinimum - a[1][0]!.spec.groupPriorityMinimum || a[0].localeCompare(b[0])));
}

/** The APIGroup document of one aggregated group (legacy discovery). */
export function legacyGroup(group: string, services: readonly APIService[]): Record<string, unknown> {
  const versions = services.map((s) => ({ groupVersion: `${group}/${s.spec.version}`, version: s.spec.version! }));
  return { name: group, versions, preferredVersion: versions[0] };
}

interface LegacyResource {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  kind?: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
  group?: string;
  version?: string;
}

/**
 * A backend's APIResourceList → one version of the aggregated form: subresources
 * (`pods/status`) nested under their resource, as kube's converter does.
 */
export function versionFromResourceList(version: string, list: { resources?: LegacyResource[] } | undefined, stale: boolean): ApiVersionDiscovery {
  const resources: ApiResourceDiscovery[] = [];
  const byName = new Map<string, ApiResourceDiscovery>();
  for (const r of list?.resources ?? []) {
    if (r.name.includes('/')) continue;
    const out: ApiResourceDiscovery = {
      resource: r.name,
      responseKind: { group: '', version: '', kind: r.kind ?? '' },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singularName ?? '',
      verbs: r.verbs ?? [],
    };
    if (r.shortNames?.length) out.shortNames = r.shortNames;
    if (r.categories?.length) out.categories = r.categories;
    resources.push(out);
    byName.set(r.name, out);
  }
  for (const r of list?.resources ?? []) {
    const [parent, sub] = r.name.split('/', 2);
    if (!sub) continue;
    const owner = byName.get(parent!);
    if (!owner) continue;
    (owner.subresources ??= []).push({
      subresource: sub,
      responseKind: { group: r.group ?? '', version: r.version ?? '', kind: r.kind ?? '' },
      verbs: r.verbs ?? [],
    });
  }
  return { version, resources, freshness: stale ? 'Stale' : 'Current' };
}

/** The aggregated entries of the remote groups; a version never fetched is left out. */
export function aggregatedGroups(groups: Map<string, APIService[]>, fetched: (name: string) => { list: unknown; stale: boolean } | undefined): ApiGroupDiscovery[] {
  const out: ApiGroupDiscovery[] = [];
  for (const [group, services] of groups) {
    const versions: ApiVersionDiscovery[] = [];
    for (const s of services) {
      const f = fetched(s.metadata.name!);
      if (f) versions.push(versionFromResourceList(s.spec.version!, f.list as { resources?: LegacyResource[] }, f.stale));
    }
    if (versions.length > 0) out.push({ metadata: { name: group, creationTimestamp: null }, versions });
  }
  return out;
}
