/**
 * RFC 7386 JSON merge patch: objects merge recursively, `null` deletes a key, anything
 * else (arrays included) replaces. Pure: returns a new value, inputs are untouched.
 * The fake client also uses it to approximate strategic merge and apply patches.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
