/**
 * A deep copy with every object's keys in code-point order, as Go's encoding/json writes
 * maps. Arrays keep their order. Makes generated documents (and their hashes) stable.
 */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compare)) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
