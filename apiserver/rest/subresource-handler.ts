import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResourceRequestInfo, Verb } from './request-info.js';
import type { ResourceView } from '../request/resource-view.js';
import type { RestContext } from './resource-handler.js';
import { ApiError, methodNotAllowed, toApiError } from '../errors.js';
import { servedSubresource } from '../../api/subresources.js';
import { negotiate } from './negotiation.js';
import { dryRunParam, fieldValidationParam, param, type Query } from './query.js';
import { sendBody, sendObject, sendWarnings, successStatus } from './respond.js';
import { parseBody } from './body.js';
import { admissionRequest } from './admission-request.js';
import { patchRequest } from './patch-request.js';
import { getResource, updateResource } from '../request/handlers.js';
import { checkPatchType, patchResource } from '../request/patch.js';
import { bindResource, evictResource, getScale, patchScale, updateScale, type ActionRequest } from '../request/subresources.js';
import { decodeRequestObject, type NameCheck } from '../request/decode.js';
import { scaleView } from '../request/scale.js';
import { servePodLog } from './pod-log-handler.js';
import { admitSubresource, connectKind, connectOptions } from '../admission/subresource-admission.js';
import { isUpgradeRequest, serveStream, writeStatus, type StreamKind } from '../kubelet/stream-proxy.js';

/**
 * The REST adapter of subresources: which kind serves which subresource with which verbs
 * is api/subresources.ts's table; how each is read from HTTP and answered is SERVE below;
 * the work is request/ (handlers.ts, patch.ts, subresources.ts).
 */

interface SubresourceCall {
  ctx: RestContext;
  req: FastifyRequest;
  reply: FastifyReply;
  view: ResourceView;
  verb: Verb;
  namespace: string | undefined;
  name: string;
}

type Serve = (call: SubresourceCall) => Promise<void>;

/** An object-shaped subresource (status, ephemeralcontainers, finalize): get, update, patch of the object. */
function objectSubresource(subresource: 'status' | 'ephemeralcontainers' | 'finalize', nameCheck: NameCheck): Serve {
  return async ({ ctx, req, reply, view, verb, namespace, name }) => {
    const q = req.query as Query;
    const now = ctx.clock.now();
    switch (verb) {
      case 'get':
        await sendObject(reply, 200, view, await getResource(ctx, view, namespace, name), negotiate(req.headers.accept, subresource === 'status' ? param(q, 'includeObject') : undefined, subresource === 'status'), now);
        return;
      case 'update': {
        const fieldValidation = fieldValidationParam(q, 'UpdateOptions');
        const body = parseBody(req.body, req.headers['content-type']);
        const dryRun = dryRunParam(q, 'UpdateOptions');
        const admission = admissionRequest(req, view, 'UpdateOptions', dryRun);
        const result = await updateResource(ctx, view, namespace, name, body, { dryRun, fieldValidation, admission, subresource, nameCheck });
        sendWarnings(reply, result.warnings);
        await sendObject(reply, 200, view, result.object, negotiate(req.headers.accept, undefined, false), now);
        return;
      }
      case 'patch': {
        if (subresource === 'finalize') throw methodNotAllowed(verb, `${view.rt.plural}/${subresource}`);
        const result = await patchResource(ctx, view, namespace, name, patchRequest(req, view, subresource));
        sendWarnings(reply, result.warnings);
        await sendObject(reply, 200, view, result.object, negotiate(req.headers.accept, undefined, false), now);
        return;
      }
    }
  };
}

const serveScale: Serve = async ({ ctx, req, reply, view, verb, namespace, name }) => {
  const q = req.query as Query;
  switch (verb) {
    case 'get':
      sendBody(reply, 200, await getScale(ctx, view.rt, namespace, name));
      return;
    case 'update': {
      const fieldValidation = fieldValidationParam(q, 'UpdateOptions');
      const body = parseBody(req.body, req.headers['content-type']);
      const { object } = decodeRequestObject(scaleView(), body, fieldValidation, 'Scale');
      const replicas = (object as { spec?: { replicas?: number } }).spec?.replicas ?? 0;
      const dryRun = dryRunParam(q, 'UpdateOptions');
      const resourceVersion = object.metadata.resourceVersion;
      const admission = admissionRequest(req, view, 'UpdateOptions', dryRun);
      const scale = await updateScale(ctx, view.rt, namespace, name, {
        replicas,
        ...(resourceVersion ? { resourceVersion } : {}),
        dryRun,
        admission,
      });
      sendWarnings(reply, admission.warnings);
      sendBody(reply, 200, scale);
      return;
    }
    case 'patch': {
      const type = checkPatchType(scaleView(), req.headers['content-type'] ?? '');
      const patch = parseBody(req.body, type.endsWith('yaml') ? 'application/yaml' : 'application/json');
      const dryRun = dryRunParam(q, 'PatchOptions');
      const admission = admissionRequest(req, view, 'PatchOptions', dryRun);
      const scale = await patchScale(ctx, view.rt, namespace, name, { type, patch, dryRun, admission });
      sendWarnings(reply, admission.warnings);
      sendBody(reply, 200, scale);
      return;
    }
  }
};

