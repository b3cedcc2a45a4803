import { describe, expect, it } from 'vitest';
import { findProperty } from './decorate.js';
import { createDocumentSet } from './document-set.js';
import { fixtureModel } from './fixture-model.js';
import type { JsonObject } from './schemas.js';
import { buildV2Document } from './v2-document.js';
import { buildV3Document } from './v3-document.js';

type Schemas = Record<string, JsonObject>;
const W = 'dev.kubeling.example.v1alpha1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const doc = buildV3Document(fixtureModel(), 'example.kubeling.dev', 'v1alpha1')!;
const schemas = (doc['components'] as { schemas: Schemas }).schemas;
const paths = doc['paths'] as Record<string, JsonObject>;
const props = (id: string): Schemas => schemas[id]['properties'] as Schemas;

describe('components of a fixture kind', () => {
  it('names kinds, list kinds and Spec/Status after the group, and shares meta types', () => {
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining([
        `${W}.Widget`,
        `${W}.WidgetList`,
        `${W}.WidgetSpec`,
        `${W}.WidgetStatus`,
        `${W}.Gadget`,
        `${W}.GadgetList`,
        `${META}.ObjectMeta`,
        `${META}.ListMeta`,
        `${META}.LabelSelector`,
        `${META}.Time`,
        `${META}.Status`,
        `${META}.DeleteOptions`,
        `${META}.Patch`,
        'io.k8s.api.autoscaling.v1.Scale',
        'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      ]),
    );
    expect(props(`${W}.Widget`)['metadata']['allOf']).toEqual([{ $ref: `#/components/schemas/${META}.ObjectMeta` }]);
    expect(schemas[`${META}.Time`]).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('marks kinds and lists with their GVK and does not require metadata', () => {
    expect(schemas[`${W}.Widget`]['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.kubeling.dev', kind: 'Widget', version: 'v1alpha1' }]);
    expect(schemas[`${W}.WidgetList`]['x-kubernetes-group-version-kind']).toEqual([
      { group: 'example.kubeling.dev', kind: 'WidgetList', version: 'v1alpha1' },
    ]);
    expect(schemas[`${W}.Widget`]['required']).toBeUndefined();
    expect(props(`${W}.WidgetList`)['items']).toMatchObject({ type: 'array', items: { $ref: `#/components/schemas/${W}.Widget` } });
    expect(schemas[`${W}.WidgetList`]['required']).toEqual(['items']);
  });

  it('keeps zod descriptions and adds the standard ones', () => {
    const parts = findProperty(schemas, `${W}.Widget`, 'spec.parts') as JsonObject;
    const part = parts['items'] as JsonObject;
    expect((part['properties'] as Schemas)['size']['description']).toBe('How big the part is, in millimetres.');
    expect(props(`${W}.Widget`)['apiVersion']['description']).toMatch(/versioned schema/);
    expect(props(`${META}.ObjectMeta`)['name']['description']).toMatch(/name of the object/);
  });

  it.each([
    ['spec.parts', { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }],
    ['spec.tags', { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' }],
    ['metadata.finalizers', { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' }],
  ])('puts the patch metadata of %s on the field', (path, ext) => {
    expect(findProperty(schemas, `${W}.Widget`, path)).toMatchObject(ext);
  });

  it('writes nothing for a replaced object and no list type for it', () => {
    const selector = findProperty(schemas, `${W}.Widget`, 'spec.selector')!;
    expect(selector['x-kubernetes-patch-strategy']).toBeUndefined();
    expect(selector['x-kubernetes-list-type']).toBeUndefined();
  });

  it('emits only OpenAPI 3.0 forms kube uses: no $id, no closed objects, nothing beside a $ref', () => {
    const text = JSON.stringify(schemas);
    expect(text).not.toContain('"$id"');
    expect(text).not.toContain('"additionalProperties":false');
    expect(text).not.toContain('9007199254740991');
    const refsWithSiblings: unknown[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        if ('$ref' in n && Object.keys(n).length > 1) refsWithSiblings.push(n);
        Object.values(n).forEach(walk);
      }
    };
    walk(schemas);
    expect(refsWithSiblings).toEqual([]);
    // A described reference keeps its description beside an allOf.
    expect(props(`${W}.Widget`)['spec']).toMatchObject({ allOf: [{ $ref: `#/components/schemas/${W}.WidgetSpec` }], description: expect.any(String) });
    // A bare one stays bare.
    const part = (findProperty(schemas, `${W}.Widget`, 'spec.parts') as JsonObject)['items'] as JsonObject;
    expect((part['properties'] as Schemas)['port']).toEqual({ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' });
  });
});

describe('paths of a fixture kind', () => {
  const base = '/apis/example.kubeling.dev/v1alpha1';

  it('has the collection, item, cluster-wide and subresource paths', () => {
    expect(Object.keys(paths).sort()).toEqual(
      [
        `${base}/gadgets`,
        `${base}/gadgets/{name}`,
        `${base}/namespaces/{namespace}/widgets`,
        `${base}/namespaces/{namespace}/widgets/{name}`,
        `${base}/namespaces/{namespace}/widgets/{name}/scale`,
        `${base}/namespaces/{namespace}/widgets/{name}/status`,
        `${base}/widgets`,
      ].sort(),
    );
  });

  it('documents only the verbs a kind has', () => {
    expect(Object.keys(paths[`${base}/gadgets/{name}`]).sort()).toEqual(['get', 'parameters', 'patch']);
    expect(Object.keys(paths[`${base}/namespaces/{namespace}/widgets/{name}`]).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put']);
  });

  it('describes a PATCH operation as kubectl reads it', () => {
    const patch = paths[`${base}/namespaces/{namespace}/widgets/{name}`]['patch'] as JsonObject;
    expect(patch['operationId']).toBe('patchExampleKubelingDevV1alpha1NamespacedWidget');
    expect(patch['x-kubernetes-action']).toBe('patch');
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'example.kubeling.dev', version: 'v1alpha1', kind: 'Widget' });
    const names = (patch['parameters'] as JsonObject[]).map((p) => [p['name'], p['in']]);
    expect(names).toEqual([
      ['dryRun', 'query'],
      ['fieldManager', 'query'],
      ['fieldValidation', 'query'],
      ['force', 'query'],
    ]);
    const content = (patch['requestBody'] as { content: JsonObject }).content;
    expect(Object.keys(content).sort()).toEqual([
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
  });

  it('gives the scale subresource the Scale GVK and body', () => {
    const get = paths[`${base}/namespaces/{namespace}/widgets/{name}/scale`]['get'] as JsonObject;
    expect(get['operationId']).toBe('readExampleKubelingDevV1alpha1NamespacedWidgetScale');
    expect(get['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('puts list parameters on list operations and delete options on deletes', () => {
    const coll = paths[`${base}/namespaces/{namespace}/widgets`];
    const listParams = ((coll['get'] as JsonObject)['parameters'] as JsonObject[]).map((p) => p['name']);
    expect(listParams).toEqual(expect.arrayContaining(['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'watch', 'allowWatchBookmarks', 'timeoutSeconds', 'sendInitialEvents']));
    const del = paths[`${base}/namespaces/{namespace}/widgets/{name}`]['delete'] as JsonObject;
    expect((del['parameters'] as JsonObject[]).map((p) => p['name'])).toEqual(expect.arrayContaining(['gracePeriodSeconds', 'propagationPolicy', 'orphanDependents', 'dryRun']));
    expect((coll['parameters'] as JsonObject[]).map((p) => p['name'])).toEqual(['namespace', 'pretty']);
  });
});

describe('served versions and documents', () => {
  it('documents a converted version under its own group-version', () => {
    const v2 = buildV3Document(fixtureModel(), 'example.kubeling.dev', 'v1alpha2')!;
    const s = (v2['components'] as { schemas: Schemas }).schemas;
    expect(s['dev.kubeling.example.v1alpha2.Gadget']['x-kubernetes-group-version-kind']).toEqual([
      { group: 'example.kubeling.dev', kind: 'Gadget', version: 'v1alpha2' },
    ]);
    expect(s['dev.kubeling.example.v1alpha1.Widget']).toBeUndefined();
    expect(buildV3Document(fixtureModel(), 'example.kubeling.dev', 'v9')).toBeUndefined();
  });

  it('is deterministic, so its hash is stable', () => {
    const a = createDocumentSet(fixtureModel);
    const b = createDocumentSet(fixtureModel);
    expect(a.v3Index()).toEqual(b.v3Index());
    expect(Object.keys(a.v3Index().paths)).toEqual(['apis/example.kubeling.dev/v1alpha1', 'apis/example.kubeling.dev/v1alpha2']);
    expect(a.v3('apis/nothing/v1')).toBeUndefined();
  });

  it('converts to Swagger 2.0 with definitions refs', () => {
    const v2 = buildV2Document(fixtureModel());
    const defs = v2['definitions'] as Schemas;
    expect((defs[`${W}.Widget`]['properties'] as Schemas)['spec']).toMatchObject({ $ref: `#/definitions/${W}.WidgetSpec` });
    const patch = (v2['paths'] as Record<string, JsonObject>)['/apis/example.kubeling.dev/v1alpha1/namespaces/{namespace}/widgets/{name}']['patch'] as JsonObject;
    expect(patch['consumes']).toContain('application/strategic-merge-patch+json');
    expect((patch['parameters'] as JsonObject[])[0]).toMatchObject({ name: 'body', in: 'body', required: true, schema: { $ref: `#/definitions/${META}.Patch` } });
  });
});
