import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KubeObject } from '../../api/types.js';
import type { Registries } from '../registry/registries.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { ResourceRequestInfo } from './request-info.js';
import { ApiError, badRequest, methodNotAllowed } from '../errors.js';
import { checkTypeMeta, resolveView, type ResourceView } from '../request/resource-view.js';
import { negotiate } from './negotiation.js';
import { parseBody } from './body.js';
import { checkPropagationPolicy, dryRunParam, fieldValidationParam, intParam, param, parseKubeBool, resourceVersionMatchParam, type Query, type WriteOptionsKind } from './query.js';
import { decodeObject } from '../registry/decode-object.js';
import { compileFilter } from '../registry/filter.js';
import type { DeleteOptions } from '../registry/generic-registry.js';
import { sendBody, sendJsonList, sendList, sendObject, sendWarnings, successStatus } from './respond.js';
import { serveWatch } from './watch-handler.js';
import { checkListHasNoInitialEvents } from './watch-options.js';
import { handleSubresource } from './subresource-handler.js';
import { patchObject } from '../request/patch.js';
import { deprecationWarning } from '../crd/custom-resource-type.js';
import { admissionRequest } from './admission-request.js';

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
  const reg = ctx.registries.for(rt);
  const now = ctx.clock.now();
  const ns = rt.namespaced ? info.namespace : undefined;

  switch (info.verb) {
    case 'get': {
      const repr = negotiate(req.headers.accept, param(q, 'includeObject'), true);
      const obj = await reg.get(ns, info.name!);
      sendObject(reply, 200, view, obj, repr, now);
      return;
    }
    case 'list': {
      checkListHasNoInitialEvents(q);
      const repr = negotiate(req.headers.accept, param(q, 'includeObject'), true);
      const filter = compileFilter(rt, param(q, 'labelSelector'), param(q, 'fieldSelector'));
      const opts = {
        limit: intParam(q, 'limit'),
        continue: param(q, 'continue'),
        resourceVersion: param(q, 'resourceVersion'),
        resourceVersionMatch: resourceVersionMatchParam(q),
      };
      if (!filter && repr.as === 'object' && repr.format === 'json' && view.version === rt.version) {
        // Unfiltered JSON lists of the storage version: items spliced from stored text.
        sendJsonList(reply, view, await reg.listJson(ns, opts));
        return;
      }
      sendList(reply, view, await reg.list(ns, { ...opts, filter }), repr, now);
      return;
    }
    case 'watch': {
      await serveWatch(ctx, req, reply, view, ns, info.name);
      return;
    }
    case 'create': {
      if (info.name) throw methodNotAllowed('POST', `a named ${rt.singular}`);
      const { object, warnings } = decodeBody(req, view, q, view.rt.kind, 'CreateOptions');
      if (rt.namespaced && object.metadata.namespace && object.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      const dryRun = dryRunParam(q, 'CreateOptions');
      const admission = admissionRequest(req, view, 'CreateOptions', dryRun);
      const created = await reg.create(ns, view.fromClient(object), { dryRun, admission });
      sendWarnings(reply, [...warnings, ...admission.warnings]);
      sendObject(reply, 201, view, created, negotiate(req.headers.accept, undefined, false), now);
      return;
    }
    case 'update': {
      const { object, warnings } = decodeBody(req, view, q, view.rt.kind, 'UpdateOptions');
      if (object.metadata.name !== info.name) {
        throw badRequest(`the name of the object (${object.metadata.name ?? ''}) does not match the name on the URL (${info.name})`);
      }
      if (rt.namespaced && object.metadata.namespace && object.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      const dryRun = dryRunParam(q, 'UpdateOptions');
      const admission = admissionRequest(req, view, 'UpdateOptions', dryRun);
      const updated = await reg.update(ns, info.name!, view.fromClient(object), { dryRun, admission });
      sendWarnings(reply, [...warnings, ...admission.warnings]);
      sendObject(reply, 200, view, updated, negotiate(req.headers.accept, undefined, false), now);
      return;
    }
    case 'patch': {
      const result = await patchObject(ctx, req, view, ns, info.name!, undefined);
      sendWarnings(reply, result.warnings);
      sendObject(reply, result.created ? 201 : 200, view, result.object, negotiate(req.headers.accept, undefined, false), now);
      return;
    }
    case 'delete': {
      const opts = deleteOptions(req, q);
      const admission = admissionRequest(req, view, 'DeleteOptions', Boolean(opts.dryRun), deleteOptionsBody(opts));
      const result = await reg.delete(ns, info.name!, { ...opts, admission });
      sendWarnings(reply, admission.warnings);
      const repr = negotiate(req.headers.accept, undefined, false);
      if (!result.deleted) {
        sendObject(reply, 202, view, result.object, repr, now);
      } else if (RETURNS_DELETED_OBJECT.has(rt.kind) && rt.group === '') {
        sendObject(reply, 200, view, result.object, repr, now);
      } else {
        sendBody(reply, 200, successStatus({ name: info.name, group: rt.group || undefined, kind: rt.plural, uid: result.object.metadata.uid }));
      }
      return;
    }
    case 'deletecollection': {
      // Kubernetes serves deletecollection of a namespaced kind only inside one namespace.
      if (rt.namespaced && !ns) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const opts = { ...deleteOptions(req, q) };
      opts.admission = admissionRequest(req, view, 'DeleteOptions', Boolean(opts.dryRun), deleteOptionsBody(opts));
      const list = await reg.list(ns, {
        filter: compileFilter(rt, param(q, 'labelSelector'), param(q, 'fieldSelector')),
      });
      const deleted: KubeObject[] = [];
      for (const item of list.items) {
        try {
          const r = await reg.delete(item.metadata.namespace, item.metadata.name!, opts);
          deleted.push(r.object);
        } catch (err) {
          // Deleted meanwhile by someone else: not an error for a collection delete.
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
      sendWarnings(reply, [...new Set(opts.admission.warnings)]);
      sendList(reply, view, { items: deleted, resourceVersion: list.resourceVersion }, negotiate(req.headers.accept, undefined, false), now);
      return;
    }
  }
}

/** Parses, type-checks and schema-decodes a request body for create/update. */
export function decodeBody(
  req: FastifyRequest,
  view: ResourceView,
  q: Query,
  kind = view.rt.kind,
  optionsKind: WriteOptionsKind = 'UpdateOptions',
): { object: KubeObject; warnings: string[] } {
  const fieldValidation = fieldValidationParam(q, optionsKind);
  const body = parseBody(req.body, req.headers['content-type']);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`${kind} in version "${view.version}" cannot be handled as a ${kind}: the object provided is not a JSON object`);
  }
  checkTypeMeta(body as Record<string, unknown>, view, kind);
  // A body without metadata gets "name: Required value" from validation, not a decode error.
  const withMeta = body as Record<string, unknown>;
  if (withMeta.metadata === undefined || withMeta.metadata === null) withMeta.metadata = {};
  const decoded = decodeObject(view.schema, body, { kind, version: view.version }, fieldValidation);
  decoded.object.metadata = decoded.object.metadata ?? {};
  return decoded;
}

/** The DeleteOptions fields an AdmissionReview's options carry. */
function deleteOptionsBody(opts: DeleteOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opts.gracePeriodSeconds !== undefined) out.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.propagationPolicy) out.propagationPolicy = opts.propagationPolicy;
  if (opts.preconditions) out.preconditions = opts.preconditions;
  return out;
}

