import type { RequestAttributes } from '../admission/attributes.js';
import type { UserInfo } from '../auth/authenticator.js';
import type { KubeObject, ResourceType } from '../../api/types.js';
import type { Registries } from '../registry/registries.js';
import type { DeleteResult } from '../registry/generic-registry.js';
import { ApiError, badRequest } from '../errors.js';
import { resolveView, type ResourceView } from '../request/resource-view.js';
import { APPLY_PATCH_YAML, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH } from '../patch/index.js';
import { admissionAttributes, type AdmissionOptionsKind } from '../request/admission.js';
import { decodeRequestObject } from '../request/decode.js';
import { deleteOptionsForAdmission, deleteOptionsFrom } from '../request/delete-options.js';
import { createResource, deleteResource, getResource, listResource, updateResource } from '../request/handlers.js';
import { patchResource } from '../request/patch.js';
import { resources, resourcesAt } from '../../api/registry.js';

/**
 * The GraphQL adapter of the request layer (apiserver/request/): a query's arguments become
 * the handlers' plain options, so both APIs decode, validate, admit and write alike. Input
 * objects are decoded with fieldValidation=Strict (an unknown field is a 400), as a typed
 * API should. Only the storage version of each kind is served here, except by `getAny`.
 * Errors are ApiErrors; the caller converts them once (errors.ts).
 */

export interface OperationContext {
  registries: Registries;
  /** Who asks: the dynamic admission chain (webhooks, policies) sees it, as for REST writes. */
  user?: UserInfo;
}

/** Request attributes for admission (GraphQL has no Warning headers: warnings are dropped). */
export function admission(ctx: OperationContext, rt: ResourceType, kind: AdmissionOptionsKind, dryRun: boolean, extra?: Record<string, unknown>): RequestAttributes {
  return admissionAttributes({ ...(ctx.user ? { user: ctx.user } : {}), version: rt.version, optionsKind: kind, dryRun, ...(extra ? { extra } : {}) });
}

export type PatchKind = 'JSON' | 'MERGE' | 'STRATEGIC' | 'APPLY';

const PATCH_CONTENT_TYPES: Record<PatchKind, string> = {
  JSON: JSON_PATCH,
  MERGE: MERGE_PATCH,
  STRATEGIC: STRATEGIC_MERGE_PATCH,
  APPLY: APPLY_PATCH_YAML,
};

export interface ObjectArgs {
  namespace?: string | null;
  name: string;
}

export interface ListArgs {
  namespace?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number | null;
  continue?: string | null;
  resourceVersion?: string | null;
}

