import { resources } from '../../api/registry.js';
import type { JSONSchemaProps } from '../../api/apiextensions/schema-types.js';
import { hashOf, type SerializedDocument } from '../../openapi/document-set.js';
import { encodeV2Document } from '../../openapi/v2-protobuf.js';
import { crdFor, isCustomResource } from './custom-resource-type.js';

/**
 * The custom kinds in GET /openapi/v2, as kube-apiserver merges each CRD version's schema
 * into the Swagger 2.0 document (kubectl 1.27/1.28 read it for apply and explain).
 * Schemas go through kube's ToStructuralOpenAPIV2 rules: no allOf/anyOf/oneOf/not; a
 * nullable or preserve-unknown-fields node loses its properties and items (and nullable
 * its type); an array without items and a preserve-unknown-fields object lose their type;
 * a nullable property is not required. Definition names are kube's
 * (com.example.stable.v1.CronTab); the merged document is rebuilt only when the served
 * custom kinds change.
 */

type Json = Record<string, unknown>;

const OBJECT_META = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const DROPPED = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'nullable', 'x-kubernetes-validations']);

/** kube's ToStructuralOpenAPIV2 on one schema node (a copy). */
export function toV2CustomSchema(s: JSONSchemaProps): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) if (!DROPPED.has(k)) out[k] = v;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s.nullable) {
    delete out.type;
    delete out.items;
    delete out.properties;
  }
  if (preserve) {
    delete out.items;
    delete out.properties;
  }
  if (out.items === undefined && out.type === 'array') delete out.type;
  if (preserve && out.type === 'object') delete out.type;
  if (out.properties && typeof out.properties === 'object') {
    const props = out.properties as Record<string, JSONSchemaProps>;
    out.properties = Object.fromEntries(Object.entries(props).map(([n, p]) => [n, toV2CustomSchema(p)]));
    const nullable = new Set(Object.entries(props).filter(([, p]) => p.nullable).map(([n]) => n));
    if (Array.isArray(out.required) && nullable.size > 0) {
      const kept = (out.required as string[]).filter((r) => !nullable.has(r));
      if (kept.length > 0) out.required = kept;
      else delete out.required;
    }
  }
  if (out.items && typeof out.items === 'object' && !Array.isArray(out.items)) out.items = toV2CustomSchema(out.items as JSONSchemaProps);
  if (out.additionalProperties && typeof out.additionalProperties === 'object') {
    const ap = out.additionalProperties as JSONSchemaProps;
    if (ap.nullable) delete out.required;
    out.additionalProperties = toV2CustomSchema(ap);
  }
  return out;
}

function reversedGroup(group: string): string {
  return group.split('.').reverse().join('.');
}

/** Go's name for operation ids: "stable.example.com" → "StableExampleCom". */
function camel(s: string): string {
  return s
    .split(/[.-]/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

/** The custom definitions and paths to merge, keyed by name. */
export function customV2Parts(): { definitions: Json; paths: Json } {
  const definitions: Json = {};
  const paths: Json = {};
  for (const rt of resources) {
    if (!isCustomResource(rt)) continue;
    const crd = crdFor(rt);
    if (!crd) continue;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      const group = rt.group;
      const name = `${reversedGroup(group)}.${v.name}.${rt.kind}`;
      const schema = toV2CustomSchema((v.schema?.openAPIV3Schema as JSONSchemaProps | undefined) ?? { type: 'object' });
      const props = { ...((schema.properties as Json | undefined) ?? {}) };
      props.apiVersion = { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources' };
      props.kind = { type: 'string', description: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' };
      props.metadata = { $ref: OBJECT_META, description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" };
      definitions[name] = { ...schema, type: 'object', properties: props, 'x-kubernetes-group-version-kind': [{ group, kind: rt.kind, version: v.name }] };
      definitions[`${name}List`] = {
        description: `${rt.kind}List is a list of ${rt.kind}`,
        type: 'object',
        required: ['items'],
        properties: {
          apiVersion: { type: 'string', description: (props.apiVersion as Json).description },
          items: { type: 'array', items: { $ref: `#/definitions/${name}` }, description: `List of ${rt.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md` },
          kind: { type: 'string', description: (props.kind as Json).description },
          metadata: { $ref: LIST_META, description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
        },
        'x-kubernetes-group-version-kind': [{ group, kind: `${rt.kind}List`, version: v.name }],
      };
      const gvk = { group, version: v.name, kind: rt.kind };
      const idBase = `${camel(group)}${camel(v.name)}${rt.namespaced ? 'Namespaced' : ''}${rt.kind}`;
      const op = (action: string, verb: string, ref: string): Json => ({
        description: `${action} ${rt.kind}`,
        operationId: `${verb}${idBase}`,
        produces: ['application/json', 'application/yaml'],
        schemes: ['https'],
        responses: { '200': { description: 'OK', schema: { $ref: `#/definitions/${ref}` } }, '401': { description: 'Unauthorized' } },
        'x-kubernetes-action': verb === 'list' ? 'list' : 'get',
        'x-kubernetes-group-version-kind': gvk,
        tags: [`${camel(group)}_${v.name}`],
      });
      const nsParam = rt.namespaced ? [{ name: 'namespace', in: 'path', required: true, type: 'string', uniqueItems: true, description: 'object name and auth scope, such as for teams and projects' }] : [];
      const prefix = rt.namespaced ? `/apis/${group}/${v.name}/namespaces/{namespace}/${rt.plural}` : `/apis/${group}/${v.name}/${rt.plural}`;
      paths[prefix] = { get: op('list or watch objects of kind', 'list', `${name}List`), ...(nsParam.length ? { parameters: nsParam } : {}) };
      paths[`${prefix}/{name}`] = {
        get: op('read the specified', 'read', name),
        parameters: [{ name: 'name', in: 'path', required: true, type: 'string', uniqueItems: true, description: `name of the ${rt.kind}` }, ...nsParam],
      };
    }
  }
  return { definitions, paths };
}

interface Merged {
  key: string;
  doc: SerializedDocument;
  proto?: { bytes: Uint8Array; hash: string };
}
let merged: Merged | undefined;

/** The built-in v2 document with the served custom kinds; undefined when there are none. */
export function customV2Document(base: SerializedDocument): Merged | undefined {
  const parts = customV2Parts();
  if (Object.keys(parts.definitions).length === 0) return undefined;
  const key = `${base.hash}:${JSON.stringify(parts)}`;
  if (merged?.key === key) return merged;
  const doc = base.document as Json;
  const document: Json = {
    ...doc,
    paths: sortKeys({ ...(doc.paths as Json), ...parts.paths }),
    definitions: sortKeys({ ...(doc.definitions as Json), ...parts.definitions }),
  };
  const json = JSON.stringify(document);
  merged = { key, doc: { document: document as SerializedDocument['document'], json, hash: hashOf(json) } };
  return merged;
}

/** The hook /openapi/v2 calls (openapi/routes.ts DynamicOpenApi.v2). */
export function customV2(base: SerializedDocument): { json: SerializedDocument; protobuf(): { bytes: Uint8Array; hash: string } } | undefined {
  const m = customV2Document(base);
  return m ? { json: m.doc, protobuf: () => customV2Protobuf(m) } : undefined;
}

/** The merged document as gnostic protobuf, encoded once per content. */
export function customV2Protobuf(m: Merged): { bytes: Uint8Array; hash: string } {
  if (!m.proto) {
    const bytes = encodeV2Document(m.doc.document);
    m.proto = { bytes, hash: hashOf(Buffer.from(bytes).toString('base64')) };
  }
  return m.proto;
}

function sortKeys(o: Json): Json {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
