import { badRequest } from './errors.js';

/**
 * RFC 7386 JSON Merge Patch (`kubectl patch --type merge`; also what `kubectl label` and
 * `kubectl annotate` send for custom resources): objects merge recursively, `null`
 * deletes a member, anything else (arrays included) replaces. Same results as
 * evanphx/json-patch's MergePatch, which kube-apiserver uses.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * RFC 7386 MergePatch applied in place to `target`, which the caller owns. Values taken
 * from the patch are copied, so the result shares nothing with the patch; the target is
 * copied once by the caller, not again at every level.
 */
function mergeInto(target: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete target[k];
    } else if (isObject(v)) {
      const current = Object.hasOwn(target, k) ? target[k] : undefined;
      const next: JsonObject = isObject(current) ? current : {};
      mergeInto(next, v);
      target[k] = next;
    } else {
      target[k] = typeof v === 'object' ? structuredClone(v) : v;
    }
  }
}

/**
 * Applies a merge patch (the parsed request body) to a copy of `obj`. The patch must be a
 * JSON object: anything else cannot patch an object, and json-patch answers
 * `Invalid JSON Patch` (400).
 */
export function applyMergePatch<T extends object>(obj: T, patch: unknown): T {
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch');
  const out = structuredClone(obj) as JsonObject;
  mergeInto(out, patch);
  return out as T;
}
