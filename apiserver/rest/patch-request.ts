import type { FastifyRequest } from 'fastify';
import type { ResourceView } from '../request/resource-view.js';
import { checkApplyPatch, checkForce, checkPatchType, type PatchRequest } from '../request/patch.js';
import { APPLY_PATCH_YAML } from '../patch/index.js';
import { parseBody } from './body.js';
import { boolParam, dryRunParam, fieldValidationParam, param, type Query } from './query.js';
import { admissionRequest } from './admission-request.js';

/**
 * A PATCH request's options for request/patch.ts, read in kube's order: the patch type
 * (415), the body (400), apply's field manager, then the query's write options.
 */
export function patchRequest(req: FastifyRequest, view: ResourceView, subresource?: PatchRequest['subresource']): PatchRequest {
  const q = req.query as Query;
  const type = checkPatchType(view, req.headers['content-type'] ?? '');
  checkForce(type, param(q, 'force') !== undefined);
  const patch = parseBody(req.body, type === APPLY_PATCH_YAML ? 'application/yaml' : 'application/json');
  const fieldManager = param(q, 'fieldManager');
  checkApplyPatch(type, patch, fieldManager);
  const fieldValidation = fieldValidationParam(q, 'PatchOptions');
  const dryRun = dryRunParam(q, 'PatchOptions');
  return {
    type,
    patch,
    ...(fieldManager ? { fieldManager } : {}),
    ...(type === APPLY_PATCH_YAML ? { force: boolParam(q, 'force') } : {}),
    fieldValidation,
    dryRun,
    admission: admissionRequest(req, view, 'PatchOptions', dryRun),
    ...(subresource ? { subresource } : {}),
  };
}
