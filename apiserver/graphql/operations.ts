import type { RequestAttributes } from '../admission/attributes.js';
import type { UserInfo } from '../auth/authenticator.js';
import type { KubeObject, ResourceType } from '../../api/types.js';
import type { Registries } from '../registry/registries.js';
import type { DeleteOptions, DeleteResult } from '../registry/generic-registry.js';
import { compileFilter } from '../registry/filter.js';
import { decodeObject } from '../registry/decode-object.js';
import { ApiError, badRequest, conflict, MODIFIED_CONFLICT } from '../errors.js';
import { checkTypeMeta, resolveView, type ResourceView } from '../request/resource-view.js';
import {
  APPLY_PATCH_YAML,
  applyPatch,
  JSON_PATCH,
  MERGE_PATCH,
  PatchError,
  STRATEGIC_MERGE_PATCH,
} from '../patch/index.js';
import { resources } from '../../api/registry.js';

/**
 * What the GraphQL resolvers do, as plain async functions over the Registry: the same
 * decoding, validation and writes as the REST handlers, so both APIs answer alike. Input
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
export function admission(ctx: OperationContext, rt: ResourceType, kind: string, dryRun: boolean): RequestAttributes {
  return {
    user: ctx.user ?? { username: 'system:anonymous', groups: ['system:unauthenticated'] },
    requestVersion: rt.version,
    options: { kind, apiVersion: 'meta.k8s.io/v1', ...(dryRun ? { dryRun: ['All'] } : {}) },
    warnings: [],
  };
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
  return ctx.registries.for(rt).get(scope(rt, args.namespace), args.name);
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
  const list = await ctx.registries.for(rt).list(ns, {
    filter: compileFilter(rt, opt(args.labelSelector), opt(args.fieldSelector)),
    limit: limit > 0 ? limit : MAX_PAGE_SIZE,
    continue: opt(args.continue) || undefined,
    resourceVersion: opt(args.resourceVersion),
  });
  const metadata: ObjectList['metadata'] = { resourceVersion: list.resourceVersion };
  if (list.continue) metadata.continue = list.continue;
  if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  const view = storageView(rt);
  return { apiVersion: view.apiVersion, kind: rt.listKind, metadata, items: list.items };
}

/** A mutation's object input → the typed object, as REST decodes a request body. */
export function decodeInput(rt: ResourceType, input: unknown): KubeObject {
  const view = storageView(rt);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: the object provided is not a JSON object`);
  }
  checkTypeMeta(input as Record<string, unknown>, view);
  const { object } = decodeObject(view.schema, input, { kind: rt.kind, version: rt.version }, 'Strict');
  object.metadata = object.metadata ?? {};
  return object;
}

function checkNamespace(rt: ResourceType, obj: KubeObject, ns: string | undefined): void {
  if (rt.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ns) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

function checkName(obj: KubeObject, name: string): void {
  if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
}

/** Creates an object. Without a namespace argument, the object's own namespace (or `default`) is used. */
export async function createObject(ctx: OperationContext, rt: ResourceType, args: CreateArgs): Promise<KubeObject> {
  const obj = decodeInput(rt, args.object);
  const ns = scope(rt, args.namespace ?? obj.metadata.namespace);
  checkNamespace(rt, obj, ns);
  return ctx.registries.for(rt).create(ns, obj, { dryRun: Boolean(args.dryRun), admission: admission(ctx, rt, 'CreateOptions', Boolean(args.dryRun)) });
}

export async function replaceObject(ctx: OperationContext, rt: ResourceType, args: ReplaceArgs): Promise<KubeObject> {
  const obj = decodeInput(rt, args.object);
  const ns = scope(rt, args.namespace);
  checkName(obj, args.name);
  checkNamespace(rt, obj, ns);
  obj.metadata.name = args.name;
  return ctx.registries.for(rt).update(ns, args.name, obj, { dryRun: Boolean(args.dryRun), admission: admission(ctx, rt, 'UpdateOptions', Boolean(args.dryRun)) });
}

function runPatch(contentType: string, live: KubeObject | null, patch: unknown, rt: ResourceType): KubeObject {
  try {
    return applyPatch(contentType, live, patch, { group: rt.group, kind: rt.kind }) as KubeObject;
  } catch (err) {
    throw err instanceof PatchError ? err.toApiError() : err;
  }
}

/**
 * Patches an object like REST PATCH: the patch is applied to the live object, the result
 * decoded and validated as an update and written with compare-and-swap (re-applied on a
 * concurrent write). APPLY (server-side apply) needs a fieldManager and creates what does
 * not exist.
 */
export async function patchObject(ctx: OperationContext, rt: ResourceType, args: PatchArgs): Promise<KubeObject> {
  const kind = args.type ?? 'MERGE';
  const contentType = PATCH_CONTENT_TYPES[kind];
  if (kind === 'APPLY') {
    if (!args.fieldManager) {
      throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    }
    if (args.patch === null || typeof args.patch !== 'object' || Array.isArray(args.patch)) {
      throw badRequest('the apply configuration must be an object');
    }
  }
  const ns = scope(rt, args.namespace);
  const reg = ctx.registries.for(rt);
  const dryRun = Boolean(args.dryRun);
  try {
    return await reg.guaranteedUpdate(
      ns,
      args.name,
      (live) => {
        const patched = runPatch(contentType, live, args.patch, rt);
        const rv = patched?.metadata?.resourceVersion;
        if (rv && rv !== live.metadata.resourceVersion) throw conflict({ group: rt.group, plural: rt.plural }, args.name, MODIFIED_CONFLICT);
        const out = decodeInput(rt, patched);
        checkName(out, args.name);
        return out;
      },
      { dryRun, admission: admission(ctx, rt, 'PatchOptions', dryRun) },
    );
  } catch (err) {
    const missing = err instanceof ApiError && err.code === 404 && err.reason === 'NotFound';
    if (!(missing && kind === 'APPLY')) throw err;
  }
  const obj = decodeInput(rt, runPatch(contentType, null, args.patch, rt));
  obj.metadata.name = obj.metadata.name ?? args.name;
  checkName(obj, args.name);
  checkNamespace(rt, obj, ns);
  return reg.create(ns, obj, { dryRun, admission: admission(ctx, rt, 'PatchOptions', dryRun) });
}

const POLICIES = new Set(['Orphan', 'Background', 'Foreground']);

export async function deleteObject(ctx: OperationContext, rt: ResourceType, args: DeleteArgs): Promise<DeleteResult> {
  const opts: DeleteOptions = { dryRun: Boolean(args.dryRun) };
  if (args.gracePeriodSeconds !== undefined && args.gracePeriodSeconds !== null) opts.gracePeriodSeconds = args.gracePeriodSeconds;
  const policy = opt(args.propagationPolicy);
  if (policy !== undefined) {
    if (!POLICIES.has(policy)) {
      throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
    }
    opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  }
  opts.admission = admission(ctx, rt, 'DeleteOptions', Boolean(opts.dryRun));
  return ctx.registries.for(rt).delete(scope(rt, args.namespace), args.name, opts);
}

/**
 * Any object by apiVersion and kind, in that served version (`autoscaling/v1`
 * HorizontalPodAutoscaler is converted from the stored v2), as REST GET returns it.
 */
export async function getAnyObject(ctx: OperationContext, args: AnyObjectArgs): Promise<KubeObject> {
  const slash = args.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : args.apiVersion.slice(0, slash);
  const version = slash < 0 ? args.apiVersion : args.apiVersion.slice(slash + 1);
  const rt = resources.find((r) => r.group === group && r.kind === args.kind);
  if (!rt) throw new ApiError(404, 'NotFound', `no kind "${args.kind}" is registered for version "${args.apiVersion}"`);
  const view = resolveView(group, version, rt.plural);
  const obj = await ctx.registries.for(rt).get(scope(rt, args.namespace), args.name);
  return view.toClient(obj);
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
  const filter = compileFilter(view.rt, args.labelSelector ?? undefined, args.fieldSelector ?? undefined);
  const list = await ctx.registries.for(view.rt).list(view.rt.namespaced ? args.namespace ?? undefined : undefined, { filter });
  return list.items.map((o) => view.toClient(o));
}
