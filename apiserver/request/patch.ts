import type { FastifyRequest } from 'fastify';
import type { KubeObject } from '../../api/types.js';
import { applyPatch, PatchError, unsupportedPatchType } from '../patch/index.js';
import { ApiError, badRequest, conflict, invalid, MODIFIED_CONFLICT } from '../errors.js';
import { parseBody } from '../rest/body.js';
import { dryRunParam, fieldValidationParam, param, type Query } from '../rest/query.js';
import { checkTypeMeta, type ResourceView } from './resource-view.js';
import { decodeObject } from '../registry/decode-object.js';
import type { RestContext } from '../rest/resource-handler.js';
import { admissionRequest } from '../rest/admission-request.js';
import { isCustomResource } from '../crd/custom-resource-type.js';

const PATCH_TYPES = new Set([
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
]);

export interface PatchResult {
  object: KubeObject;
  warnings: string[];
  created: boolean;
}

export function patchContentType(req: FastifyRequest): string {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!PATCH_TYPES.has(type)) throw unsupportedPatchType().toApiError();
  return type;
}

/** Turns the patch libraries' errors into ApiErrors once. */
export function runPatch(type: string, live: KubeObject | null, body: unknown, target: { group: string; kind: string }): KubeObject {
  try {
    return applyPatch(type, live, body, target) as KubeObject;
  } catch (err) {
    if (err instanceof PatchError) throw err.toApiError();
    throw err;
  }
}

/**
 * PATCH for an object or its status: the patch is applied to the live object in the
 * requested version, the result is decoded and validated like an update, and written
 * with compare-and-swap (re-applied on a conflicting concurrent write). Server-side apply
 * to a missing object creates it.
 */
export async function patchObject(
  ctx: RestContext,
  req: FastifyRequest,
  view: ResourceView,
  namespace: string | undefined,
  name: string,
  subresource: 'status' | 'ephemeralcontainers' | undefined,
): Promise<PatchResult> {
  const q = req.query as Query;
  const type = patchContentType(req);
  if (type === 'application/strategic-merge-patch+json' && isCustomResource(view.rt)) {
    // Custom resources have no patch strategies: kube answers 415 and lists the others.
    throw new ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  }
  const body = parseBody(req.body, type === 'application/apply-patch+yaml' ? 'application/yaml' : 'application/json');
  if (type === 'application/apply-patch+yaml') {
    if (!param(q, 'fieldManager')) {
      throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the apply configuration must be an object');
  }
  const fieldValidation = fieldValidationParam(q, 'PatchOptions');
  const dryRun = dryRunParam(q, 'PatchOptions');
  const reg = ctx.registries.for(view.rt);
  const target = { group: view.rt.group, kind: view.rt.kind };
  let warnings: string[] = [];
  const admission = admissionRequest(req, view, 'PatchOptions', dryRun);

  const decodePatched = (patched: KubeObject): KubeObject => {
    if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) {
      throw badRequest('the patch produced an object that is not a JSON object');
    }
    checkTypeMeta(patched as Record<string, unknown>, view);
    const decoded = decodeObject(view.schema, patched, { kind: view.rt.kind, version: view.version }, fieldValidation);
    warnings = decoded.warnings;
    decoded.object.metadata = decoded.object.metadata ?? {};
    return view.fromClient(decoded.object);
  };

  try {
    const object = await reg.guaranteedUpdate(
      namespace,
      name,
      (live) => {
        const patched = runPatch(type, view.toClient(live), body, target);
        const rv = patched.metadata?.resourceVersion;
        if (rv && rv !== live.metadata.resourceVersion) throw conflict({ group: view.rt.group, plural: view.rt.plural }, name, MODIFIED_CONFLICT);
        const out = decodePatched(patched);
        if (out.metadata.name !== name) {
          throw badRequest(`the name of the object (${out.metadata.name ?? ''}) does not match the name on the URL (${name})`);
        }
        if (out.metadata.uid !== undefined && out.metadata.uid !== live.metadata.uid) {
          throw invalid(view.rt.kind, view.rt.group, name, [
            { type: 'FieldValueInvalid', field: 'metadata.uid', message: `Invalid value: "${out.metadata.uid}": field is immutable` },
          ]);
        }
        return out;
      },
      { dryRun, subresource, admission },
    );
    return { object, warnings: [...warnings, ...admission.warnings], created: false };
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404 && err.reason === 'NotFound' && type === 'application/apply-patch+yaml' && !subresource)) {
      throw err;
    }
  }
  // Server-side apply creates what does not exist.
  const patched = runPatch(type, null, body, target);
  const obj = decodePatched(patched);
  obj.metadata.name = obj.metadata.name ?? name;
  if (obj.metadata.name !== name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (view.rt.namespaced && obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const created = await reg.create(namespace, obj, { dryRun, admission });
  return { object: created, warnings: [...warnings, ...admission.warnings], created: true };
}
