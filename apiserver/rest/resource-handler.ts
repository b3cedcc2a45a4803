import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Registries } from '../registry/registries.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { ResourceRequestInfo } from './request-info.js';
import { ApiError, badRequest, methodNotAllowed } from '../errors.js';
import { resolveView } from '../request/resource-view.js';
import { negotiate } from './negotiation.js';
import { parseBody } from './body.js';
import { dryRunParam, fieldValidationParam, intParam, param, parseKubeBool, resourceVersionMatchParam, type Query } from './query.js';
import type { DeleteOptions } from '../registry/generic-registry.js';
import { sendBody, sendJsonList, sendList, sendObject, sendWarnings, successStatus } from './respond.js';
import { serveWatch } from './watch-handler.js';
import { checkListHasNoInitialEvents } from './watch-options.js';
import { handleSubresource } from './subresource-handler.js';
import { patchRequest } from './patch-request.js';
import { deprecationWarning } from '../crd/custom-resource-type.js';
import { admissionRequest } from './admission-request.js';
import { createResource, deleteCollection, deleteResource, getResource, listResource, listResourceJson, updateResource } from '../request/handlers.js';
import { patchResource } from '../request/patch.js';
import { deleteOptionsForAdmission, deleteOptionsFrom } from '../request/delete-options.js';

/**
 * The REST adapter of resource requests: reads the verb's options from the URL, query
 * string, headers and body, calls request/handlers.ts, writes the answer in the
 * negotiated representation.
 */

export interface RestContext {
  registries: Registries;
  clock: Clock;
  logger: Logger;
  /** How often a watch with allowWatchBookmarks gets a BOOKMARK, at most. */
  bookmarkIntervalMs: number;
}

/** Kinds whose DELETE answers with the object rather than a Status, as in Kubernetes. */
const RETURNS_DELETED_OBJECT = new Set(['Pod', 'Namespace', 'Service']);

