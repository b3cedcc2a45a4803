import type { FastifyRequest } from 'fastify';
import type { RequestAttributes } from '../admission/attributes.js';
import type { ResourceView } from '../request/resource-view.js';
import { param, type Query } from './query.js';

/**
 * The request attributes the admission chain needs (who, which version, which options),
 * taken once per write request. Passing them in a registry write's options is what makes
 * the write go through admission.
 */

const ANONYMOUS = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export type AdmissionOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

export function admissionRequest(req: FastifyRequest, view: ResourceView, kind: AdmissionOptionsKind, dryRun: boolean, extra: Record<string, unknown> = {}): RequestAttributes {
  const q = req.query as Query;
  const options: Record<string, unknown> = { kind, apiVersion: 'meta.k8s.io/v1', ...extra };
  if (dryRun) options.dryRun = ['All'];
  const fieldManager = param(q, 'fieldManager');
  if (fieldManager && kind !== 'DeleteOptions') options.fieldManager = fieldManager;
  if (kind === 'PatchOptions' && param(q, 'force') !== undefined) options.force = param(q, 'force') === 'true';
  const attrs: RequestAttributes = {
    user: req.user ?? ANONYMOUS,
    requestVersion: view.version,
    options,
    warnings: [],
  };
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