/** DeleteOptions from the body (kubectl sends one) and the query string. */
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
  const opts: DeleteOptions = {};
  const grace = intParam(q, 'gracePeriodSeconds') ?? (body.gracePeriodSeconds as number | undefined);
  if (grace !== undefined) {
    if (typeof grace !== 'number' || !Number.isInteger(grace)) throw badRequest('gracePeriodSeconds must be an integer');
    opts.gracePeriodSeconds = grace;
  }
  const policy = param(q, 'propagationPolicy') ?? (body.propagationPolicy as string | undefined);
  const orphanRaw = param(q, 'orphanDependents');
  const orphan = orphanRaw !== undefined ? parseKubeBool(orphanRaw) : body.orphanDependents;
  if (policy !== undefined) {
    const checked = checkPropagationPolicy(policy);
    if (orphan !== undefined) {
      throw new ApiError(422, 'Invalid', 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + policy + '": orphanDependents and deletionPropagation cannot be both set');
    }
    opts.propagationPolicy = checked;
  } else if (orphan === true) {
    opts.propagationPolicy = 'Orphan';
  }
  const pre = body.preconditions as { uid?: string; resourceVersion?: string } | undefined;
  if (pre && typeof pre === 'object') opts.preconditions = pre;
  const dryRunBody = Array.isArray(body.dryRun) ? body.dryRun : [];
  opts.dryRun = dryRunParam(q, 'DeleteOptions') || dryRunBody.includes('All');
  return opts;
}

