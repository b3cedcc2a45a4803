import type { FastifyRequest } from 'fastify';
import type { RequestAttributes } from '../admission/attributes.js';
import type { ResourceView } from '../request/resource-view.js';
import { admissionAttributes, type AdmissionOptionsKind } from '../request/admission.js';
import { param, type Query } from './query.js';
import { managerFromUserAgent } from '../patch/managed-fields.js';

/**
 * The admission attributes of a REST write (request/admission.ts), taken from the request:
 * its user, the version of its URL, fieldManager and force from the query string.
 */

export type { AdmissionOptionsKind };

export function admissionRequest(req: FastifyRequest, view: ResourceView, kind: AdmissionOptionsKind, dryRun: boolean, extra: Record<string, unknown> = {}): RequestAttributes {
  const q = req.query as Query;
  const force = param(q, 'force');
  const attrs = admissionAttributes({
    ...(req.user ? { user: req.user } : {}),
    version: view.version,
    ...(view.group !== view.rt.group ? { group: view.group } : {}),
    optionsKind: kind,
    dryRun,
    ...(param(q, 'fieldManager') ? { fieldManager: param(q, 'fieldManager') } : {}),
    ...(force !== undefined ? { force: force === 'true' } : {}),
    extra,
    defaultFieldManager: managerFromUserAgent(req.headers['user-agent']),
  });
  byRequest.set(req, attrs);
  return attrs;
}

const byRequest = new WeakMap<FastifyRequest, RequestAttributes>();

/**
 * Warnings admission gathered for a request that then failed: kube writes them as
 * headers as they occur, so a refused write still shows the earlier webhooks' warnings.
 */
export function admissionWarnings(req: FastifyRequest): string[] {
  return byRequest.get(req)?.warnings ?? [];
}
