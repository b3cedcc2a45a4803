import type { z } from 'zod';
import { subresourcesOf, type Gvk } from '../api/subresources.js';
import type { ResourceType } from '../api/types.js';
import type { PatchMeta } from '../api/patch-meta.js';

/**
 * What the OpenAPI documents are built from: every (kind, served version) with its schema,
 * REST shape and patch metadata. Built from the registry by apiModelFrom; tests build
 * their own from fixtures.
 */

export type { Gvk };

export interface SubresourceSpec {
  /** `status`, `scale`, `binding`, `eviction`, `finalize`. */
  name: string;
  /** REST verbs: get, update, patch, create. */
  verbs: string[];
  /** The kind of the request and response bodies (Scale for scale, the kind itself for status). */
  body: Gvk;
}

export interface ServedKind extends Gvk {
  listKind: string;
  plural: string;
  namespaced: boolean;
  verbs: readonly string[];
  /** The schema of this served version. */
  schema: z.ZodType;
  subresources: SubresourceSpec[];
  patchMeta: PatchMeta;
}

/** A body kind that is not itself a resource of the group-version (Scale, Binding, Eviction). */
export interface BodyKind extends Gvk {
  schema: z.ZodType;
}

export interface ApiModel {
  kinds: ServedKind[];
  bodies: BodyKind[];
}

export interface ModelOptions {
  patchMetaFor(group: string, kind: string): PatchMeta;
  /** Schemas of subresource bodies by kind: Scale, Binding, Eviction. Missing ones are not documented. */
  bodies: BodyKind[];
}

export function hasVerb(verbs: readonly string[], verb: string): boolean {
  return verbs.includes(verb);
}

/** The subresources of a kind with an object body, in this model's shape (see api/subresources.ts). */
export function subresourcesFor(rt: Pick<ResourceType, 'group' | 'kind' | 'version' | 'subresources'>, version: string): SubresourceSpec[] {
  return subresourcesOf(rt, version)
    .filter((s) => s.objectBody)
    .map((s) => ({ name: s.name, verbs: s.verbs, body: s.kind }));
}

/** Every served version of every resource, storage version first. */
export function apiModelFrom(resources: readonly ResourceType[], options: ModelOptions): ApiModel {
  const kinds: ServedKind[] = [];
  const bodyKinds = new Set(options.bodies.map((b) => `${b.group}/${b.version}/${b.kind}`));
  for (const rt of resources) {
    const versions = [
      { group: rt.group, version: rt.version, schema: rt.schema },
      ...(rt.conversions ?? []).map((c) => ({ group: c.group ?? rt.group, version: c.version, schema: c.schema })),
    ];
    for (const { group, version, schema } of versions) {
      kinds.push({
        group,
        version,
        kind: rt.kind,
        listKind: rt.listKind,
        plural: rt.plural,
        namespaced: rt.namespaced,
        verbs: rt.verbs,
        schema,
        // A subresource whose body schema is unknown is left out rather than documented wrong.
        subresources: subresourcesFor(rt, version).filter(
          (s) => (s.body.kind === rt.kind && s.body.group === rt.group) || bodyKinds.has(`${s.body.group}/${s.body.version}/${s.body.kind}`),
        ),
        patchMeta: options.patchMetaFor(group, rt.kind),
      });
    }
  }
  return { kinds, bodies: options.bodies };
}

/** The group-versions the model serves, in first-seen order. */
export function groupVersions(model: ApiModel): Array<{ group: string; version: string }> {
  const seen = new Map<string, { group: string; version: string }>();
  for (const k of model.kinds) {
    const key = `${k.group}/${k.version}`;
    if (!seen.has(key)) seen.set(key, { group: k.group, version: k.version });
  }
  return [...seen.values()];
}
