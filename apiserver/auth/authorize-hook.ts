import { PAGE_PATHS } from '../graphql/playground.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, forbidden } from '../errors.js';
import { parseImpersonation } from './impersonation.js';
import { boolParam, type Query } from '../rest/query.js';
import { parseRequestInfo } from '../rest/request-info.js';
import { forbiddenMessage, type Authorizer } from './rbac/authorizer.js';
import type { RequestAttributes } from './rbac/rule-match.js';

/**
 * Authorization of every REST request, after authentication, as kube-apiserver's
 * WithAuthorization filter: the request's attributes (kube's RequestInfo) are put to the
 * authorizer; a denial is 403 with kube's message and nothing is done. Requests without a
 * user (anonymous on the public health and version paths) and the GraphQL endpoint (which
 * authenticates its own requests) are left to their own rules.
 */
export function registerAuthorization(app: FastifyInstance, authorizer: Authorizer): void {
  app.addHook('preHandler', async (req: FastifyRequest) => {
    const user = req.user;
    if (!user) return;
    const path = req.url.split('?', 1)[0]!;
    if (ownRules(path)) return;
    const attrs = requestAttributes(req.method, path, (req.query ?? {}) as Query);
    const decision = await authorizer.authorize(user, attrs);
    if (decision.allowed) return;
    const details = attrs.kind === 'resource' ? { name: attrs.name, group: attrs.group || undefined, kind: attrs.resource } : {};
    // kube appends the authorizers' reason (the Node authorizer's "no relationship found…").
    throw forbidden(decision.reason ? `${forbiddenMessage(user, attrs)}: ${decision.reason}` : forbiddenMessage(user, attrs), details);
  });
}

/** The GraphQL endpoint and its pages authenticate and authorize their own requests. */
function ownRules(path: string): boolean {
  return path === '/graphql' || PAGE_PATHS.some((page) => path === page || path.startsWith(`${page}/`));
}

/**
 * Impersonation (`--as`, `--as-group`), as kube's WithImpersonation filter: right after
 * authentication and before API Priority and Fairness, so that flow control and then
 * authorization see the impersonated user. Register it between the two onRequest hooks.
 */
export function registerImpersonation(app: FastifyInstance, authorizer: Authorizer): void {
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const user = req.user;
    if (!user) return;
    if (ownRules(req.url.split('?', 1)[0]!)) return;
    const impersonation = parseImpersonation(req.headers);
    if (typeof impersonation === 'string') throw badRequest(impersonation);
    if (!impersonation) return;
    for (const check of impersonation.checks) {
      if (!(await authorizer.authorize(user, check)).allowed) {
        throw forbidden(forbiddenMessage(user, check), { name: check.kind === 'resource' ? check.name : undefined, kind: check.kind === 'resource' ? check.resource : undefined });
      }
    }
    req.user = impersonation.user;
  });
}

/** kube's RequestInfo → authorizer attributes; non-API paths are non-resource requests. */
export function requestAttributes(method: string, path: string, q: Query): RequestAttributes {
  const info = path.startsWith('/api') ? parseRequestInfo(method, path, boolParam(q, 'watch')) : null;
  if (info && info.kind === 'resource') {
    return { kind: 'resource', verb: info.verb, group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name };
  }
  const verb = method === 'HEAD' ? 'get' : method.toLowerCase();
  return { kind: 'nonResource', verb, path };
}
