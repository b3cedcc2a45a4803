import type { KubeObject } from '../../api/types.js';
import type { RequestAttributes } from '../admission/attributes.js';
import type { Registries } from '../registry/registries.js';
import type { DeleteOptions, DeleteResult, ListResult, WatchSink, WriteOptions } from '../registry/generic-registry.js';
import type { StoreWatch } from '../storage/store.js';
import type { FieldValidation } from '../registry/decode-object.js';
import { compileFilter, type ObjectFilter } from '../registry/filter.js';
import { ApiError, toApiError } from '../errors.js';
import { inView, type ResourceView } from './resource-view.js';
import { checkName, checkNamespace, decodeRequestObject, type NameCheck } from './decode.js';

/**
 * The apiserver's request handlers, transport-independent (kube-apiserver's
 * endpoints/handlers): each takes the addressed view (kind in a served version), the
 * namespace and name, and plain options, and answers objects in the storage version or
 * throws an ApiError. rest/ parses HTTP into these options and writes the answer;
 * graphql/ does the same from a query's arguments. Namespaces are already scoped: the
 * caller passes undefined for a cluster-scoped kind.
 */

export interface RequestContext {
  registries: Registries;
}

export interface WriteResult {
  object: KubeObject;
  /** Unknown-field warnings and admission's warnings, for the client. */
  warnings: string[];
}

export async function getResource(ctx: RequestContext, view: ResourceView, namespace: string | undefined, name: string): Promise<KubeObject> {
  return inView(view, () => ctx.registries.for(view.rt).get(namespace, name));
}

