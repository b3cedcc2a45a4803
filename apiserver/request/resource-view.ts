import type { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../../api/types.js';
import { findResource, resourcesAt } from '../../api/registry.js';
import { ApiError, badRequest } from '../errors.js';

/**
 * A kind as seen through one served version: the storage version, or a converted one
 * (autoscaling/v1 HorizontalPodAutoscaler over the stored v2).
 */
export interface ResourceView {
  rt: ResourceType;
  /** The group addressed: the kind's own, or the one a conversion serves it in (events.k8s.io). */
  group: string;
  version: string;
  apiVersion: string;
  /** Field selector labels of this view → the kind's (undefined: the kind's own labels). */
  fieldLabels?: Record<string, string>;
  /** Validation of writes through this view beyond the kind's own (registry WriteOptions.validate). */
  validate?: (obj: KubeObject, old?: KubeObject) => FieldError[];
  schema: z.ZodType;
  /** Synchronous conversion: only for kinds without a conversion webhook (see `converts`). */
  toClient(obj: KubeObject): KubeObject;
  fromClient(obj: KubeObject): KubeObject;
  /** Whether changing versions calls out (a CRD's conversion webhook): use the async forms. */
  callsOut: boolean;
  /** Stored objects → this version, in order (one ConversionReview for all of them). */
  toClientAll(objs: KubeObject[]): Promise<KubeObject[]>;
  /** A client's object in this version → the storage version. */
  fromClientAsync(obj: KubeObject): Promise<KubeObject>;
}

/** The async forms of a view's conversion, from its sync ones or the kind's converter. */
function withAsync(view: Omit<ResourceView, 'callsOut' | 'toClientAll' | 'fromClientAsync'>): ResourceView {
  const { rt, apiVersion } = view;
  const convert = rt.convertObjects;
  if (!convert) {
    return {
      ...view,
      callsOut: false,
      toClientAll: async (objs) => objs.map(view.toClient),
      fromClientAsync: async (obj) => view.fromClient(obj),
    };
  }
  const storageApiVersion = rt.group ? `${rt.group}/${rt.version}` : rt.version;
  return {
    ...view,
    callsOut: true,
    toClientAll: (objs) => convert.call(rt, objs, apiVersion),
    fromClientAsync: async (obj) => (await convert.call(rt, [{ ...obj, apiVersion, kind: rt.kind }], storageApiVersion))[0]!,
  };
}

export function resolveView(group: string, version: string, plural: string): ResourceView {
  const rt = resourcesAt(group, version).find((r) => r.plural === plural) ?? undefined;
  if (!rt || (rt.group === group && !findResource(group, plural))) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  // One view per kind, group and version (a CRD change makes a new ResourceType, so a new view).
  let byVersion = views.get(rt);
  if (!byVersion) views.set(rt, (byVersion = new Map()));
  const key = `${group}/${version}`;
  let view = byVersion.get(key);
  if (!view) byVersion.set(key, (view = makeView(rt, group, version)));
  return view;
}

const views = new WeakMap<ResourceType, Map<string, ResourceView>>();

function makeView(rt: ResourceType, group: string, version: string): ResourceView {
  const apiVersion = group ? `${group}/${version}` : version;
  if (rt.group === group && rt.version === version) {
    return withAsync({ rt, group, version, apiVersion, schema: rt.schema, toClient: (o) => o, fromClient: (o) => o });
  }
  const conv = (rt.conversions ?? []).find((c) => (c.group ?? rt.group) === group && c.version === version)!;
  return withAsync({
    rt,
    group,
    version,
    apiVersion,
    ...(conv.fieldLabels ? { fieldLabels: conv.fieldLabels } : {}),
    ...(conv.validate ? { validate: (o: KubeObject, old?: KubeObject) => conv.validate!(o, old) } : {}),
    schema: conv.schema,
    toClient: (o) => ({ ...conv.fromStorage(o), apiVersion, kind: rt.kind }),
    fromClient: (o) => conv.toStorage(o),
  });
}

/**
 * The type-meta checks kube-apiserver makes before decoding: a body for another version
 * or kind is a 400 BadRequest.
 */
export function checkTypeMeta(body: Record<string, unknown>, view: ResourceView, expectKind = view.rt.kind): void {
  const apiVersion = body.apiVersion;
  const kind = body.kind;
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== view.apiVersion) {
    throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${view.apiVersion})`);
  }
  if (kind !== undefined && kind !== '' && kind !== expectKind) {
    throw badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${expectKind})`);
  }
}

/**
 * kube names the resource as the request addressed it in NotFound, AlreadyExists and
 * Conflict (`events.events.k8s.io "x" not found`); the registry names the stored kind's
 * group. Rewrites the registry's error for a view served in another group.
 */
export function requalify(view: ResourceView, err: unknown): unknown {
  const { rt } = view;
  if (view.group === rt.group || !(err instanceof ApiError) || !err.details || err.details.kind !== rt.plural) return err;
  if (err.reason !== 'NotFound' && err.reason !== 'AlreadyExists' && err.reason !== 'Conflict') return err;
  const from = rt.group ? `${rt.plural}.${rt.group} "` : `${rt.plural} "`;
  const to = `${rt.plural}.${view.group} "`;
  return new ApiError(err.code, err.reason, err.message.replace(from, to), { ...err.details, group: view.group });
}

/** Runs a handler's call, its errors named as the view addresses the resource. */
export async function inView<T>(view: ResourceView, run: () => Promise<T>): Promise<T> {
  if (view.group === view.rt.group) return run();
  try {
    return await run();
  } catch (err) {
    throw requalify(view, err);
  }
}
