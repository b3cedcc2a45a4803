import { describe, expect, it } from 'vitest';
import {
  aggregatedDiscovery,
  groupDiscovery,
  type ApiGroupDiscovery,
  type ApiResourceDiscovery,
} from './aggregated-discovery.js';
import { apiGroupList, apiResourceList, servedVersions } from './discovery.js';

function resource(group: ApiGroupDiscovery, version: string, plural: string): ApiResourceDiscovery {
  const v = group.versions.find((x) => x.version === version);
  const r = v?.resources.find((x) => x.resource === plural);
  if (!r) throw new Error(`${plural} not in ${version}`);
  return r;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SUB_VERBS = ['get', 'patch', 'update'];

describe('aggregated discovery: /api', () => {
  const doc = aggregatedDiscovery('api');

  it('is one list holding only the core group, with v1 current', () => {
    expect(doc.kind).toBe('APIGroupDiscoveryList');
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2');
    expect(doc.metadata).toEqual({});
    expect(doc.items).toHaveLength(1);
    // kube omits the empty name and writes the zero creationTimestamp as null.
    expect(doc.items[0].metadata).toStrictEqual({ creationTimestamp: null });
    expect(doc.items[0].versions.map((v) => [v.version, v.freshness])).toEqual([['v1', 'Current']]);
  });

  it('describes pods with every subresource and its response kind', () => {
    expect(resource(doc.items[0], 'v1', 'pods')).toStrictEqual({
      resource: 'pods',
      responseKind: { group: '', version: '', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      verbs: ALL_VERBS,
      shortNames: ['po'],
      categories: ['all'],
      subresources: [
        { subresource: 'status', responseKind: { group: '', version: '', kind: 'Pod' }, verbs: SUB_VERBS },
        { subresource: 'binding', responseKind: { group: '', version: '', kind: 'Binding' }, verbs: ['create'] },
        { subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
        { subresource: 'log', responseKind: { group: '', version: '', kind: 'Pod' }, verbs: ['get'] },
      ],
    });
  });

  it('marks cluster-scoped kinds and omits empty shortNames, categories and subresources', () => {
    const ns = resource(doc.items[0], 'v1', 'namespaces');
    expect(ns.scope).toBe('Cluster');
    expect(ns).not.toHaveProperty('categories');
    expect(ns.subresources?.map((s) => s.subresource)).toEqual(['status', 'finalize']);
    const secrets = resource(doc.items[0], 'v1', 'secrets');
    expect(secrets).not.toHaveProperty('shortNames');
    expect(secrets).not.toHaveProperty('subresources');
  });

  it('serialises fields in kube order', () => {
    const json = JSON.stringify(resource(doc.items[0], 'v1', 'pods'));
    expect(json.startsWith('{"resource":"pods","responseKind":{"group":"","version":"","kind":"Pod"},"scope":"Namespaced","singularResource":"pod","verbs":[')).toBe(true);
    expect(JSON.stringify(doc).startsWith('{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},"items":[{"metadata":{"creationTimestamp":null},"versions":[{"version":"v1","resources":[')).toBe(true);
  });
});

describe('aggregated discovery: /apis', () => {
  const doc = aggregatedDiscovery('apis');
  const byName = (name: string): ApiGroupDiscovery => {
    const g = doc.items.find((i) => i.metadata.name === name);
    if (!g) throw new Error(`no group ${name}`);
    return g;
  };

  it('lists the named groups in the legacy /apis order, never the core group', () => {
    const legacy = (apiGroupList().groups as { name: string }[]).map((g) => g.name);
    expect(doc.items.map((i) => i.metadata.name)).toEqual(legacy);
    expect(legacy.length).toBeGreaterThan(3);
    expect(doc.items.every((i) => i.metadata.creationTimestamp === null)).toBe(true);
  });

  it('lists autoscaling v2 (preferred) before v1, each with the HPA and its status', () => {
    const autoscaling = byName('autoscaling');
    expect(autoscaling.versions.map((v) => v.version)).toEqual(['v2', 'v1']);
    for (const version of ['v2', 'v1']) {
      expect(resource(autoscaling, version, 'horizontalpodautoscalers')).toStrictEqual({
        resource: 'horizontalpodautoscalers',
        responseKind: { group: '', version: '', kind: 'HorizontalPodAutoscaler' },
        scope: 'Namespaced',
        singularResource: 'horizontalpodautoscaler',
        verbs: ALL_VERBS,
        shortNames: ['hpa'],
        categories: ['all'],
        subresources: [{ subresource: 'status', responseKind: { group: '', version: '', kind: 'HorizontalPodAutoscaler' }, verbs: SUB_VERBS }],
      });
    }
  });

  it('names autoscaling/v1 Scale as the response of deployments/scale', () => {
    const deployments = resource(byName('apps'), 'v1', 'deployments');
    expect(deployments.subresources).toStrictEqual([
      { subresource: 'status', responseKind: { group: '', version: '', kind: 'Deployment' }, verbs: SUB_VERBS },
      { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: SUB_VERBS },
    ]);
  });

  it('is the same document as v2beta1, apart from the list apiVersion', () => {
    const beta = aggregatedDiscovery('apis', 'v2beta1');
    expect(beta.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    expect(beta.items).toEqual(doc.items);
  });

  it('has no entry for a group we do not serve', () => {
    expect(groupDiscovery('widgets.example.com')).toBeNull();
  });
});

describe('aggregated and legacy discovery agree', () => {
  // Flatten the aggregated form back into legacy APIResource entries, as client-go does,
  // and compare with /api/v1 and /apis/<g>/<v> for every served group-version.
  it.each(servedVersions().map((v) => [v.group === '' ? v.version : `${v.group}/${v.version}`, v.group, v.version] as const))(
    '%s',
    (_gv, group, version) => {
      const items = aggregatedDiscovery(group === '' ? 'api' : 'apis').items;
      const g = items.find((i) => (i.metadata.name ?? '') === group)!;
      const v = g.versions.find((x) => x.version === version)!;
      const flattened: Record<string, unknown>[] = [];
      for (const r of v.resources) {
        const entry: Record<string, unknown> = {
          name: r.resource,
          singularName: r.singularResource,
          namespaced: r.scope === 'Namespaced',
          kind: r.responseKind.kind,
          verbs: r.verbs,
        };
        if (r.shortNames) entry.shortNames = r.shortNames;
        if (r.categories) entry.categories = r.categories;
        flattened.push(entry);
        for (const s of r.subresources ?? []) {
          const sub: Record<string, unknown> = { name: `${r.resource}/${s.subresource}`, singularName: '', namespaced: entry.namespaced, kind: s.responseKind.kind, verbs: s.verbs };
          if (s.responseKind.group !== '' || s.responseKind.version !== '') {
            sub.group = s.responseKind.group;
            sub.version = s.responseKind.version;
          }
          flattened.push(sub);
        }
      }
      const legacy = (apiResourceList(group, version)!.resources as Record<string, unknown>[]).map(({ storageVersionHash: _h, ...rest }) => rest);
      expect(flattened).toEqual(legacy);
    },
  );
});