export interface ListRequest {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export async function listResource(ctx: RequestContext, view: ResourceView, namespace: string | undefined, opts: ListRequest): Promise<ListResult> {
  const { labelSelector, fieldSelector, ...page } = opts;
  const filter = compileFilter(view.rt, labelSelector, fieldSelector, view.fieldLabels);
  return ctx.registries.for(view.rt).list(namespace, { ...page, filter });
}

/**
 * An unfiltered list of the storage version with its items as stored JSON text (spliced
 * into the answer without a parse and re-serialize); undefined when the list is filtered
 * or in a converted version, and listResource must answer it.
 */
export async function listResourceJson(
  ctx: RequestContext,
  view: ResourceView,
  namespace: string | undefined,
  opts: ListRequest,
): Promise<(Omit<ListResult, 'items'> & { items: string[] }) | undefined> {
  const { labelSelector, fieldSelector, ...page } = opts;
  if (compileFilter(view.rt, labelSelector, fieldSelector, view.fieldLabels) || view.apiVersion !== storageApiVersion(view) || view.callsOut) return undefined;
  return ctx.registries.for(view.rt).listJson(namespace, page);
}

/** The storage version's apiVersion (lists in it can be spliced from stored text). */
function storageApiVersion(view: ResourceView): string {
  return view.rt.group ? `${view.rt.group}/${view.rt.version}` : view.rt.version;
}

/**
 * The write options a view adds: its own validation (events.k8s.io/v1's strict rules) and,
 * for a view of another group, its form for managedFields.
 */
export function viewWriteOptions(view: ResourceView): Pick<WriteOptions, 'validate' | 'toRequestVersion'> {
  const out: Pick<WriteOptions, 'validate' | 'toRequestVersion'> = {};
  if (view.validate) out.validate = view.validate;
  if (view.group !== view.rt.group && !view.callsOut) out.toRequestVersion = view.toClient;
  return out;
}

export interface WriteRequest {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  /** The caller's admission attributes (request/admission.ts); warnings are appended to them. */
  admission: RequestAttributes;
}

/** Decodes `body` (already parsed), checks its namespace, creates it. */
export async function createResource(ctx: RequestContext, view: ResourceView, namespace: string | undefined, body: unknown, opts: WriteRequest): Promise<WriteResult> {
  const { object, warnings } = decodeRequestObject(view, body, opts.fieldValidation);
  checkNamespace(view.rt, object, namespace);
  const stored = await view.fromClientAsync(object);
  const created = await inView(view, () =>
    ctx.registries.for(view.rt).create(namespace, stored, { dryRun: opts.dryRun, admission: opts.admission, ...viewWriteOptions(view) }),
  );
  return { object: created, warnings: [...warnings, ...opts.admission.warnings] };
}

export interface UpdateRequest extends WriteRequest {
  /** status, ephemeralcontainers, finalize: the registry limits what the write may change. */
  subresource?: string;
  nameCheck: NameCheck;
}

/** Decodes `body`, checks its name (and its namespace, for the object itself), replaces the object. */
export async function updateResource(
  ctx: RequestContext,
  view: ResourceView,
  namespace: string | undefined,
  name: string,
  body: unknown,
  opts: UpdateRequest,
): Promise<WriteResult> {
  const { object, warnings } = decodeRequestObject(view, body, opts.fieldValidation);
  checkName(object, name, opts.nameCheck);
  if (!opts.subresource) checkNamespace(view.rt, object, namespace);
  object.metadata.name = object.metadata.name || name;
  const stored = await view.fromClientAsync(object);
  const updated = await inView(view, () =>
    ctx.registries.for(view.rt).update(namespace, name, stored, {
      dryRun: opts.dryRun,
      admission: opts.admission,
      ...viewWriteOptions(view),
      ...(opts.subresource ? { subresource: opts.subresource } : {}),
    }),
  );
  return { object: updated, warnings: [...warnings, ...opts.admission.warnings] };
}

/** DeleteOptions (request/delete-options.ts) with the caller's admission attributes. */
export async function deleteResource(ctx: RequestContext, view: ResourceView, namespace: string | undefined, name: string, opts: DeleteOptions): Promise<DeleteResult> {
  return inView(view, () => ctx.registries.for(view.rt).delete(namespace, name, opts));
}

/**
 * Deletes every object the selectors match, one by one (kube's DeleteCollection); objects
 * deleted meanwhile by someone else are no error. A namespaced kind is deleted only
 * inside one namespace, as Kubernetes serves it.
 */
export async function deleteCollection(
  ctx: RequestContext,
  view: ResourceView,
  namespace: string | undefined,
  selectors: { labelSelector?: string; fieldSelector?: string },
  opts: DeleteOptions,
): Promise<ListResult> {
  if (view.rt.namespaced && !namespace) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  return inView(view, () => deleteEach(ctx, view, namespace, selectors, opts));
}

async function deleteEach(
  ctx: RequestContext,
  view: ResourceView,
  namespace: string | undefined,
  selectors: { labelSelector?: string; fieldSelector?: string },
  opts: DeleteOptions,
): Promise<ListResult> {
  const reg = ctx.registries.for(view.rt);
  const list = await reg.list(namespace, { filter: compileFilter(view.rt, selectors.labelSelector, selectors.fieldSelector, view.fieldLabels) });
  const deleted: KubeObject[] = [];
  for (const item of list.items) {
    try {
      deleted.push((await reg.delete(item.metadata.namespace, item.metadata.name!, opts)).object);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  return { items: deleted, resourceVersion: list.resourceVersion };
}

export interface WatchRequest {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  sendInitialEvents?: boolean;
}

/**
 * Starts a watch of the view's kind (of one object when `name` is set). Selector and
 * resourceVersion errors (410 for a compacted one) are thrown as ApiErrors before any
 * event; later failures reach the sink's error().
 */
export async function watchResource(
  ctx: RequestContext,
  view: ResourceView,
  namespace: string | undefined,
  name: string | undefined,
  opts: WatchRequest,
  sink: WatchSink,
): Promise<StoreWatch> {
  let filter = compileFilter(view.rt, opts.labelSelector, opts.fieldSelector, view.fieldLabels);
  if (name) {
    const inner = filter;
    filter = ((o: KubeObject) => o.metadata.name === name && (!inner || inner(o))) as ObjectFilter;
  }
  try {
    return await ctx.registries.for(view.rt).watch(
      namespace,
      { filter, resourceVersion: opts.resourceVersion, ...(opts.sendInitialEvents !== undefined ? { sendInitialEvents: opts.sendInitialEvents } : {}) },
      sink,
    );
  } catch (err) {
    throw toApiError(err);
  }
}
