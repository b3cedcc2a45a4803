import type { ResourceType } from './types.js';
import { coreResources } from './core/index.js';
import { appsResources } from './apps/index.js';
import { autoscalingResources } from './autoscaling/index.js';
import { batchResources } from './batch/index.js';
import { coordinationResources } from './coordination/index.js';
import { discoveryResources } from './discovery/index.js';
import { policyResources } from './policy/index.js';
import { rbacResources } from './rbac/index.js';
import { networkingResources } from './networking/index.js';
import { apiregistrationResources } from './apiregistration/index.js';
import { storageResources } from './storage/index.js';
import { schedulingResources } from './scheduling/index.js';
import { nodeResources } from './node/index.js';
import { authnResources } from './authn/index.js';
import { authzResources } from './authz/index.js';
import { admissionregistrationResources } from './admissionregistration/index.js';
import { apiextensionsResources } from './apiextensions/index.js';
import { certificatesResources } from './certificates/index.js';
import { flowcontrolResources } from './flowcontrol/index.js';

/** Every kind Kubeling serves, in discovery order. */
export const resources: readonly ResourceType[] = [
  ...coreResources,
  ...appsResources,
  ...autoscalingResources,
  ...batchResources,
  ...coordinationResources,
  ...discoveryResources,
  ...policyResources,
  ...rbacResources,
  ...networkingResources,
  ...apiregistrationResources,
  ...storageResources,
  ...schedulingResources,
  ...nodeResources,
  ...certificatesResources,
  ...authnResources,
  ...authzResources,
  ...admissionregistrationResources,
  ...apiextensionsResources,
  ...flowcontrolResources,
];

/** The built-in kinds only (never a CRD's): for documents generated once (OpenAPI). */
export const builtinResources: readonly ResourceType[] = [...resources];

export function groupVersion(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group === '' ? rt.version : `${rt.group}/${rt.version}`;
}

/** Finds a kind by group and plural resource name (the URL segment). */
export function findResource(group: string, plural: string): ResourceType | undefined {
  return resources.find((r) => r.group === group && r.plural === plural);
}

/**
 * Every group/version a kind is served at: its storage version first, then its
 * conversions (in the kind's group unless a conversion names another, e.g. core/v1
 * Event also served as events.k8s.io/v1).
 */
export function servedGroupVersions(rt: ResourceType): Array<{ group: string; version: string }> {
  return [{ group: rt.group, version: rt.version }, ...(rt.conversions ?? []).map((c) => ({ group: c.group ?? rt.group, version: c.version }))];
}

/** The versions a kind is served at in its own group (storage first). */
export function ownGroupVersions(rt: ResourceType): string[] {
  return servedGroupVersions(rt)
    .filter((gv) => gv.group === rt.group)
    .map((gv) => gv.version);
}

/** The kinds served at group/version: in their storage version or a converted one. */
export function resourcesAt(group: string, version: string): ResourceType[] {
  return resources.filter((rt) => servedGroupVersions(rt).some((gv) => gv.group === group && gv.version === version));
}

export function findResourceByKind(group: string, kind: string): ResourceType | undefined {
  return resources.find((r) => r.group === group && r.kind === kind);
}

/** A kind the caller knows is served (a built-in one): its absence is a programming error. */
export function resourceByKind(group: string, kind: string): ResourceType {
  const rt = findResourceByKind(group, kind);
  if (!rt) throw new Error(`unknown kind ${group}/${kind}`);
  return rt;
}

/**
 * Custom resources (apiserver/crd): a CRD's kind joins `resources` while it is Established
 * and leaves when the CRD goes, so discovery, routing and the registries see it like a
 * built-in kind. Replacing an entry (a CRD update) keeps its place.
 */
let generation = 0;

/** Bumped whenever a custom resource is added or removed: caches of discovery key on it. */
export function resourcesGeneration(): number {
  return generation;
}

export function addDynamicResource(rt: ResourceType, replaces?: ResourceType): void {
  generation++;
  const list = resources as ResourceType[];
  // Two apiservers in one process (tests) serve the same CRD: one entry per group/plural.
  let at = replaces ? list.indexOf(replaces) : -1;
  if (at < 0) at = list.findIndex((r) => r.group === rt.group && r.plural === rt.plural && !builtinResources.includes(r));
  if (at >= 0) list[at] = rt;
  else list.push(rt);
}

export function removeDynamicResource(rt: ResourceType): void {
  generation++;
  const list = resources as ResourceType[];
  const at = list.indexOf(rt);
  if (at >= 0) list.splice(at, 1);
}
