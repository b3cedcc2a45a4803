import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resources, servedGroupVersions } from '../api/registry.js';
import { findProperty } from './decorate.js';
import { hashOf } from './document-set.js';
import { generateOpenApiV2, generateOpenApiV3, generateOpenApiV3Index, registryDocuments } from './generate.js';
import { generatedFiles } from './generated-files.js';
import type { JsonObject } from './schemas.js';

/** The registry's documents: checked-in copy up to date, and what kubectl relies on present. */

const here = dirname(fileURLToPath(import.meta.url));
const generatedDir = join(here, 'generated');
const docs = registryDocuments();

type Schemas = Record<string, JsonObject>;
const schemasOf = (doc: JsonObject): Schemas => (doc['components'] as { schemas: Schemas }).schemas;
const pathsOf = (doc: JsonObject): Record<string, JsonObject> => doc['paths'] as Record<string, JsonObject>;
const v3Docs = (): Array<[string, JsonObject]> => docs.v3Paths().map((p) => [p, docs.v3(p)!.document]);

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

function operations(doc: JsonObject): Array<{ path: string; method: string; op: JsonObject }> {
  const out: Array<{ path: string; method: string; op: JsonObject }> = [];
  for (const [path, item] of Object.entries(pathsOf(doc))) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
      if (item[method]) out.push({ path, method, op: item[method] as JsonObject });
    }
  }
  return out;
}

const paramNames = (op: JsonObject): string[] => ((op['parameters'] as JsonObject[] | undefined) ?? []).filter((p) => p['in'] === 'query').map((p) => p['name'] as string);

function allRefs(node: unknown, acc: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => allRefs(n, acc));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') acc.push(v);
      else allRefs(v, acc);
    }
  }
  return acc;
}

describe('checked-in documents', () => {
  it('match what the registry generates', () => {
    const expected = generatedFiles(docs);
    const onDisk = listFiles(generatedDir).map((f) => relative(generatedDir, f).split('\\').join('/'));
    const stale = onDisk.filter((f) => !expected.has(f));
    const drifted = [...expected.keys()].filter((f) => !existsSync(join(generatedDir, f)) || readFileSync(join(generatedDir, f), 'utf8') !== expected.get(f));
    const hint = 'openapi/generated/ is out of date with the zod schemas: run `npm run build && npm run openapi:generate` and commit the result';
    expect(stale, hint).toEqual([]);
    expect(drifted, hint).toEqual([]);
  });
});

