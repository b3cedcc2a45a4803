import type { z } from 'zod';
import type { KubeObject, ResourceType } from '../../api/types.js';
import { findResource, resourcesAt } from '../../api/registry.js';
import { ApiError, badRequest } from '../errors.js';

/**
 * A kind as seen through one served version: the storage version, or a converted one
 * (autoscaling/v1 HorizontalPodAutoscaler over the stored v2).
 */
export interface ResourceView {
  rt: ResourceType;
  version: string;
  apiVersion: string;
  schema: z.ZodType;
  toClient(obj: KubeObject): KubeObject;
  fromClient(obj: KubeObject): KubeObject;
}

export function resolveView(group: string, version: string, plural: string): ResourceView {
  const rt = resourcesAt(group, version).find((r) => r.plural === plural) ?? undefined;
  if (!rt || !findResource(group, plural)) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const apiVersion = group ? `${group}/${version}` : version;
  if (rt.version === version) {
    return { rt, version, apiVersion, schema: rt.schema, toClient: (o) => o, fromClient: (o) => o };
  }
  const conv = (rt.conversions ?? []).find((c) => c.version === version)!;
  return {
    rt,
    version,
    apiVersion,
    schema: conv.schema,
    toClient: (o) => ({ ...conv.fromStorage(o), apiVersion, kind: rt.kind }),
    fromClient: (o) => conv.toStorage(o),
  };
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
