import { createHash } from 'node:crypto';
import type { ResourceType } from '../../api/types.js';
import { resources, resourcesAt, servedGroupVersions } from '../../api/registry.js';
import { subresourcesOf, type SubresourceSpec } from '../../api/subresources.js';

/**
 * Legacy discovery documents (/api, /apis, /api/v1, /apis/<g>/<v>), built from the kind
 * registry. kubectl reads these to map `kubectl get deploy` to a URL.
 */

interface ServedVersion {
  group: string;
  version: string;
  /** The version clients should prefer (the storage version). */
  preferred: boolean;
}

export function servedVersions(): ServedVersion[] {
  const out: ServedVersion[] = [];
  const seen = new Set<string>();
  // Versions served in another group than their kind's (events.k8s.io/v1 over core
  // Events) come after every kind's own group, so /apis keeps its order; such a version
  // is its group's preferred one when the group has no kind of its own.
  const elsewhere: Array<{ group: string; version: string }> = [];
  for (const rt of resources) {
    for (const gv of servedGroupVersions(rt)) {
      if (gv.group !== rt.group) {
        elsewhere.push(gv);
        continue;
      }
      const key = `${gv.group}/${gv.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ group: gv.group, version: gv.version, preferred: gv.version === rt.version });
    }
  }
  for (const gv of elsewhere) {
    const key = `${gv.group}/${gv.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ group: gv.group, version: gv.version, preferred: !out.some((v) => v.group === gv.group && v.preferred) });
  }
  return out;
}

export { resourcesAt } from '../../api/registry.js';

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** A group's served versions, the preferred first: the order both discovery forms list them in. */
export function versionOrder(group: string): string[] {
  const versions = servedVersions().filter((v) => v.group === group);
  // Preferred (storage) version first, as Kubernetes lists a group's versions.
  versions.sort((a, b) => Number(b.preferred) - Number(a.preferred) || b.version.localeCompare(a.version));
  return versions.map((v) => v.version);
}

export function apiGroup(group: string): Record<string, unknown> | null {
  const versions = versionOrder(group);
  if (versions.length === 0) return null;
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions: versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${group}/${versions[0]}`, version: versions[0] },
  };
}

/** The named groups (not the core group), in the order /apis lists them. */
export function groupNames(): string[] {
  const groups: string[] = [];
  for (const v of servedVersions()) if (v.group !== '' && !groups.includes(v.group)) groups.push(v.group);
  return groups;
}

/**
 * The group/version discovery names for a subresource's body: only where it is of another
 * group-version than the resource (deployments/scale → autoscaling/v1 Scale), as
 * kube-apiserver fills them only for storages that declare their own kind.
 */
export function subresourceGroupVersion(sub: SubresourceSpec, group: string, version: string): { group: string; version: string } | null {
  if (sub.kind.group === group && sub.kind.version === version) return null;
  return { group: sub.kind.group, version: sub.kind.version };
}

export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupNames().map((g) => {
      const doc = apiGroup(g)!;
      const { kind: _k, apiVersion: _a, ...rest } = doc;
      return rest;
    }),
  };
}

export function apiResourceList(group: string, version: string): Record<string, unknown> | null {
  const served = resourcesAt(group, version);
  if (served.length === 0) return null;
  const list: Record<string, unknown>[] = [];
  for (const rt of served) {
    const entry: Record<string, unknown> = {
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: rt.verbs,
    };
    if (rt.shortNames.length > 0) entry.shortNames = rt.shortNames;
    if (rt.categories.length > 0) entry.categories = rt.categories;
    entry.storageVersionHash = storageVersionHash(rt);
    list.push(entry);
    for (const sub of subresourcesOf(rt, version)) {
      const s: Record<string, unknown> = {
        name: `${rt.plural}/${sub.name}`,
        singularName: '',
        namespaced: rt.namespaced,
        kind: sub.kind.kind,
        verbs: sub.verbs,
      };
      const gv = subresourceGroupVersion(sub, rt.group, version);
      if (gv) {
        s.group = gv.group;
        s.version = gv.version;
      }
      list.push(s);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: list,
  };
}

function storageVersionHash(rt: ResourceType): string {
  return createHash('sha256').update(`${rt.group}/${rt.version}/${rt.kind}`).digest('base64').slice(0, 11);
}