describe('v3 documents', () => {
  it('serve every group-version of the registry, indexed with the SHA-512 of the served bytes', () => {
    const index = generateOpenApiV3Index();
    const expected = new Set(resources.flatMap((r) => servedGroupVersions(r).map(({ group, version: v }) => (group ? `apis/${group}/${v}` : `api/${v}`))));
    expect(new Set(Object.keys(index.paths))).toEqual(expected);
    for (const [p, { serverRelativeURL }] of Object.entries(index.paths)) {
      const doc = docs.v3(p)!;
      expect(serverRelativeURL).toBe(`/openapi/v3/${p}?hash=${hashOf(doc.json)}`);
      expect(serverRelativeURL).toMatch(/\?hash=[0-9A-F]{128}$/);
    }
  });

  it('mark every kind and list kind with its GVK', () => {
    for (const r of resources) {
      for (const version of [r.version, ...(r.conversions ?? []).map((c) => c.version)]) {
        const schemas = schemasOf(generateOpenApiV3(r.group, version));
        const pkg = r.group === '' ? `io.k8s.api.core.${version}` : `io.k8s.api.${r.group.split('.')[0]}.${version}`;
        for (const kind of [r.kind, r.listKind]) {
          expect(schemas[`${pkg}.${kind}`]?.['x-kubernetes-group-version-kind'], `${pkg}.${kind}`).toEqual([{ group: r.group, kind, version }]);
        }
      }
    }
  });

  it('share ObjectMeta as a reference', () => {
    const pod = schemasOf(generateOpenApiV3('', 'v1'))['io.k8s.api.core.v1.Pod'];
    expect((pod['properties'] as Schemas)['metadata']['allOf']).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
  });

  it.each([
    ['', 'v1', 'io.k8s.api.core.v1.Pod', 'spec.containers'],
    ['', 'v1', 'io.k8s.api.core.v1.Pod', 'spec.containers.env'],
    ['apps', 'v1', 'io.k8s.api.apps.v1.Deployment', 'spec.template.spec.containers'],
    ['apps', 'v1', 'io.k8s.api.apps.v1.Deployment', 'spec.template.spec.initContainers'],
    ['apps', 'v1', 'io.k8s.api.apps.v1.ReplicaSet', 'spec.template.spec.containers'],
  ])('carry the strategic merge key of %s/%s %s %s', (group, version, id, path) => {
    const prop = findProperty(schemasOf(generateOpenApiV3(group, version)), id, path);
    expect(prop).toMatchObject({
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
  });

  it('keep the retainKeys strategy of Deployment.spec.strategy', () => {
    const prop = findProperty(schemasOf(generateOpenApiV3('apps', 'v1')), 'io.k8s.api.apps.v1.Deployment', 'spec.strategy');
    expect(prop?.['x-kubernetes-patch-strategy']).toBe('retainKeys');
  });

  it('offer fieldValidation, dryRun and strategic merge patch on every PATCH operation', () => {
    for (const [p, doc] of v3Docs()) {
      const patches = operations(doc).filter((o) => o.method === 'patch');
      // Groups of create-only kinds (authorization.k8s.io, authentication.k8s.io) have no PATCH, as in kube.
      if (!/authori[sz]ation\.k8s\.io|authentication\.k8s\.io/.test(p)) expect(patches.length, p).toBeGreaterThan(0);
      for (const { path, op } of patches) {
        expect(paramNames(op), path).toEqual(expect.arrayContaining(['dryRun', 'fieldManager', 'fieldValidation', 'force']));
        expect(Object.keys((op['requestBody'] as { content: JsonObject }).content), path).toContain('application/strategic-merge-patch+json');
        expect(op['x-kubernetes-group-version-kind'], path).toBeTruthy();
      }
    }
  });

  it('find every kind through the GET of its cluster-wide path (what kubectl explain reads)', () => {
    for (const r of resources.filter((k) => k.verbs.includes('list'))) {
      const doc = generateOpenApiV3(r.group, r.version);
      const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
      const get = pathsOf(doc)[`${prefix}/${r.plural}`]?.['get'] as JsonObject | undefined;
      expect(get?.['x-kubernetes-group-version-kind'], r.plural).toEqual({ group: r.group, version: r.version, kind: r.kind });
    }
  });

  it('name operations as Kubernetes does', () => {
    const ids = (group: string, version: string): string[] => operations(generateOpenApiV3(group, version)).map((o) => o.op['operationId'] as string);
    const core = ids('', 'v1');
    expect(core).toEqual(
      expect.arrayContaining([
        'readCoreV1NamespacedPod',
        'listCoreV1NamespacedPod',
        'listCoreV1PodForAllNamespaces',
        'createCoreV1NamespacedPod',
        'replaceCoreV1NamespacedPod',
        'patchCoreV1NamespacedPod',
        'deleteCoreV1NamespacedPod',
        'deleteCoreV1CollectionNamespacedPod',
        'readCoreV1NamespacedPodStatus',
        'patchCoreV1NamespacedPodStatus',
        'createCoreV1NamespacedPodBinding',
        'createCoreV1NamespacedPodEviction',
        'readCoreV1Node',
        'listCoreV1Node',
        'replaceCoreV1NamespaceFinalize',
      ]),
    );
    expect(ids('apps', 'v1')).toEqual(
      expect.arrayContaining(['patchAppsV1NamespacedDeployment', 'readAppsV1NamespacedDeploymentScale', 'replaceAppsV1NamespacedReplicaSetScale']),
    );
    for (const [p, doc] of v3Docs()) {
      const all = operations(doc).map((o) => o.op['operationId'] as string);
      expect(new Set(all).size, `${p}: operation ids are unique`).toBe(all.length);
      for (const id of all) expect(id).toMatch(/^(read|list|create|replace|patch|delete)[A-Z][A-Za-z]*V\d+[a-z0-9]*(Collection)?(Namespaced)?[A-Z][A-Za-z]*$/);
    }
  });

  it('resolve every $ref', () => {
    for (const [p, doc] of v3Docs()) {
      const schemas = schemasOf(doc);
      for (const ref of allRefs(doc)) expect(schemas[ref.replace('#/components/schemas/', '')], `${p}: ${ref}`).toBeDefined();
    }
  });
});

describe('v2 document', () => {
  const v2 = generateOpenApiV2();
  const definitions = v2['definitions'] as Schemas;

  it('holds every group-version and resolves every $ref', () => {
    expect(v2['swagger']).toBe('2.0');
    for (const ref of allRefs(v2)) expect(definitions[ref.replace('#/definitions/', '')], ref).toBeDefined();
    expect(definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(definitions['io.k8s.api.core.v1.PodSpec']).toBeDefined();
  });

  it('uses Swagger 2.0 forms only', () => {
    const text = JSON.stringify(v2);
    expect(text).not.toContain('#/components/');
    expect(text).not.toContain('"anyOf"');
    expect(text).not.toContain('"nullable"');
    const containers = (definitions['io.k8s.api.core.v1.PodSpec']['properties'] as Schemas)['containers'];
    expect(containers['items']).toEqual({ $ref: '#/definitions/io.k8s.api.core.v1.Container' });
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
  });

  it('lists the patch content types and fieldValidation on PATCH operations', () => {
    const patches = operations(v2).filter((o) => o.method === 'patch');
    expect(patches.length).toBeGreaterThan(0);
    for (const { path, op } of patches) {
      expect(op['consumes'], path).toContain('application/strategic-merge-patch+json');
      expect(paramNames(op), path).toEqual(expect.arrayContaining(['dryRun', 'fieldValidation']));
    }
  });
});
