import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import mercurius from 'mercurius';
import type { Registries } from '../registry/registries.js';
import type { Clock } from '../../lib/clock.js';
import type { RequestHeaders, UserInfo } from '../auth/authenticator.js';
import { badRequest, unauthorized } from '../rest/errors.js';
import { formatErrors, toGraphqlError } from './errors.js';
import { graphqlSchema, type GraphqlContext, type KubeContext } from './schema.js';
import { decideConnect } from './auth.js';
import { registerPlayground } from './playground.js';
import { RelationReads } from './relation-reads.js';

/**
 * GraphQL for the apiserver: `/graphql` (POST, GET, and WebSocket subscriptions) and the
 * GraphiQL playground at `/graphiql`, serving the same objects as REST through the same
 * registries.
 *
 * Everything lives in an encapsulated child of the app, so mercurius' error handler, its
 * JSON body parser and the websocket plugin touch only these routes, never REST.
 *
 * Authentication (authRequired): HTTP requests need the user that buildApp's onRequest
 * hook put on `req.user` (401 otherwise). A WebSocket may carry the token in its
 * connection_init payload instead (`{ Authorization: 'Bearer …' }`), checked with
 * `authenticate`; a bad token there closes the connection with "Forbidden".
 */

export const GRAPHQL_PATH = '/graphql';
export const MAX_QUERY_DEPTH = 12;

export interface GraphqlOptions {
  registries: Registries;
  /** Unused for now (the registries carry their own); kept so callers need not change. */
  clock: Clock;
  authRequired: boolean;
  /** The apiserver's authenticator, for tokens sent in WebSocket connection params. */
  authenticate?: (headers: RequestHeaders) => UserInfo | null;
  /** The apiserver's authorizer: queries, mutations and subscriptions are authorized as REST requests. */
  authorize?: KubeContext['authorize'];
}

function parseJson(_req: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void): void {
  if (body.trim() === '') {
    done(badRequest('the body of the request was empty'));
    return;
  }
  try {
    done(null, JSON.parse(body));
  } catch (err) {
    done(badRequest(`invalid JSON body: ${(err as Error).message}`));
  }
}

/** 401 for an unauthenticated HTTP request; WebSocket upgrades are checked per connection. */
async function requireUser(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.user) return;
  const upgrade = req.method === 'GET' && (req as FastifyRequest & { ws?: boolean }).ws === true;
  if (upgrade) return;
  const err = toGraphqlError(unauthorized());
  await reply.code(401).header('content-type', 'application/json').send(JSON.stringify({ data: null, errors: [err.toJSON()] }));
}

export async function registerGraphql(app: FastifyInstance, opts: GraphqlOptions): Promise<void> {
  const kube = (user: UserInfo | undefined, log: KubeContext['log']): GraphqlContext => {
    let reads: RelationReads | undefined;
    return {
      kube: { registries: opts.registries, authRequired: opts.authRequired, user, log, reads: () => (reads ??= new RelationReads(opts.registries)), ...(opts.authorize ? { authorize: opts.authorize } : {}) },
    };
  };

  registerPlayground(app);

  await app.register(async (scope) => {
    // buildApp replaces every body parser with a string one (REST parses by itself);
    // mercurius needs parsed JSON.
    if (!scope.hasContentTypeParser('application/json')) {
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
    }
    if (opts.authRequired) {
      scope.addHook('preHandler', async (req, reply) => {
        if (req.routeOptions.url === GRAPHQL_PATH) await requireUser(req, reply);
      });
    }

    await scope.register(mercurius, {
      schema: graphqlSchema(),
      path: GRAPHQL_PATH,
      // The playground is ours (playground.ts): mercurius' loads GraphiQL from a CDN.
      graphiql: false,
      // Relations make the graph cyclic (pod → node → pods → node …): bound how deep a
      // query may walk it. 12 levels hold every example and any sensible question.
      queryDepth: MAX_QUERY_DEPTH,
      context: (req: FastifyRequest) => kube(req.user, req.log),
      errorFormatter: formatErrors,
      subscription: {
        context: (_socket: unknown, req: FastifyRequest) => kube(req.user, req.log),
        onConnect: (data: { payload: unknown }) => {
          const decision = decideConnect(data.payload, opts.authRequired, opts.authenticate);
          if (decision.kind === 'reject') return false;
          if (decision.kind === 'accept') return kube(decision.user, app.log);
          return true;
        },
      },
    });
  });
}
