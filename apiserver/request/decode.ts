import type { KubeObject, ResourceType } from '../../api/types.js';
import { badRequest } from '../errors.js';
import { decodeObject, type DecodeResult, type FieldValidation } from '../registry/decode-object.js';
import { checkTypeMeta, type ResourceView } from './resource-view.js';

/**
 * The checks kube-apiserver makes on an object a client sends (a create or update body, a
 * GraphQL input, the result of a patch): it must be a JSON object of the addressed
 * apiVersion and kind, it decodes against the served version's schema, and its name and
 * namespace agree with the ones the request addresses. Transport-independent: the caller
 * has parsed the bytes.
 */

/** A body → a typed object in the served version, with unknown-field warnings. */
export function decodeRequestObject(view: ResourceView, body: unknown, fieldValidation: FieldValidation, kind = view.rt.kind): DecodeResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`${kind} in version "${view.version}" cannot be handled as a ${kind}: the object provided is not a JSON object`);
  }
  checkTypeMeta(body as Record<string, unknown>, view, kind);
  // A body without metadata gets "name: Required value" from validation, not a decode error.
  const withMeta = body as Record<string, unknown>;
  if (withMeta.metadata === undefined || withMeta.metadata === null) withMeta.metadata = {};
  const decoded = decodeObject(view.schema, body, { kind, version: view.version }, fieldValidation);
  decoded.object.metadata = decoded.object.metadata ?? {};
  return decoded;
}

/**
 * How strictly an update's object must carry the name it is written under: `required` (a
 * PUT of the object), `ifSet` (a subresource, a GraphQL replace), `none` (pods'
 * ephemeralcontainers, a namespace's finalize).
 */
export type NameCheck = 'required' | 'ifSet' | 'none';

export function checkName(obj: KubeObject, name: string, check: NameCheck): void {
  if (check === 'none') return;
  const own = obj.metadata.name;
  if (check === 'ifSet' && !own) return;
  if (own !== name) throw badRequest(`the name of the object (${own ?? ''}) does not match the name on the URL (${name})`);
}

export function checkNamespace(rt: ResourceType, obj: KubeObject, namespace: string | undefined): void {
  if (rt.namespaced && obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}
