import type { ResourceRef } from '../client/resource.js';
import type { Clock } from '../lib/clock.js';
import type { RawGet } from './raw-get.js';

/**
 * How the HPA finds the resource behind scaleTargetRef (kind + apiVersion), as kube's
 * controller does with a discovery-backed RESTMapper and the scale client's discovery
 * resolver: the group's versions from /api and /apis, the version's resource list, the
 * resource whose kind matches, and whether it lists a `<plural>/scale` subresource.
 * Discovery documents are cached for ttlMs; a miss refreshes once (a CRD or aggregated
 * API added since then is found on the next sync, as kube's deferred mapper resets).
 */

export interface ScaleMapping {
  ref: ResourceRef;
  hasScale: boolean;
}

export type MappingResult = { ok: true; mapping: ScaleMapping } | { ok: false; error: string };

export interface RestMapper {
  /** The mapping of kind in group (preferred version first), or kube's error text. */
  scaleMapping(group: string, kind: string): Promise<MappingResult>;
  /** The plural of kind in group, for the custom metrics API paths; undefined when unknown. */
  pluralOf(group: string, kind: string): Promise<string | undefined>;
}

interface APIResource {
  name: string;
  kind: string;
  namespaced?: boolean;
}

interface GroupVersions {
  versions: string[];
}

/** ParseGroupVersion: `v1` → core, `apps/v1` → apps; more than one slash is kube's error. */
export function parseGroupVersion(apiVersion: string | undefined): { ok: true; group: string; version: string } | { ok: false; error: string } {
  const gv = apiVersion ?? '';
  if (gv === '' || gv === '/') return { ok: true, group: '', version: '' };
  const parts = gv.split('/');
  if (parts.length === 1) return { ok: true, group: '', version: parts[0]! };
  if (parts.length === 2) return { ok: true, group: parts[0]!, version: parts[1]! };
  return { ok: false, error: `unexpected GroupVersion string: ${gv}` };
}

export function createRestMapper(get: RawGet, clock: Clock, ttlMs = 60_000): RestMapper {
  let groups: { at: number; byGroup: Map<string, GroupVersions> } | undefined;
  const resources = new Map<string, { at: number; list: APIResource[] }>();

  const loadGroups = async (force: boolean): Promise<Map<string, GroupVersions>> => {
    if (!force && groups && clock.now() - groups.at < ttlMs) return groups.byGroup;
    const byGroup = new Map<string, GroupVersions>();
    const core = (await get('/api')) as { versions?: string[] };
    byGroup.set('', { versions: core.versions ?? ['v1'] });
    const list = (await get('/apis')) as { groups?: { name: string; versions?: { version: string }[]; preferredVersion?: { version: string } }[] };
    for (const g of list.groups ?? []) {
      const versions = (g.versions ?? []).map((v) => v.version);
      const preferred = g.preferredVersion?.version;
      if (preferred) versions.sort((a, b) => (a === preferred ? -1 : b === preferred ? 1 : 0));
      byGroup.set(g.name, { versions });
    }
    groups = { at: clock.now(), byGroup };
    return byGroup;
  };

  const loadResources = async (group: string, version: string, force: boolean): Promise<APIResource[]> => {
    const key = `${group}/${version}`;
    const cached = resources.get(key);
    if (!force && cached && clock.now() - cached.at < ttlMs) return cached.list;
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const doc = (await get(path)) as { resources?: APIResource[] };
    const list = doc.resources ?? [];
    resources.set(key, { at: clock.now(), list });
    return list;
  };

  const find = async (group: string, kind: string, force: boolean): Promise<ScaleMapping | undefined> => {
    const byGroup = await loadGroups(force);
    const gv = byGroup.get(group);
    if (!gv) return undefined;
    for (const version of gv.versions) {
      let list: APIResource[];
      try {
        list = await loadResources(group, version, force);
      } catch {
        continue; // an unavailable aggregated version: try the next one
      }
      const main = list.find((r) => r.kind === kind && !r.name.includes('/'));
      if (!main) continue;
      return {
        ref: { group, version, plural: main.name, namespaced: main.namespaced ?? true, kind },
        hasScale: list.some((r) => r.name === `${main.name}/scale`),
      };
    }
    return undefined;
  };

  const lookup = async (group: string, kind: string): Promise<ScaleMapping | undefined> => (await find(group, kind, false)) ?? find(group, kind, true);

  return {
    async scaleMapping(group, kind) {
      let mapping: ScaleMapping | undefined;
      try {
        mapping = await lookup(group, kind);
      } catch (err) {
        return { ok: false, error: `unable to retrieve the complete list of server APIs: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (!mapping) return { ok: false, error: `no matches for kind "${kind}" in group "${group}"` };
      return { ok: true, mapping };
    },
    async pluralOf(group, kind) {
      try {
        return (await lookup(group, kind))?.ref.plural;
      } catch {
        return undefined;
      }
    },
  };
}

/** GroupVersionResource.String(), as kube's errors print it: `apps/v1, Resource=deployments`. */
export function gvrString(ref: Pick<ResourceRef, 'group' | 'version' | 'plural'>): string {
  return `${ref.group}/${ref.version}, Resource=${ref.plural}`;
}
