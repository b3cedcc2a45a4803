import type { z } from 'zod';

/**
 * A minimal view of zod v4 internals (`schema._zod.def`) for walking a schema tree: which
 * child schemas a node has and under which JSON field name. Used to name nested types and
 * to copy `.describe()`/`.meta()` metadata; the JSON itself comes from z.toJSONSchema.
 */

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: readonly z.ZodType[];
  valueType?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  items?: readonly z.ZodType[];
}

export function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Wrappers that do not change the JSON shape of their inner schema. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

/**
 * A child position: `field` is the JSON property name for object members and undefined for
 * positions that do not add a path segment (list items, map values, union members, wrappers).
 */
export interface Child {
  field?: string;
  schema: z.ZodType;
}

export function childrenOf(schema: z.ZodType): Child[] {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) return [{ schema: def.innerType }];
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape ?? {}).map(([field, s]) => ({ field, schema: s }));
    case 'array':
      return def.element ? [{ schema: def.element }] : [];
    case 'record':
      return def.valueType ? [{ schema: def.valueType }] : [];
    case 'union':
      return (def.options ?? []).map((s) => ({ schema: s }));
    case 'intersection':
      return [def.left, def.right].filter((s): s is z.ZodType => !!s).map((s) => ({ schema: s }));
    case 'pipe':
      return def.in ? [{ schema: def.in }] : [];
    case 'lazy':
      return def.getter ? [{ schema: def.getter() }] : [];
    case 'tuple':
      return (def.items ?? []).map((s) => ({ schema: s }));
    default:
      return [];
  }
}

export function isObjectSchema(schema: z.ZodType): boolean {
  return defOf(schema).type === 'object';
}
