import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KubeObject } from '../../api/types.js';
import type { ResourceRequestInfo } from './request-info.js';
import type { ResourceView } from '../request/resource-view.js';
import type { RestContext } from './resource-handler.js';
import { decodeBody } from './resource-handler.js';
import { ApiError, badRequest, methodNotAllowed, toApiError } from '../errors.js';
import { negotiate } from './negotiation.js';
import { dryRunParam, param, type Query } from './query.js';
import { sendBody, sendObject, sendWarnings, successStatus } from './respond.js';
import { patchContentType, patchObject, runPatch } from '../request/patch.js';
import { parseBody } from './body.js';
import { scaleView, readScale, writeScale } from '../request/scale.js';
import { bindPod } from '../request/binding.js';
import { admissionRequest } from './admission-request.js';
import { evictPod } from '../request/eviction.js';
import { servePodLog } from './pod-log.js';
import { isUpgradeRequest, serveStream, writeStatus, type StreamKind } from '../kubelet/stream-proxy.js';

/** Pod subresources streamed from the kubelet over an upgraded connection. */
const STREAMED = new Set(['exec', 'attach', 'portforward']);

const notFound = (): ApiError => new ApiError(404, 'NotFound', 'the server could not find the requested resource');

/** status, scale, binding, eviction and finalize: the subresources Kubeling serves. */
export async function handleSubresource(
  ctx: RestContext,
  req: FastifyRequest,
  reply: FastifyReply,
  info: ResourceRequestInfo,
  view: ResourceView,
): Promise<void> {
  const { rt } = view;
  const q = req.query as Query;
  const ns = rt.namespaced ? info.namespace : undefined;
  const name = info.name!;
  const reg = ctx.registries.for(rt);
  const now = ctx.clock.now();
  const sub = info.subresource!;

  if (sub === 'status' && rt.subresources.status) {
    switch (info.verb) {
      case 'get':
        sendObject(reply, 200, view, await reg.get(ns, name), negotiate(req.headers.accept, param(q, 'includeObject'), true), now);
        return;
      case 'update': {
        const { object, warnings } = decodeBody(req, view, q);
        if (object.metadata.name && object.metadata.name !== name) {
          throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
        }
        const dryRun = dryRunParam(q, 'UpdateOptions');
        const admission = admissionRequest(req, view, 'UpdateOptions', dryRun);
        const updated = await reg.update(ns, name, view.fromClient(object), { dryRun, subresource: 'status', admission });
        sendWarnings(reply, [...warnings, ...admission.warnings]);
        sendObject(reply, 200, view, updated, negotiate(req.headers.accept, undefined, false), now);
        return;
      }
      case 'patch': {
        const result = await patchObject(ctx, req, view, ns, name, 'status');
        sendWarnings(reply, result.warnings);
        sendObject(reply, 200, view, result.object, negotiate(req.headers.accept, undefined, false), now);
        return;
      }
      default:
        throw methodNotAllowed(info.verb, `${rt.plural}/status`);
    }
  }

  if (sub === 'scale' && rt.subresources.scale) {
    const spec = rt.subresources.scale;
    switch (info.verb) {
      case 'get':
        sendBody(reply, 200, readScale(await reg.get(ns, name), spec));
        return;
      case 'update': {
        const { object } = decodeBody(req, scaleView(), q, 'Scale');
        const replicas = (object as { spec?: { replicas?: number } }).spec?.replicas ?? 0;
        const wanted = object.metadata.resourceVersion;
        const updated = await writeScale(reg, ns, name, spec, () => replicas, wanted, dryRunParam(q, 'UpdateOptions'));
        sendBody(reply, 200, readScale(updated, spec));
        return;
      }
      case 'patch': {
        const type = patchContentType(req);
        const body = parseBody(req.body, type.endsWith('yaml') ? 'application/yaml' : 'application/json');
        const updated = await writeScale(
          reg,
          ns,
          name,
          spec,
          (live) => {
            const patched = runPatch(type, readScale(live, spec), body, { group: 'autoscaling', kind: 'Scale' });
            const replicas = (patched as { spec?: { replicas?: unknown } }).spec?.replicas;
            if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas))) {
              throw badRequest('Scale in version "v1" cannot be handled as a Scale: spec.replicas: expected an integer');
            }
            return (replicas as number | undefined) ?? 0;
          },
          undefined,
          dryRunParam(q, 'PatchOptions'),
        );
        sendBody(reply, 200, readScale(updated, spec));
        return;
      }
      default:
        throw methodNotAllowed(info.verb, `${rt.plural}/scale`);
    }
  }

  if (rt.group === '' && rt.kind === 'Pod' && sub === 'binding' && info.verb === 'create') {
    const body = parseBody(req.body, req.headers['content-type']);
    await bindPod(reg, ns!, name, body, dryRunParam(q));
    sendBody(reply, 201, successStatus({}));
    return;
  }

  if (rt.group === '' && rt.kind === 'Pod' && sub === 'eviction' && info.verb === 'create') {
    const body = parseBody(req.body, req.headers['content-type']);
    await evictPod(ctx.registries, ns!, name, body, dryRunParam(q), ctx.clock);
    sendBody(reply, 201, successStatus({}));
    return;
  }

  if (rt.group === '' && rt.kind === 'Namespace' && sub === 'finalize' && info.verb === 'update') {
    const { object } = decodeBody(req, view, q);
    const dryRun = dryRunParam(q, 'UpdateOptions');
    const admission = admissionRequest(req, view, 'UpdateOptions', dryRun);
    const updated = await reg.update(undefined, name, object as KubeObject, { dryRun, subresource: 'finalize', admission });
    sendWarnings(reply, admission.warnings);
    sendObject(reply, 200, view, updated, negotiate(req.headers.accept, undefined, false), now);
    return;
  }

  if (rt.group === '' && rt.kind === 'Pod' && sub === 'log' && info.verb === 'get') {
    await servePodLog(ctx, req, reply, ns!, name);
    return;
  }

  // pods/ephemeralcontainers (kubectl debug): the pod, of which only
  // spec.ephemeralContainers may change (registry/hooks/pods.ts).
  if (rt.group === '' && rt.kind === 'Pod' && sub === 'ephemeralcontainers') {
    switch (info.verb) {
      case 'get':
        sendObject(reply, 200, view, await reg.get(ns, name), negotiate(req.headers.accept, undefined, false), now);
        return;
      case 'update': {
        const { object } = decodeBody(req, view, q);
        const dryRun = dryRunParam(q);
        const admission = admissionRequest(req, view, 'UpdateOptions', dryRun);
        const updated = await reg.update(ns, name, view.fromClient(object), { dryRun, subresource: 'ephemeralcontainers', admission });
        sendWarnings(reply, admission.warnings);
        sendObject(reply, 200, view, updated, negotiate(req.headers.accept, undefined, false), now);
        return;
      }
      case 'patch': {
        const result = await patchObject(ctx, req, view, ns, name, 'ephemeralcontainers');
        sendWarnings(reply, result.warnings);
        sendObject(reply, 200, view, result.object, negotiate(req.headers.accept, undefined, false), now);
        return;
      }
      default:
        throw methodNotAllowed(info.verb, `${rt.plural}/ephemeralcontainers`);
    }
  }

  // exec, attach and port-forward: relayed to the simulated kubelet (apiserver/kubelet/).
  if (rt.group === '' && rt.kind === 'Pod' && STREAMED.has(sub) && (info.verb === 'get' || info.verb === 'create')) {
    try {
      await serveStream(ctx, req, reply, ns!, name, sub as StreamKind);
    } catch (err) {
      // An upgrade request's connection is no HTTP exchange any more: the Status goes on it raw.
      if (!isUpgradeRequest(req) || reply.sent) throw err;
      reply.hijack();
      writeStatus(req.raw.socket, toApiError(err));
    }
    return;
  }

  // Known subresources with another verb are 405, unknown ones 404, as in Kubernetes.
  if (['status', 'scale', 'binding', 'eviction', 'finalize', 'log', ...STREAMED].includes(sub)) {
    throw methodNotAllowed(info.verb, `${rt.plural}/${sub}`);
  }
  throw notFound();
}
