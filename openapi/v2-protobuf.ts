import YAML from 'yaml';
import { msg, type ProtoWriter } from './protobuf-writer.js';
import type { JsonObject } from './schemas.js';

/**
 * The Swagger 2.0 document in the protobuf form kube-apiserver serves for
 * `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`: the `openapi.v2`
 * messages of gnostic (OpenAPIv2.proto; field numbers below). kubectl 1.27 and 1.28 ask
 * for nothing else: they fetch it up front for apply, create and explain and fail the
 * command when it cannot be parsed. Vendor extensions and other free-form values are
 * `Any { yaml }`, as gnostic writes them. Covers what v2-document.ts produces.
 */

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

type Json = JsonObject;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** openapi.v2.Any { yaml = 2 } */
function any(value: unknown): ProtoWriter {
  return msg().string(2, YAML.stringify(value));
}

/** repeated NamedAny vendor_extension: every `x-` key. */
function vendorExtensions(w: ProtoWriter, field: number, o: Json): void {
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('x-')) w.message(field, msg().string(1, k).message(2, any(v)));
  }
}

export function schemaMessage(s: Json): ProtoWriter {
  const w = msg()
    .string(1, str(s['$ref']))
    .string(2, str(s['format']))
    .string(3, str(s['title']))
    .string(4, str(s['description']));
  if ('default' in s) w.message(5, any(s['default']));
  w.double(6, num(s['multipleOf']))
    .double(7, num(s['maximum']))
    .bool(8, bool(s['exclusiveMaximum']))
    .double(9, num(s['minimum']))
    .bool(10, bool(s['exclusiveMinimum']))
    .int(11, num(s['maxLength']))
    .int(12, num(s['minLength']))
    .string(13, str(s['pattern']))
    .int(14, num(s['maxItems']))
    .int(15, num(s['minItems']))
    .bool(16, bool(s['uniqueItems']))
    .int(17, num(s['maxProperties']))
    .int(18, num(s['minProperties']))
    .strings(19, strs(s['required']));
  if (Array.isArray(s['enum'])) for (const e of s['enum']) w.message(20, any(e));
  const ap = s['additionalProperties'];
  if (isObj(ap)) w.message(21, msg().message(1, schemaMessage(ap)));
  else if (ap === true) w.message(21, msg().bool(2, true));
  const type = s['type'];
  if (typeof type === 'string' || Array.isArray(type)) w.message(22, msg().strings(1, typeof type === 'string' ? [type] : strs(type)));
  const items = s['items'];
  if (isObj(items)) w.message(23, msg().message(1, schemaMessage(items)));
  else if (Array.isArray(items)) w.message(23, items.filter(isObj).reduce((m, i) => m.message(1, schemaMessage(i)), msg()));
  if (Array.isArray(s['allOf'])) for (const a of s['allOf'].filter(isObj)) w.message(24, schemaMessage(a));
  const props = s['properties'];
  if (isObj(props)) {
    const p = msg();
    for (const [name, ps] of Object.entries(props)) if (isObj(ps)) p.message(1, msg().string(1, name).message(2, schemaMessage(ps)));
    w.message(25, p);
  }
  w.bool(27, bool(s['readOnly']));
  if ('example' in s) w.message(30, any(s['example']));
  vendorExtensions(w, 31, s);
  return w;
}

function parameterItem(p: Json): ProtoWriter {
  let parameter: ProtoWriter;
  if (p['in'] === 'body') {
    const body = msg().string(1, str(p['description'])).string(2, str(p['name'])).string(3, 'body').bool(4, bool(p['required']));
    if (isObj(p['schema'])) body.message(5, schemaMessage(p['schema']));
    parameter = msg().message(1, body);
  } else {
    // Query and path sub-schemas number their fields differently after `name`.
    const isPath = p['in'] === 'path';
    const sub = msg().bool(1, bool(p['required'])).string(2, str(p['in'])).string(3, str(p['description'])).string(4, str(p['name']));
    sub.string(isPath ? 5 : 6, str(p['type'])).string(isPath ? 6 : 7, str(p['format'])).bool(isPath ? 19 : 20, bool(p['uniqueItems']));
    vendorExtensions(sub, isPath ? 22 : 23, p);
    parameter = msg().message(2, msg().message(isPath ? 4 : 3, sub));
  }
  return msg().message(1, parameter);
}

function operationMessage(o: Json): ProtoWriter {
  const w = msg()
    .strings(1, strs(o['tags']))
    .string(2, str(o['summary']))
    .string(3, str(o['description']))
    .string(5, str(o['operationId']))
    .strings(6, strs(o['produces']))
    .strings(7, strs(o['consumes']));
  if (Array.isArray(o['parameters'])) for (const p of o['parameters'].filter(isObj)) w.message(8, parameterItem(p));
  if (isObj(o['responses'])) {
    const rs = msg();
    for (const [code, r] of Object.entries(o['responses'])) {
      if (!isObj(r)) continue;
      const resp = msg().string(1, str(r['description']));
      if (isObj(r['schema'])) resp.message(2, msg().message(1, schemaMessage(r['schema'])));
      rs.message(1, msg().string(1, code).message(2, msg().message(1, resp)));
    }
    w.message(9, rs);
  }
  w.strings(10, strs(o['schemes']));
  vendorExtensions(w, 13, o);
  return w;
}

const METHOD_FIELDS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItemMessage(item: Json): ProtoWriter {
  const w = msg();
  for (const [method, field] of Object.entries(METHOD_FIELDS)) {
    if (isObj(item[method])) w.message(field, operationMessage(item[method] as Json));
  }
  if (Array.isArray(item['parameters'])) for (const p of item['parameters'].filter(isObj)) w.message(9, parameterItem(p));
  vendorExtensions(w, 10, item);
  return w;
}

/** Encodes a Swagger 2.0 document (as built by buildV2Document) as openapi.v2.Document. */
export function encodeV2Document(doc: Json): Uint8Array {
  const w = msg().string(1, str(doc['swagger']));
  if (isObj(doc['info'])) w.message(2, msg().string(1, str(doc['info']['title'])).string(2, str(doc['info']['version'])));
  w.strings(5, strs(doc['schemes'])).strings(6, strs(doc['consumes'])).strings(7, strs(doc['produces']));
  if (isObj(doc['paths'])) {
    const paths = msg();
    for (const [path, item] of Object.entries(doc['paths'])) if (isObj(item)) paths.message(2, msg().string(1, path).message(2, pathItemMessage(item)));
    w.message(8, paths);
  }
  if (isObj(doc['definitions'])) {
    const defs = msg();
    for (const [name, s] of Object.entries(doc['definitions'])) if (isObj(s)) defs.message(1, msg().string(1, name).message(2, schemaMessage(s)));
    w.message(9, defs);
  }
  if (Array.isArray(doc['security'])) {
    for (const req of doc['security'].filter(isObj)) {
      const r = msg();
      for (const [name, scopes] of Object.entries(req)) r.message(1, msg().string(1, name).message(2, msg().strings(1, strs(scopes))));
      w.message(12, r);
    }
  }
  if (isObj(doc['securityDefinitions'])) {
    const sd = msg();
    for (const [name, d] of Object.entries(doc['securityDefinitions'])) {
      if (!isObj(d) || d['type'] !== 'apiKey') continue;
      const key = msg().string(1, 'apiKey').string(2, str(d['name'])).string(3, str(d['in'])).string(4, str(d['description']));
      sd.message(1, msg().string(1, name).message(2, msg().message(2, key)));
    }
    w.message(13, sd);
  }
  vendorExtensions(w, 16, doc);
  return w.finish();
}
