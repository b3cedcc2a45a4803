import { z } from 'zod';
import { childrenOf, isObjectSchema } from './zod-walk.js';
import { scalarDefinitions } from './well-known.js';

/**
 * zod schemas → OpenAPI 3.0 `components.schemas`, named like Kubernetes. Named types
 * (kinds, the well-known meta types, the positions in type-names.ts) become components and
 * are referred to as `{ allOf: [{ $ref }], description, … }` where the reference carries
 * anything beside it (a bare `$ref` may not, in OpenAPI 3.0), and as a bare `$ref`
 * otherwise: Kubernetes' own forms, the ones kubectl (explain, strategic merge patch)
 * resolves. Everything else is inlined.
 */

export type JsonObject = Record<string, unknown>;

export interface RootSchema {
  /** Full definition name, `io.k8s.api.core.v1.Pod`. */
  id: string;
  schema: z.ZodType;
}

export interface ComponentInput {
  roots: readonly RootSchema[];
  /** Instances named regardless of position (meta.ts building blocks). */
  wellKnown: ReadonlyMap<z.ZodType, string>;
  /** `'<Parent>.<field path>'` → type name; see type-names.ts. */
  typeNames: Readonly<Record<string, string>>;
}

export const REF_PREFIX = '#/components/schemas/';

const lastSegment = (id: string): string => id.slice(id.lastIndexOf('.') + 1);
const packagePart = (id: string): string => id.slice(0, id.lastIndexOf('.'));

/** The definition name a position gets from the table, or the Spec/Status default of a kind. */
function positionName(parentId: string, rel: string, isRoot: boolean, table: Readonly<Record<string, string>>): string | undefined {
  const entry = table[`${lastSegment(parentId)}.${rel}`];
  if (entry) return entry.includes('.') ? `io.k8s.api.${entry}` : `${packagePart(parentId)}.${entry}`;
  if (isRoot && (rel === 'spec' || rel === 'status')) return `${parentId}${rel === 'spec' ? 'Spec' : 'Status'}`;
  return undefined;
}

/** Assigns definition names to zod instances (first name wins; a taken name is not reused). */
export function nameSchemas(input: ComponentInput): { ids: Map<z.ZodType, string>; visited: Set<z.ZodType> } {
  const ids = new Map<z.ZodType, string>();
  const taken = new Set<string>();
  const name = (s: z.ZodType, id: string): void => {
    ids.set(s, id);
    taken.add(id);
  };
  for (const [s, id] of input.wellKnown) name(s, id);
  const rootIds = new Set<string>();
  for (const r of input.roots) {
    name(r.schema, r.id);
    rootIds.add(r.id);
  }

  const visited = new Set<z.ZodType>();
  const expanded = new Set<z.ZodType>();
  const visit = (s: z.ZodType, parentId: string, rel: string, depth: number): void => {
    visited.add(s);
    if (depth > 48) return; // no recursive kinds today; a guard, not a limit anyone reaches
    const children = childrenOf(s);
    if (isObjectSchema(s)) {
      let id = ids.get(s);
      if (!id && parentId) {
        const candidate = positionName(parentId, rel, rootIds.has(parentId), input.typeNames);
        if (candidate && !taken.has(candidate)) {
          id = candidate;
          name(s, id);
        }
      }
      if (id) {
        if (expanded.has(s)) return;
        expanded.add(s);
        for (const c of children) visit(c.schema, id, c.field ?? '', depth + 1);
        return;
      }
    }
    for (const c of children) visit(c.schema, parentId, c.field ? (rel ? `${rel}.${c.field}` : c.field) : rel, depth + 1);
  };
  for (const r of input.roots) visit(r.schema, '', '', 0);
  for (const s of input.wellKnown.keys()) visit(s, '', '', 0);
  return { ids, visited };
}

/** Metadata zod keeps for `.describe()` / `.meta({ description })`, without any `id`. */
function describedMeta(s: z.ZodType): { description?: string } {
  const meta = z.globalRegistry.get(s) as { description?: unknown } | undefined;
  const description = typeof meta?.description === 'string' ? meta.description : s.description;
  return description ? { description } : {};
}

const SAFE_INT = Number.MAX_SAFE_INTEGER;

/**
 * Rewrites zod's output into Kubernetes' form: refs wrapped in allOf, no `$id`, no closed
 * objects (Kubernetes documents never set additionalProperties: false), no safe-integer
 * bounds, no propertyNames (not OpenAPI 3.0).
 */
function clean(node: unknown, inAllOf = false): unknown {
  if (Array.isArray(node)) return node.map((n) => clean(n));
  if (node === null || typeof node !== 'object') return node;
  const src = node as JsonObject;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === '$id' || k === '$schema' || k === 'propertyNames') continue;
    if (k === 'additionalProperties' && v === false) continue;
    if ((k === 'minimum' && v === -SAFE_INT) || (k === 'maximum' && v === SAFE_INT)) continue;
    if (k === 'allOf' && Array.isArray(v)) {
      out[k] = v.map((n) => clean(n, true));
      continue;
    }
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as JsonObject).map(([p, ps]) => [p, clean(ps)]));
      continue;
    }
    out[k] = clean(v);
  }
  if (typeof out['$ref'] === 'string' && !inAllOf) {
    const { $ref, ...rest } = out;
    return { ...rest, allOf: [{ $ref }] };
  }
  return out;
}

/**
 * Builds the components for the given roots: every named type (including every
 * well-known one, used or not: callers prune with reachable() once they have added
 * their own definitions), cleaned.
 */
export function buildComponents(input: ComponentInput): Record<string, JsonObject> {
  const { ids, visited } = nameSchemas(input);
  const registry = z.registry<{ id?: string; description?: string }>();
  for (const s of visited) {
    const id = ids.get(s);
    const meta = { ...describedMeta(s), ...(id ? { id } : {}) };
    if (Object.keys(meta).length > 0) registry.add(s, meta);
  }
  const { schemas } = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    uri: (id) => `${REF_PREFIX}${id}`,
    unrepresentable: 'any',
    metadata: registry,
  }) as { schemas: Record<string, JsonObject> };

  // '__shared' holds unnamed defs zod extracted (none with reused: 'inline'); skipped.
  const all: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    if (id === '__shared') continue;
    all[id] = scalarDefinitions[id] ? { ...scalarDefinitions[id] } : (clean(schema) as JsonObject);
  }
  return all;
}

/**
 * `{ allOf: [{ $ref }] }` with nothing beside it → `{ $ref }`, as kube-openapi writes a
 * reference that carries no description, default or extension (kubectl explain prints
 * `map[string]Quantity` only for the bare form). Run after decoration.
 */
export function unwrapBareRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(unwrapBareRefs);
  if (node === null || typeof node !== 'object') return node;
  const o = node as JsonObject;
  const allOf = o['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1 && Object.keys(o).length === 1) {
    const only = allOf[0] as JsonObject;
    if (typeof only['$ref'] === 'string' && Object.keys(only).length === 1) return { $ref: only['$ref'] };
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapBareRefs(v)]));
}

/** The definitions reachable from `rootIds` through `$ref`s (all of them must exist in `all`). */
export function reachable(all: Record<string, JsonObject>, rootIds: readonly string[]): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  const queue = [...rootIds];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (out[id] || !all[id]) continue;
    out[id] = all[id];
    for (const ref of refsIn(all[id])) queue.push(ref);
  }
  return out;
}

export function refsIn(node: unknown, acc: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refsIn(n, acc);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) acc.push(v.slice(REF_PREFIX.length));
      else refsIn(v, acc);
    }
  }
  return acc;
}