export interface ObjectList {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

export interface CreateArgs {
  namespace?: string | null;
  object: unknown;
  dryRun?: boolean | null;
}

export interface ReplaceArgs extends ObjectArgs {
  object: unknown;
  dryRun?: boolean | null;
}

export interface PatchArgs extends ObjectArgs {
  patch: unknown;
  type?: PatchKind | null;
  fieldManager?: string | null;
  dryRun?: boolean | null;
}

export interface DeleteArgs extends ObjectArgs {
  gracePeriodSeconds?: number | null;
  propagationPolicy?: string | null;
  dryRun?: boolean | null;
}

export interface AnyObjectArgs extends ObjectArgs {
  apiVersion: string;
  kind: string;
}

/** The namespace a call addresses: none for cluster-scoped kinds. */
function scope(rt: ResourceType, namespace: string | null | undefined): string | undefined {
  return rt.namespaced ? (namespace ?? 'default') : undefined;
}

function storageView(rt: ResourceType): ResourceView {
  return resolveView(rt.group, rt.version, rt.plural);
}

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export async function getObject(ctx: OperationContext, rt: ResourceType, args: ObjectArgs): Promise<KubeObject> {
  return getResource(ctx, storageView(rt), scope(rt, args.namespace), args.name);
}

/**
 * The most items one GraphQL list page holds: a list without `limit` answers this many and
 * a `continue` token for the rest (as `kubectl get` pages REST lists by 500), and a larger
 * `limit` is refused.
 */
export const MAX_PAGE_SIZE = 1000;

export async function listObjects(ctx: OperationContext, rt: ResourceType, args: ListArgs): Promise<ObjectList> {
  const ns = rt.namespaced ? opt(args.namespace) : undefined;
  const limit = opt(args.limit) ?? MAX_PAGE_SIZE;
  if (limit > MAX_PAGE_SIZE) {
    throw badRequest(`limit ${limit} is more than the ${MAX_PAGE_SIZE} items a GraphQL list page may hold: ask for at most ${MAX_PAGE_SIZE} and follow metadata.continue`);
  }
  const view = storageView(rt);
  const list = await listResource(ctx, view, ns, {
    labelSelector: opt(args.labelSelector),
    fieldSelector: opt(args.fieldSelector),
    limit: limit > 0 ? limit : MAX_PAGE_SIZE,
    continue: opt(args.continue) || undefined,
    resourceVersion: opt(args.resourceVersion),
  });
  const metadata: ObjectList['metadata'] = { resourceVersion: list.resourceVersion };
  if (list.continue) metadata.continue = list.continue;
  if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  return { apiVersion: view.apiVersion, kind: rt.listKind, metadata, items: list.items };
}

/** A mutation's object input → the typed object, as REST decodes a request body. */
export function decodeInput(rt: ResourceType, input: unknown): KubeObject {
  return decodeRequestObject(storageView(rt), input, 'Strict').object;
}

/** Creates an object. Without a namespace argument, the object's own namespace (or `default`) is used. */
export async function createObject(ctx: OperationContext, rt: ResourceType, args: CreateArgs): Promise<KubeObject> {
  const own = (args.object as { metadata?: { namespace?: unknown } } | null)?.metadata?.namespace;
  const ns = scope(rt, args.namespace ?? (typeof own === 'string' && own ? own : undefined));
  const dryRun = Boolean(args.dryRun);
  const result = await createResource(ctx, storageView(rt), ns, args.object, { dryRun, fieldValidation: 'Strict', admission: admission(ctx, rt, 'CreateOptions', dryRun) });
  return result.object;
}

export async function replaceObject(ctx: OperationContext, rt: ResourceType, args: ReplaceArgs): Promise<KubeObject> {
  const dryRun = Boolean(args.dryRun);
  const result = await updateResource(ctx, storageView(rt), scope(rt, args.namespace), args.name, args.object, {
    dryRun,
    fieldValidation: 'Strict',
    admission: admission(ctx, rt, 'UpdateOptions', dryRun),
    nameCheck: 'ifSet',
  });
  return result.object;
}

/**
 * Patches an object as REST PATCH does (request/patch.ts): applied to the live object,
 * decoded and validated as an update, written with compare-and-swap. APPLY (server-side
 * apply) needs a fieldManager and creates what does not exist.
 */
export async function patchObject(ctx: OperationContext, rt: ResourceType, args: PatchArgs): Promise<KubeObject> {
  const dryRun = Boolean(args.dryRun);
  const fieldManager = opt(args.fieldManager);
  const result = await patchResource(ctx, storageView(rt), scope(rt, args.namespace), args.name, {
    type: PATCH_CONTENT_TYPES[args.type ?? 'MERGE'],
    patch: args.patch,
    ...(fieldManager ? { fieldManager } : {}),
    fieldValidation: 'Strict',
    dryRun,
    admission: admissionAttributes({ ...(ctx.user ? { user: ctx.user } : {}), version: rt.version, optionsKind: 'PatchOptions', dryRun, ...(fieldManager ? { fieldManager } : {}) }),
  });
  return result.object;
}

export async function deleteObject(ctx: OperationContext, rt: ResourceType, args: DeleteArgs): Promise<DeleteResult> {
  const opts = deleteOptionsFrom({ gracePeriodSeconds: args.gracePeriodSeconds, propagationPolicy: args.propagationPolicy, dryRun: Boolean(args.dryRun) });
  opts.admission = admission(ctx, rt, 'DeleteOptions', Boolean(opts.dryRun), deleteOptionsForAdmission(opts));
  return deleteResource(ctx, storageView(rt), scope(rt, args.namespace), args.name, opts);
}

/**
 * Any object by apiVersion and kind, in that served version (`autoscaling/v1`
 * HorizontalPodAutoscaler is converted from the stored v2), as REST GET returns it.
 */
export async function getAnyObject(ctx: OperationContext, args: AnyObjectArgs): Promise<KubeObject> {
  const slash = args.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : args.apiVersion.slice(0, slash);
  const version = slash < 0 ? args.apiVersion : args.apiVersion.slice(slash + 1);
  // A kind served in another group than its own too (events.k8s.io/v1 Event over core/v1).
  const rt = resources.find((r) => r.group === group && r.kind === args.kind) ?? resourcesAt(group, version).find((r) => r.kind === args.kind);
  if (!rt) throw new ApiError(404, 'NotFound', `no kind "${args.kind}" is registered for version "${args.apiVersion}"`);
  const view = resolveView(group, version, rt.plural);
  return (await view.toClientAll([await getResource(ctx, view, scope(rt, args.namespace), args.name)]))[0]!;
}

export interface ResourceListArgs {
  group: string;
  version: string;
  resource: string;
  namespace?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
}

/**
 * Every object of a group/version/resource as JSON, in that version, as a REST list
 * answers it: how custom kinds (CRDs), which have no generated GraphQL types, are read.
 */
export async function listResourceObjects(ctx: OperationContext, args: ResourceListArgs): Promise<KubeObject[]> {
  const view = resolveView(args.group, args.version, args.resource);
  const list = await listResource(ctx, view, view.rt.namespaced ? (args.namespace ?? undefined) : undefined, {
    labelSelector: args.labelSelector ?? undefined,
    fieldSelector: args.fieldSelector ?? undefined,
  });
  return view.toClientAll(list.items);
}
