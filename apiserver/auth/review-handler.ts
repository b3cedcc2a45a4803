import type { FastifyReply, FastifyRequest } from 'fastify';
import type { NonResourceAttributes, ResourceAttributes } from '../../api/authz/index.js';
import type { Clock } from '../../lib/clock.js';
import { badRequest, invalid, methodNotAllowed } from '../errors.js';
import { parseBody } from '../rest/body.js';
import { sendBody } from '../rest/respond.js';
import type { ResourceRequestInfo } from '../rest/request-info.js';
import { formatTime } from '../registry/object-meta.js';
import type { UserInfo } from './authenticator.js';
import type { Authorizer } from './rbac/authorizer.js';
import type { RequestAttributes } from './rbac/rule-match.js';

/**
 * The create-only review kinds, answered and never stored, as kube-apiserver's:
 * authentication.k8s.io SelfSubjectReview (`kubectl auth whoami`), authorization.k8s.io
 * SelfSubjectAccessReview (`auth can-i`), SelfSubjectRulesReview (`auth can-i --list`),
 * SubjectAccessReview and LocalSubjectAccessReview. Returns false for other requests.
 */

const REVIEWS = new Set(['authentication.k8s.io/selfsubjectreviews', 'authentication.k8s.io/tokenreviews', 'authorization.k8s.io/selfsubjectaccessreviews', 'authorization.k8s.io/selfsubjectrulesreviews', 'authorization.k8s.io/subjectaccessreviews', 'authorization.k8s.io/localsubjectaccessreviews']);

export function isReview(info: ResourceRequestInfo): boolean {
  return REVIEWS.has(`${info.group}/${info.resource}`);
}

export async function serveReview(
  deps: { authorizer: Authorizer; clock: Clock; reviewToken?: TokenReviewer },
  req: FastifyRequest,
  reply: FastifyReply,
  info: ResourceRequestInfo,
  user: UserInfo,
): Promise<boolean> {
  if (!isReview(info)) return false;
  const kind = KINDS[info.resource]!;
  if (info.verb !== 'create' || info.name || info.subresource) throw methodNotAllowed(req.method, `${info.resource}.${info.group}`);
  const body = parseBody(req.body, req.headers['content-type']);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`${kind} in version "${info.version}" cannot be handled as a ${kind}: the object provided is not a JSON object`);
  const obj = body as { spec?: Record<string, unknown>; metadata?: Record<string, unknown> };
  const out: Record<string, unknown> = {
    kind,
    apiVersion: `${info.group}/${info.version}`,
    metadata: { ...(obj.metadata ?? {}), creationTimestamp: formatTime(deps.clock.now()) },
  };
  const spec = obj.spec ?? {};
  switch (info.resource) {
    case 'selfsubjectreviews':
      out.status = { userInfo: userInfo(user) };
      break;
    case 'tokenreviews': {
      const token = spec.token;
      if (typeof token !== 'string' || token === '') {
        throw invalid(kind, 'authentication.k8s.io', '', [{ type: 'FieldValueRequired', field: 'spec.token', message: 'Required value' }]);
      }
      const audiences = Array.isArray(spec.audiences) ? (spec.audiences as string[]).filter((a) => typeof a === 'string') : [];
      const result = deps.reviewToken ? await deps.reviewToken(token, audiences) : { error: 'token authentication is not enabled' };
      out.spec = spec;
      out.status =
        'user' in result
          ? { authenticated: true, user: userInfo(result.user), audiences: result.audiences }
          : { user: {}, error: result.error };
      break;
    }
    case 'selfsubjectrulesreviews': {
      const rules = await deps.authorizer.rulesFor(user, (spec.namespace as string | undefined) || undefined);
      out.spec = spec;
      out.status = {
        resourceRules: rules.filter((r) => !r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs ?? [], apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) })),
        nonResourceRules: rules.filter((r) => r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs })),
        incomplete: false,
      };
      break;
    }
    default: {
      const attrs = accessAttributes(kind, spec, info.namespace);
      const subject = info.resource.startsWith('self') ? user : subjectOf(kind, spec);
      const decision = await deps.authorizer.authorize(subject, attrs);
      out.spec = spec;
      out.status = { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
    }
  }
  sendBody(reply, 201, out);
  return true;
}

/** Checks a token as the request authenticator would (TokenReview); audiences default to the API's. */
export type TokenReviewer = (token: string, audiences: string[]) => Promise<{ user: UserInfo; audiences: string[] } | { error: string }>;

function userInfo(user: UserInfo): Record<string, unknown> {
  return { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) };
}

const KINDS: Record<string, string> = {
  tokenreviews: 'TokenReview',
  selfsubjectreviews: 'SelfSubjectReview',
  selfsubjectaccessreviews: 'SelfSubjectAccessReview',
  selfsubjectrulesreviews: 'SelfSubjectRulesReview',
  subjectaccessreviews: 'SubjectAccessReview',
  localsubjectaccessreviews: 'LocalSubjectAccessReview',
};

/** The attributes a review asks about; exactly one of resource or non-resource (kube's validation). */
export function accessAttributes(kind: string, spec: Record<string, unknown>, urlNamespace: string | undefined): RequestAttributes {
  const ra = spec.resourceAttributes as ResourceAttributes | undefined;
  const nra = spec.nonResourceAttributes as NonResourceAttributes | undefined;
  if ((ra && nra) || (!ra && !nra)) {
    throw invalid(kind, 'authorization.k8s.io', '', [
      { type: 'FieldValueInvalid', field: 'spec.resourceAttributes', message: `Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified` },
    ]);
  }
  if (nra) return { kind: 'nonResource', verb: nra.verb ?? '', path: nra.path ?? '' };
  const namespace = ra!.namespace || undefined;
  if (kind === 'LocalSubjectAccessReview' && namespace !== urlNamespace) {
    throw invalid(kind, 'authorization.k8s.io', '', [
      { type: 'FieldValueInvalid', field: 'spec.resourceAttributes.namespace', message: `Invalid value: "${namespace ?? ''}": must match metadata.namespace` },
    ]);
  }
  return { kind: 'resource', verb: ra!.verb ?? '', group: ra!.group ?? '', resource: ra!.resource ?? '', subresource: ra!.subresource || undefined, namespace, name: ra!.name || undefined };
}

function subjectOf(kind: string, spec: Record<string, unknown>): UserInfo {
  const user = (spec.user as string | undefined) ?? '';
  const groups = (spec.groups as string[] | undefined) ?? [];
  if (!user && groups.length === 0) {
    throw invalid(kind, 'authorization.k8s.io', '', [{ type: 'FieldValueInvalid', field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' }]);
  }
  return { username: user, groups, ...(spec.uid ? { uid: spec.uid as string } : {}) };
}