export async function handleResource(ctx: RestContext, req: FastifyRequest, reply: FastifyReply, info: ResourceRequestInfo): Promise<void> {
  const view = resolveView(info.group, info.version, info.resource);
  const { rt } = view;
  const deprecated = deprecationWarning(rt, view.version);
  if (deprecated) sendWarnings(reply, [deprecated]);
  if (!rt.namespaced && info.namespace !== undefined) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const needsNamespace = rt.namespaced && info.verb !== 'list' && info.verb !== 'watch' && info.verb !== 'deletecollection';
  if (needsNamespace && !info.namespace && !(info.verb === 'create' && !info.name)) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  if (rt.namespaced && info.verb === 'create' && !info.namespace) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  if (!rt.verbs.includes(info.verb) && !info.subresource) {
    throw methodNotAllowed(info.verb, `${rt.plural}`);
  }
  if (info.subresource) {
    await handleSubresource(ctx, req, reply, info, view);
    return;
  }
  const q = req.query as Query;
  const now = ctx.clock.now();
  const ns = rt.namespaced ? info.namespace : undefined;

  switch (info.verb) {
    case 'get': {
      const repr = negotiate(req.headers.accept, param(q, 'includeObject'), true);
      await sendObject(reply, 200, view, await getResource(ctx, view, ns, info.name!), repr, now);
      return;
    }
    case 'list': {
      checkListHasNoInitialEvents(q);
      const repr = negotiate(req.headers.accept, param(q, 'includeObject'), true);
      const opts = {
        labelSelector: param(q, 'labelSelector'),
        fieldSelector: param(q, 'fieldSelector'),
        limit: intParam(q, 'limit'),
        continue: param(q, 'continue'),
        resourceVersion: param(q, 'resourceVersion'),
        resourceVersionMatch: resourceVersionMatchParam(q),
      };
      if (repr.as === 'object' && repr.format === 'json') {
        // Unfiltered JSON lists of the storage version: items spliced from stored text.
        const json = await listResourceJson(ctx, view, ns, opts);
        if (json) {
          sendJsonList(reply, view, json);
          return;
        }
      }
      await sendList(reply, view, await listResource(ctx, view, ns, opts), repr, now);
      return;
    }
    case 'watch': {
      await serveWatch(ctx, req, reply, view, ns, info.name);
      return;
    }
    case 'create': {
      if (info.name) throw methodNotAllowed('POST', `a named ${rt.singular}`);
      const fieldValidation = fieldValidationParam(q, 'CreateOptions');
      const body = parseBody(req.body, req.headers['content-type']);
      const dryRun = dryRunParam(q, 'CreateOptions');
      const admission = admissionRequest(req, view, 'CreateOptions', dryRun);
      const result = await createResource(ctx, view, ns, body, { dryRun, fieldValidation, admission });
      sendWarnings(reply, result.warnings);
      await sendObject(reply, 201, view, result.object, negotiate(req.headers.accept, undefined, false), now);
      return;
    }
    case 'update': {
      const fieldValidation = fieldValidationParam(q, 'UpdateOptions');
      const body = parseBody(req.body, req.headers['content-type']);
      const dryRun = dryRunParam(q, 'UpdateOptions');
      const admission = admissionRequest(req, view, 'UpdateOptions', dryRun);
      const result = await updateResource(ctx, view, ns, info.name!, body, { dryRun, fieldValidation, admission, nameCheck: 'required' });
      sendWarnings(reply, result.warnings);
      await sendObject(reply, 200, view, result.object, negotiate(req.headers.accept, undefined, false), now);
      return;
    }
    case 'patch': {
      const result = await patchResource(ctx, view, ns, info.name!, patchRequest(req, view));
      sendWarnings(reply, result.warnings);
      await sendObject(reply, result.created ? 201 : 200, view, result.object, negotiate(req.headers.accept, undefined, false), now);
      return;
    }
    case 'delete': {
      const opts = deleteOptions(req, q);
      opts.admission = admissionRequest(req, view, 'DeleteOptions', Boolean(opts.dryRun), deleteOptionsForAdmission(opts));
      const result = await deleteResource(ctx, view, ns, info.name!, opts);
      sendWarnings(reply, opts.admission.warnings);
      const repr = negotiate(req.headers.accept, undefined, false);
      if (!result.deleted) {
        // kube answers 200 for an object only marked for deletion (graceful pod deletion,
        // finalizers, a namespace), and 202 only when the client also asked for
        // orphanDependents=false: the status its delete handler has always kept.
        await sendObject(reply, orphanDependentsFalse(req, q) ? 202 : 200, view, result.object, repr, now);
      } else if (RETURNS_DELETED_OBJECT.has(rt.kind) && rt.group === '') {
        await sendObject(reply, 200, view, result.object, repr, now);
      } else {
        sendBody(reply, 200, successStatus({ name: info.name, group: view.group || undefined, kind: rt.plural, uid: result.object.metadata.uid }));
      }
      return;
    }
    case 'deletecollection': {
      const opts = deleteOptions(req, q);
      opts.admission = admissionRequest(req, view, 'DeleteOptions', Boolean(opts.dryRun), deleteOptionsForAdmission(opts));
      const deleted = await deleteCollection(ctx, view, ns, { labelSelector: param(q, 'labelSelector'), fieldSelector: param(q, 'fieldSelector') }, opts);
      sendWarnings(reply, [...new Set(opts.admission.warnings)]);
      await sendList(reply, view, deleted, negotiate(req.headers.accept, undefined, false), now);
      return;
    }
  }
}

/** DeleteOptions from the body (kubectl sends one) and the query string, the query first. */
/** Whether the delete asked orphanDependents=false, in the query or the DeleteOptions body. */
function orphanDependentsFalse(req: FastifyRequest, q: Query): boolean {
  const raw = param(q, 'orphanDependents');
  if (raw !== undefined) return !parseKubeBool(raw);
  const body = req.body;
  if (body === undefined || body === null || (typeof body === 'string' && body.trim() === '')) return false;
  const parsed = parseBody(body, req.headers['content-type']) as { orphanDependents?: unknown } | null;
  return parsed?.orphanDependents === false;
}

export function deleteOptions(req: FastifyRequest, q: Query): DeleteOptions {
  let body: Record<string, unknown> = {};
  const raw = req.body;
  if (raw !== undefined && raw !== null && !(typeof raw === 'string' && raw.trim() === '')) {
    const parsed = parseBody(raw, req.headers['content-type']);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('the body of a delete must be a DeleteOptions object');
    body = parsed as Record<string, unknown>;
    if (body.kind !== undefined && body.kind !== 'DeleteOptions') {
      throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (DeleteOptions)`);
    }
  }
  const orphanRaw = param(q, 'orphanDependents');
  const dryRunBody = Array.isArray(body.dryRun) ? body.dryRun : [];
  return deleteOptionsFrom({
    gracePeriodSeconds: intParam(q, 'gracePeriodSeconds') ?? body.gracePeriodSeconds,
    propagationPolicy: param(q, 'propagationPolicy') ?? body.propagationPolicy,
    orphanDependents: orphanRaw !== undefined ? parseKubeBool(orphanRaw) : body.orphanDependents,
    preconditions: body.preconditions,
    dryRun: dryRunParam(q, 'DeleteOptions') || dryRunBody.includes('All'),
  });
}
