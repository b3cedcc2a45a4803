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

/** RFC 7386 MergePatch(target, patch); returns new values, sharing nothing with its inputs. */
function mergeValue(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergeValue(Object.hasOwn(out, k) ? out[k] : undefined, v);
  }
  return out;
}

/**
 * Applies a merge patch (the parsed request body) to a copy of `obj`. The patch must be a
 * JSON object: anything else cannot patch an object, and json-patch answers
 * `Invalid JSON Patch` (400).
 */
export function applyMergePatch<T extends object>(obj: T, patch: unknown): T {
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch');
  return mergeValue(obj, patch) as T;
}
