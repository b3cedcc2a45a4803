import { versionInfo } from '../apiserver/rest/version.js';
import { componentsFor } from './components.js';
import type { ApiModel } from './model.js';
import type { ParamSpec } from './parameters.js';
import { pathsFor, type OperationSpec, type PathSpec } from './paths.js';
import { REF_PREFIX, type JsonObject } from './schemas.js';
import { sortKeys } from './sort-keys.js';

/**
 * The OpenAPI 3.0 document of one group-version, as kube-apiserver serves it under
 * /openapi/v3/api/v1 and /openapi/v3/apis/<group>/<version>. Keys are sorted (Go's JSON
 * encoding of maps), so the output and its hash are deterministic.
 */

export const OPENAPI_TITLE = 'Kubernetes';
/** info.version: the server's gitVersion, as kube-apiserver writes it. */
export const OPENAPI_VERSION = versionInfo()['gitVersion'] ?? 'unversioned';

const PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
const RESPONSE_TYPES = ['application/json', 'application/yaml'];
const STREAM_TYPES = ['application/json;stream=watch'];
const RESPONSE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

const schemaRef = (id: string): JsonObject => ({ $ref: `${REF_PREFIX}${id}` });

export function v3Param(p: ParamSpec): JsonObject {
  return {
    name: p.name,
    in: p.in,
    description: p.description,
    ...(p.required ? { required: true } : {}),
    schema: { type: p.type, uniqueItems: true },
  };
}

function content(types: string[], id: string): JsonObject {
  return Object.fromEntries(types.map((t) => [t, { schema: schemaRef(id) }]));
}

export function v3Operation(o: OperationSpec): JsonObject {
  const responses: JsonObject = {};
  for (const [code, id] of Object.entries(o.responses)) {
    responses[code] = { description: RESPONSE_TEXT[code] ?? 'OK', content: content([...RESPONSE_TYPES, ...(o.streams ? STREAM_TYPES : [])], id) };
  }
  responses['401'] = { description: 'Unauthorized' };
  const out: JsonObject = {
    tags: [o.tag],
    description: o.description,
    operationId: o.operationId,
    ...(o.params.length > 0 ? { parameters: o.params.map(v3Param) } : {}),
    responses,
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': { group: o.gvk.group, version: o.gvk.version, kind: o.gvk.kind },
  };
  if (o.body) {
    out['requestBody'] = {
      content: content(o.body.patch ? PATCH_TYPES : ['*/*'], o.body.id),
      ...(o.body.required ? { required: true } : {}),
    };
  }
  return out;
}

export function v3Paths(specs: readonly PathSpec[]): JsonObject {
  const paths: JsonObject = {};
  for (const p of specs) {
    const item: JsonObject = { parameters: p.params.map(v3Param) };
    for (const o of p.operations) item[o.method] = v3Operation(o);
    paths[p.path] = item;
  }
  return paths;
}

/** The document of one group-version, or undefined when the model serves nothing there. */
export function buildV3Document(model: ApiModel, group: string, version: string): JsonObject | undefined {
  const kinds = model.kinds.filter((k) => k.group === group && k.version === version);
  if (kinds.length === 0) return undefined;
  return sortKeys({
    openapi: '3.0.0',
    info: { title: OPENAPI_TITLE, version: OPENAPI_VERSION },
    paths: v3Paths(kinds.flatMap(pathsFor)),
    components: {
      schemas: componentsFor(kinds, model.bodies),
      securitySchemes: {
        BearerToken: { type: 'apiKey', in: 'header', name: 'authorization', description: 'Bearer token authentication' },
      },
    },
    security: [{ BearerToken: [] }],
  }) as JsonObject;
}
