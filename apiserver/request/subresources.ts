import type { KubeObject, ResourceType, ScaleSubresource } from '../../api/types.js';
import type { RequestAttributes } from '../admission/attributes.js';
import type { Clock } from '../../lib/clock.js';
import { badRequest, notFound } from '../errors.js';
import { readScale, writeScale } from './scale.js';
import { bindPod } from './binding.js';
import { evictPod } from './eviction.js';
import { runPatch } from './patch.js';
import type { RequestContext } from './handlers.js';
import type { SubresourceAdmission } from '../admission/subresource-admission.js';

/**
 * The action subresources, transport-independent: scale (of any kind with a scale
 * subresource, custom ones included), pods/binding and pods/eviction. REST's
 * subresource handler and GraphQL's scale<Kind> and drainNode mutations both call these,
 * so what one write path checks the other does too. Which kind serves which subresource
 * is api/subresources.ts's table.
 */

export interface ActionRequest {
  dryRun: boolean;
  /**
   * The caller's admission attributes: with them the write goes through the admission
   * chain as the subresource's own kind (Scale, Binding, Eviction), and a scale write is
   * recorded in managedFields as an Update by the caller's field manager.
   */
  admission?: RequestAttributes;
}

/** The admission chain and the caller's attributes, as scale.ts, binding.ts and eviction.ts take them. */
function subresourceAdmission(ctx: RequestContext, req: ActionRequest): SubresourceAdmission | undefined {
  return req.admission ? { chain: ctx.registries.admission, request: req.admission } : undefined;
}

/** managedFields of a scale write: an Update by the caller's manager, on the main resource's version, subresource scale. */
function scaleRecord(rt: ResourceType, req: ActionRequest): { manager: string; apiVersion: string; subresource: string } | undefined {
  if (!req.admission) return undefined;
  const version = req.admission.requestVersion || rt.version;
  return { manager: req.admission.fieldManager || 'unknown', apiVersion: rt.group ? `${rt.group}/${version}` : version, subresource: 'scale' };
}

function scaleSpec(rt: ResourceType, name: string): ScaleSubresource {
  const spec = rt.subresources.scale;
  if (!spec) throw notFound({ group: rt.group, plural: `${rt.plural}/scale` }, name);
  return spec;
}

/** GET …/scale: the autoscaling/v1 Scale of the object. */
export async function getScale(ctx: RequestContext, rt: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject> {
  const spec = scaleSpec(rt, name);
  return readScale(await ctx.registries.for(rt).get(namespace, name), spec);
}

export interface ScaleUpdate extends ActionRequest {
  replicas: number;
  /** The Scale's metadata.resourceVersion: a precondition when set (409 if stale). */
  resourceVersion?: string;
}

/**
 * PUT …/scale and GraphQL's scale<Kind>: sets the replicas through the kind's scale
 * paths; answers the written object (the would-be one under dryRun).
 */
export async function scaleResource(ctx: RequestContext, rt: ResourceType, namespace: string | undefined, name: string, req: ScaleUpdate): Promise<KubeObject> {
  const spec = scaleSpec(rt, name);
  return writeScale(ctx.registries.for(rt), namespace, name, spec, () => req.replicas, req.resourceVersion, req.dryRun, subresourceAdmission(ctx, req), scaleRecord(rt, req));
}

/** PUT …/scale: scaleResource, answered as the new Scale. */
export async function updateScale(ctx: RequestContext, rt: ResourceType, namespace: string | undefined, name: string, req: ScaleUpdate): Promise<KubeObject> {
  return readScale(await scaleResource(ctx, rt, namespace, name, req), scaleSpec(rt, name));
}

export interface ScalePatch extends ActionRequest {
  /** The patch's media type (request/patch.ts checkPatchType). */
  type: string;
  patch: unknown;
}

/** PATCH …/scale: the patch applies to the live Scale; only its spec.replicas is kept. */
export async function patchScale(ctx: RequestContext, rt: ResourceType, namespace: string | undefined, name: string, req: ScalePatch): Promise<KubeObject> {
  const spec = scaleSpec(rt, name);
  const updated = await writeScale(
    ctx.registries.for(rt),
    namespace,
    name,
    spec,
    (live) => {
      const patched = runPatch(req.type, readScale(live, spec), req.patch, { group: 'autoscaling', kind: 'Scale' });
      const replicas = (patched as { spec?: { replicas?: unknown } }).spec?.replicas;
      if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas))) {
        throw badRequest('Scale in version "v1" cannot be handled as a Scale: spec.replicas: expected an integer');
      }
      return (replicas as number | undefined) ?? 0;
    },
    undefined,
    req.dryRun,
    subresourceAdmission(ctx, req),
    scaleRecord(rt, req),
  );
  return readScale(updated, spec);
}

/** POST pods/<name>/binding with a parsed Binding body. */
export async function bindResource(ctx: RequestContext, namespace: string, name: string, body: unknown, req: ActionRequest): Promise<KubeObject> {
  return bindPod(ctx.registries.forKind('', 'Pod'), namespace, name, body, req.dryRun, subresourceAdmission(ctx, req));
}

/** POST pods/<name>/eviction with a parsed Eviction body (429 when a disruption budget forbids it). */
export async function evictResource(ctx: RequestContext & { clock: Clock }, namespace: string, name: string, body: unknown, req: ActionRequest): Promise<void> {
  await evictPod(ctx.registries, namespace, name, body, req.dryRun, ctx.clock, subresourceAdmission(ctx, req));
}
