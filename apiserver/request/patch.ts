import type { KubeObject } from '../../api/types.js';
import { APPLY_PATCH_YAML, applyPatch, patchMediaType, PatchError, STRATEGIC_MERGE_PATCH, unsupportedPatchType, isSupportedPatchType } from '../patch/index.js';
import { ApiError, badRequest, conflict, invalid, MODIFIED_CONFLICT } from '../errors.js';
import { checkTypeMeta, inView, type ResourceView } from './resource-view.js';
import { viewWriteOptions } from './handlers.js';
import { decodeObject } from '../registry/decode-object.js';
import { isCustomResource } from '../crd/custom-resource-type.js';
import { checkName, checkNamespace } from './decode.js';
import { serverSideApply, type ApplyOptions } from '../patch/apply-patch.js';
import { fieldTypesFor } from '../patch/schema-patch-meta.js';
import type { PatchMeta } from '../../api/patch-meta.js';
import { formatTime } from '../registry/object-meta.js';
import type { RequestContext, WriteRequest } from './handlers.js';

export interface PatchResult {
  object: KubeObject;
  warnings: string[];
  created: boolean;
}

/**
 * The patch type of a Content-Type (parameters dropped), or 415 with the accepted types.
 * Custom resources have no patch strategies: a strategic merge patch of one is 415 too,
 * listing the others, as kube answers.
 */
export function checkPatchType(view: ResourceView, contentType: string): string {
  const type = patchMediaType(contentType);
  if (!isSupportedPatchType(type)) throw unsupportedPatchType().toApiError();
  if (type === STRATEGIC_MERGE_PATCH && isCustomResource(view.rt)) {
    throw new ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  }
  return type;
}

/** Server-side apply needs a field manager and an object. */
export function checkApplyPatch(type: string, patch: unknown, fieldManager: string | undefined): void {
  if (type !== APPLY_PATCH_YAML) return;
  if (!fieldManager) {
    throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  }
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw badRequest('the apply configuration must be an object');
}

/** kube's 422 for `force` on a patch that is not an apply. */
export function checkForce(type: string, forceGiven: boolean): void {
  if (type !== APPLY_PATCH_YAML && forceGiven) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [{ type: 'FieldValueForbidden', field: 'force', message: 'Forbidden: may not be specified for non-apply patch' }]);
  }
}

/** Applies a patch, turning the patch library's errors into ApiErrors once. With `apply`, server-side apply records ownership. */
export function runPatch(
  type: string,
  live: KubeObject | null,
  patch: unknown,
  target: { group: string; kind: string },
  apply?: { meta: PatchMeta; options: ApplyOptions },
): KubeObject {
  try {
    if (apply && type === APPLY_PATCH_YAML) return serverSideApply(live, patch, apply.meta, apply.options) as KubeObject;
    return applyPatch(type, live, patch, target) as KubeObject;
  } catch (err) {
    if (err instanceof PatchError) throw err.toApiError();
    throw err;
  }
}

export interface PatchRequest extends WriteRequest {
  /** The patch's media type (checkPatchType). */
  type: string;
  /** The parsed patch document. */
  patch: unknown;
  fieldManager?: string;
  /** PatchOptions.force: server-side apply takes conflicting fields. */
  force?: boolean;
  subresource?: 'status' | 'ephemeralcontainers';
}

/**
 * PATCH of an object or its status: the patch is applied to the live object in the
 * requested version, the result is decoded and validated like an update, and written
 * with compare-and-swap (re-applied on a conflicting concurrent write). Server-side apply
 * to a missing object creates it.
 */
export async function patchResource(ctx: RequestContext, view: ResourceView, namespace: string | undefined, name: string, req: PatchRequest): Promise<PatchResult> {
  return inView(view, () => patchInView(ctx, view, namespace, name, req));
}

async function patchInView(ctx: RequestContext, view: ResourceView, namespace: string | undefined, name: string, req: PatchRequest): Promise<PatchResult> {
  const type = checkPatchType(view, req.type);
  checkApplyPatch(type, req.patch, req.fieldManager);
  const reg = ctx.registries.for(view.rt);
  const target = { group: view.rt.group, kind: view.rt.kind };
  const { admission, dryRun } = req;
  let warnings: string[] = [];
  const isApply = type === APPLY_PATCH_YAML;
  const apply = isApply
    ? {
        meta: fieldTypesFor(view.rt),
        options: {
          manager: req.fieldManager ?? '',
          apiVersion: view.apiVersion,
          subresource: req.subresource,
          force: req.force ?? false,
          now: formatTime(ctx.registries.clock.now()),
          statusSubresource: Boolean(view.rt.subresources.status),
        },
      }
    : undefined;

  const decodePatched = async (patched: KubeObject): Promise<KubeObject> => {
    if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) {
      throw badRequest('the patch produced an object that is not a JSON object');
    }
    checkTypeMeta(patched as Record<string, unknown>, view);
    const decoded = decodeObject(view.schema, patched, { kind: view.rt.kind, version: view.version }, req.fieldValidation);
    warnings = decoded.warnings;
    decoded.object.metadata = decoded.object.metadata ?? {};
    return view.fromClientAsync(decoded.object);
  };

  try {
    const object = await reg.guaranteedUpdate(
      namespace,
      name,
      async (live) => {
        const [current] = await view.toClientAll([live]);
        const patched = runPatch(type, current!, req.patch, target, apply);
        const rv = patched.metadata?.resourceVersion;
        if (rv && rv !== live.metadata.resourceVersion) throw conflict({ group: view.rt.group, plural: view.rt.plural }, name, MODIFIED_CONFLICT);
        const out = await decodePatched(patched);
        checkName(out, name, 'required');
        if (out.metadata.uid !== undefined && out.metadata.uid !== live.metadata.uid) {
          throw invalid(view.rt.kind, view.rt.group, name, [
            { type: 'FieldValueInvalid', field: 'metadata.uid', message: `Invalid value: "${out.metadata.uid}": field is immutable` },
          ]);
        }
        return out;
      },
      { dryRun, subresource: req.subresource, admission, appliedManagedFields: isApply, ...viewWriteOptions(view) },
    );
    return { object, warnings: [...warnings, ...admission.warnings], created: false };
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404 && err.reason === 'NotFound' && type === APPLY_PATCH_YAML && !req.subresource)) {
      throw err;
    }
  }
  // Server-side apply creates what does not exist.
  const obj = await decodePatched(runPatch(type, null, req.patch, target, apply));
  obj.metadata.name = obj.metadata.name ?? name;
  checkName(obj, name, 'required');
  checkNamespace(view.rt, obj, namespace);
  const created = await reg.create(namespace, obj, { dryRun, admission, appliedManagedFields: true, ...viewWriteOptions(view) });
  return { object: created, warnings: [...warnings, ...admission.warnings], created: true };
}
