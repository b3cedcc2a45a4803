import { applyServerSideApply } from './apply-patch.js';
import { PatchError } from './errors.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { patchMetaFor } from '../../api/patch-meta.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

/**
 * One entry point for PATCH: picks the patch mechanism from the request's Content-Type,
 * as kube-apiserver's PatchResource does. Parsing the body (JSON, or YAML for apply) is
 * the caller's job; so are admission, defaulting, validation and the storage write.
 */

export { PatchError, type PatchErrorReason } from './errors.js';
export { patchMetaFor, type PatchMeta, type FieldPatchMeta, type PatchStrategy } from '../../api/patch-meta.js';
export { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, applyServerSideApply };

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH_YAML = 'application/apply-patch+yaml';
export const APPLY_PATCH_CBOR = 'application/apply-patch+cbor';

/** The patch types served, in the order kube-apiserver lists them (CBOR apply is not served). */
export const SUPPORTED_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH_YAML] as const;

/** The Content-Type without parameters (`; charset=utf-8`), as the apiserver compares it. */
export function patchMediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi >= 0 ? contentType.slice(0, semi) : contentType).trim().toLowerCase();
}

/** Whether PATCH would accept this Content-Type (for answering 415 before reading the body). */
export function isSupportedPatchType(contentType: string): boolean {
  return (SUPPORTED_PATCH_TYPES as readonly string[]).includes(patchMediaType(contentType));
}

export function unsupportedPatchType(): PatchError {
  return new PatchError(
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${SUPPORTED_PATCH_TYPES.join(', ')}`,
  );
}

/**
 * Applies a PATCH body to `live` (the stored object, in the served version) and returns
 * the patched object; never mutates its inputs. `live` is null when the object does not
 * exist: only apply creates, the other types answer NotFound (the caller should answer
 * its own `pods "x" not found` before calling).
 */
export function applyPatch(
  contentType: string,
  live: object | null,
  patchBody: unknown,
  target: { group: string; kind: string },
): object {
  const type = patchMediaType(contentType);
  if (!isSupportedPatchType(type)) throw unsupportedPatchType();
  if (type === APPLY_PATCH_YAML) return applyServerSideApply(live, patchBody, patchMetaFor(target.group, target.kind));
  if (live === null) throw new PatchError('NotFound', 'the server could not find the requested resource');
  switch (type) {
    case JSON_PATCH:
      return applyJsonPatch(live, patchBody);
    case MERGE_PATCH:
      return applyMergePatch(live, patchBody);
    default:
      return applyStrategicMergePatch(live, patchBody, patchMetaFor(target.group, target.kind));
  }
}
