import { resources } from '../../api/registry.js';
import type { ResourceType } from '../../api/types.js';
import type { JSONSchemaProps } from '../../api/apiextensions/schema-types.js';
import { registryDocuments } from '../../openapi/generate.js';
import { hashOf, type SerializedDocument } from '../../openapi/document-set.js';
import { crdFor, isCustomResource } from './custom-resource-type.js';

/**
 * OpenAPI v3 documents for the custom resources' group-versions (kube-apiserver publishes
 * each CRD version's schema the same way), so `kubectl explain crontab.spec` works.
 * Schema names follow kube: the reversed group, the version, the kind
 * (com.example.stable.v1.CronTab). Built per request from the served kinds and memoized
 * by content.
 */

const META_REFS = ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta'];

function reversedGroup(group: string): string {
  return group.split('.').reverse().join('.');
}

function customAt(group: string, version: string): ResourceType[] {
  return resources.filter((rt) => isCustomResource(rt) && rt.group === group && (rt.version === version || (rt.conversions ?? []).some((c) => c.version === version)));
}

/** `apis/<group>/<version>` of every served custom group-version. */
export function customV3Paths(): string[] {
  const out = new Set<string>();
  for (const rt of resources) {
    if (!isCustomResource(rt)) continue;
    for (const v of [rt.version, ...(rt.conversions ?? []).map((c) => c.version)]) out.add(`apis/${rt.group}/${v}`);
  }
  return [...out];
}

function schemaForVersion(rt: ResourceType, version: string): JSONSchemaProps | undefined {
  const v = crdFor(rt)?.spec.versions.find((x) => x.name === version);
  return v?.schema?.openAPIV3Schema as JSONSchemaProps | undefined;
}

/** Copies a CRD schema into OpenAPI: int-or-string and embedded metadata as kube publishes them. */
function publish(s: JSONSchemaProps): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'x-kubernetes-validations') continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v as Record<string, JSONSchemaProps>).map(([n, p]) => [n, publish(p)]));
    } else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') {
      out[k] = publish(v as JSONSchemaProps);
    } else out[k] = v;
  }
  return out;
}

const memo = new Map<string, SerializedDocument>();

export function customV3Document(path: string): SerializedDocument | undefined {
  const m = /^apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  const [, group, version] = m as unknown as [string, string, string];
  const kinds = customAt(group, version);
  if (kinds.length === 0) return undefined;
  const builtin = registryDocuments().v3('api/v1')?.document as { components?: { schemas?: Record<string, unknown> } } | undefined;
  const schemas: Record<string, unknown> = {};
  // ObjectMeta and what it references, from the built-in core document.
  const base = builtin?.components?.schemas ?? {};
  for (const [k, v] of Object.entries(base)) if (k.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.')) schemas[k] = v;
  const paths: Record<string, unknown> = {};
  for (const rt of kinds) {
    const name = `${reversedGroup(group)}.${version}.${rt.kind}`;
    const s = schemaForVersion(rt, version) ?? { type: 'object' };
    const published = publish(s);
    const props = { ...((published.properties as Record<string, unknown>) ?? {}) };
    props.apiVersion = { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources' };
    props.kind = { type: 'string', description: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' };
    props.metadata = { allOf: [{ $ref: `#/components/schemas/${META_REFS[0]}` }], description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" };
    schemas[name] = { ...published, type: 'object', properties: props, 'x-kubernetes-group-version-kind': [{ group, kind: rt.kind, version }] };
    schemas[`${name}List`] = {
      type: 'object',
      description: `${rt.kind}List is a list of ${rt.kind}`,
      required: ['items'],
      properties: {
        apiVersion: { type: 'string' },
        items: { type: 'array', items: { $ref: `#/components/schemas/${name}` }, description: `List of ${rt.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md` },
        kind: { type: 'string' },
        metadata: { allOf: [{ $ref: `#/components/schemas/${META_REFS[1]}` }] },
      },
      'x-kubernetes-group-version-kind': [{ group, kind: `${rt.kind}List`, version }],
    };
    const prefix = rt.namespaced ? `/apis/${group}/${version}/namespaces/{namespace}/${rt.plural}` : `/apis/${group}/${version}/${rt.plural}`;
    const ok = (ref: string) => ({ responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } } } });
    paths[prefix] = { get: { ...ok(`${name}List`), operationId: `list${rt.kind}`, 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': { group, version, kind: rt.kind } } };
    paths[`${prefix}/{name}`] = { get: { ...ok(name), operationId: `read${rt.kind}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': { group, version, kind: rt.kind } } };
  }
  const info = (builtin as { info?: unknown } | undefined)?.info ?? { title: 'Kubernetes', version: 'unversioned' };
  const document = { openapi: '3.0.0', info, paths, components: { schemas } };
  const json = JSON.stringify(document);
  const hit = memo.get(json);
  if (hit) return hit;
  const out = { document, json, hash: hashOf(json) } as SerializedDocument;
  if (memo.size > 100) memo.clear();
  memo.set(json, out);
  return out;
}
