import { componentsFor } from './components.js';
import type { ApiModel } from './model.js';
import type { ParamSpec } from './parameters.js';
import { pathsFor, type OperationSpec } from './paths.js';
import { REF_PREFIX, type JsonObject } from './schemas.js';
import { sortKeys } from './sort-keys.js';
import { OPENAPI_TITLE, OPENAPI_VERSION } from './v3-document.js';
import { scalarDefinitionsV2 } from './well-known.js';

/**
 * The Swagger 2.0 document of every group-version at once (GET /openapi/v2): the same
 * definitions and operations as the v3 documents, in 2.0 form. 2.0 has no anyOf and no
 * nullable, and a `$ref` carries its description beside it, as Kubernetes writes it.
 */

const DEF_PREFIX = '#/definitions/';
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
const RESPONSE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

/** An OpenAPI 3.0 schema in Swagger 2.0 form. */
export function toV2Schema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toV2Schema);
  if (node === null || typeof node !== 'object') return node;
  const src = node as JsonObject;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'nullable' || k === 'anyOf' || k === 'oneOf') continue;
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace(REF_PREFIX, DEF_PREFIX);
    else out[k] = toV2Schema(v);
  }
  const allOf = out['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1 && typeof (allOf[0] as JsonObject)['$ref'] === 'string') {
    delete out['allOf'];
    out['$ref'] = (allOf[0] as JsonObject)['$ref'];
  }
  return out;
}

function v2Param(p: ParamSpec): JsonObject {
  return {
    name: p.name,
    in: p.in,
    description: p.description,
    type: p.type,
    uniqueItems: true,
    ...(p.required ? { required: true } : {}),
  };
}

function v2Operation(o: OperationSpec): JsonObject {
  const parameters = o.params.map(v2Param);
  if (o.body) {
    parameters.unshift({ name: 'body', in: 'body', ...(o.body.required ? { required: true } : {}), schema: { $ref: `${DEF_PREFIX}${o.body.id}` } });
  }
  const responses: JsonObject = {};
  for (const [code, id] of Object.entries(o.responses)) {
    responses[code] = { description: RESPONSE_TEXT[code] ?? 'OK', schema: { $ref: `${DEF_PREFIX}${id}` } };
  }
  responses['401'] = { description: 'Unauthorized' };
  return {
    tags: [o.tag],
    description: o.description,
    operationId: o.operationId,
    consumes: o.body?.patch ? PATCH_TYPES : ['*/*'],
    produces: ['application/json', 'application/yaml', ...(o.streams ? ['application/json;stream=watch'] : [])],
    schemes: ['https'],
    ...(parameters.length > 0 ? { parameters } : {}),
    responses,
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': { group: o.gvk.group, version: o.gvk.version, kind: o.gvk.kind },
  };
}

export function buildV2Document(model: ApiModel): JsonObject {
  const paths: JsonObject = {};
  for (const p of model.kinds.flatMap(pathsFor)) {
    const item: JsonObject = { parameters: p.params.map(v2Param) };
    for (const o of p.operations) item[o.method] = v2Operation(o);
    paths[p.path] = item;
  }
  const definitions = toV2Schema(componentsFor(model.kinds, model.bodies)) as Record<string, JsonObject>;
  for (const [id, def] of Object.entries(scalarDefinitionsV2)) if (definitions[id]) definitions[id] = { ...def };
  return sortKeys({
    swagger: '2.0',
    info: { title: OPENAPI_TITLE, version: OPENAPI_VERSION },
    paths,
    definitions,
    securityDefinitions: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer token authentication' } },
    security: [{ BearerToken: [] }],
  }) as JsonObject;
}