/** pods/binding and pods/eviction: a POSTed object of their own kind, admitted as a create, answered 201 Success. */
const servePodAction =
  (act: (ctx: RestContext, namespace: string, name: string, body: unknown, req: ActionRequest) => Promise<unknown>): Serve =>
  async ({ ctx, req, reply, view, namespace, name }) => {
    const body = parseBody(req.body, req.headers['content-type']);
    const dryRun = dryRunParam(req.query as Query);
    const admission = admissionRequest(req, view, 'CreateOptions', dryRun);
    await act(ctx, namespace!, name, body, { dryRun, admission });
    sendWarnings(reply, admission.warnings);
    sendBody(reply, 201, successStatus({}));
  };

const serveBinding = servePodAction(bindResource);
const serveEviction = servePodAction(evictResource);

const servePodLogs: Serve = ({ ctx, req, reply, namespace, name }) => servePodLog(ctx, req, reply, namespace!, name);

/** exec, attach and port-forward: relayed to the simulated kubelet (apiserver/kubelet/). */
const serveStreamed =
  (kind: StreamKind): Serve =>
  async ({ ctx, req, reply, view, namespace, name }) => {
    try {
      // CONNECT admission of the request's Pod*Options, before anything reaches the kubelet.
      await admitSubresource(
        { chain: ctx.registries.admission, request: { user: req.user ?? { username: 'system:anonymous', groups: ['system:unauthenticated'] }, requestVersion: 'v1', warnings: [] } },
        { operation: 'CONNECT', rt: view.rt, namespace, name, subresource: kind, kind: connectKind(kind), object: connectOptions(kind, req.query as Query), oldObject: null, dryRun: false },
      );
      await serveStream(ctx, req, reply, namespace!, name, kind);
    } catch (err) {
      // An upgrade request's connection is no HTTP exchange any more: the Status goes on it raw.
      if (!isUpgradeRequest(req) || reply.sent) throw err;
      reply.hijack();
      writeStatus(req.raw.socket, toApiError(err));
    }
  };

const SERVE: Record<string, Serve> = {
  status: objectSubresource('status', 'ifSet'),
  scale: serveScale,
  binding: serveBinding,
  eviction: serveEviction,
  finalize: objectSubresource('finalize', 'none'),
  log: servePodLogs,
  // pods/ephemeralcontainers (kubectl debug): the pod, of which only
  // spec.ephemeralContainers may change (registry/hooks/pods.ts).
  ephemeralcontainers: objectSubresource('ephemeralcontainers', 'none'),
  exec: serveStreamed('exec'),
  attach: serveStreamed('attach'),
  portforward: serveStreamed('portforward'),
};

/**
 * Serves a subresource the kind has (api/subresources.ts). A subresource name served for
 * some kind is 405 on a kind or verb without it, any other name 404, as Kubeling has
 * always answered.
 */
export async function handleSubresource(
  ctx: RestContext,
  req: FastifyRequest,
  reply: FastifyReply,
  info: ResourceRequestInfo,
  view: ResourceView,
): Promise<void> {
  const { rt } = view;
  const sub = info.subresource!;
  const spec = servedSubresource(rt, sub);
  const serve = Object.hasOwn(SERVE, sub) ? SERVE[sub] : undefined;
  if (!serve) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (!spec || !spec.verbs.includes(info.verb)) throw methodNotAllowed(info.verb, `${rt.plural}/${sub}`);
  await serve({ ctx, req, reply, view, verb: info.verb, namespace: rt.namespaced ? info.namespace : undefined, name: info.name! });
}
