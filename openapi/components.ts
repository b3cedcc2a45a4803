import { applyPatchMeta, applyTypeDocs, markKind } from './decorate.js';
import type { BodyKind, Gvk, ServedKind } from './model.js';
import { definitionName, META_V1 } from './names.js';
import { buildComponents, reachable, REF_PREFIX, unwrapBareRefs, type JsonObject, type RootSchema } from './schemas.js';
import { typeNames } from './type-names.js';
import { scalarDefinitions, statusDefinitions, wellKnownSchemas } from './well-known.js';

/**
 * The `components.schemas` of a document serving `kinds`: the kinds, their list kinds, the
 * subresource bodies they use, meta/v1 Status/DeleteOptions/Patch, and every type these
 * refer to, all decorated (GVKs, patch metadata, descriptions). Pure; JSON-only output.
 */

export const ref = (id: string): JsonObject => ({ $ref: `${REF_PREFIX}${id}` });

export const kindId = (g: Gvk): string => definitionName(g.group, g.version, g.kind);
export const listId = (k: ServedKind): string => definitionName(k.group, k.version, k.listKind);

function listSchema(k: ServedKind): JsonObject {
  return {
    type: 'object',
    description: `A list of ${k.kind} objects.`,
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      items: { type: 'array', items: { allOf: [ref(kindId(k))] } },
      metadata: { allOf: [ref(`${META_V1}.ListMeta`)] },
    },
    required: ['items'],
  };
}

/** Definitions every document needs for its paths (DELETE bodies and answers, PATCH bodies). */
export const commonDefinitionIds = [`${META_V1}.DeleteOptions`, `${META_V1}.Status`, `${META_V1}.Patch`];

export function componentsFor(kinds: readonly ServedKind[], allBodies: readonly BodyKind[]): Record<string, JsonObject> {
  // Only the bodies this document's subresources use (Scale in apps/v1, Eviction in v1, …).
  const used = new Set(kinds.flatMap((k) => k.subresources.map((s) => kindId(s.body))));
  const bodies = allBodies.filter((b) => used.has(kindId(b)));
  const roots: RootSchema[] = [
    ...kinds.map((k) => ({ id: kindId(k), schema: k.schema })),
    ...bodies.filter((b) => !kinds.some((k) => kindId(k) === kindId(b))).map((b) => ({ id: kindId(b), schema: b.schema })),
  ];
  // JSON round trip: zod may share one object between positions; decoration mutates.
  const all = JSON.parse(JSON.stringify(buildComponents({ roots, wellKnown: wellKnownSchemas(), typeNames }))) as Record<string, JsonObject>;
  for (const [id, def] of Object.entries({ ...scalarDefinitions, ...statusDefinitions })) all[id] ??= structuredClone(def);
  for (const k of kinds) all[listId(k)] = listSchema(k);

  applyTypeDocs(all);
  for (const k of kinds) {
    markKind(all[kindId(k)], k);
    markKind(all[listId(k)], { ...k, kind: k.listKind }, true);
    applyPatchMeta(all, kindId(k), k.patchMeta);
  }
  for (const b of bodies) if (all[kindId(b)]) markKind(all[kindId(b)], b);

  const kept = reachable(all, [...roots.map((r) => r.id), ...kinds.map(listId), ...commonDefinitionIds]);
  return unwrapBareRefs(kept) as Record<string, JsonObject>;
}
