import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import mercurius from 'mercurius';
import type { Registries } from '../registry/registries.js';
import type { Clock } from '../../lib/clock.js';
import type { RequestHeaders, UserInfo } from '../auth/authenticator.js';
import { badRequest, forbidden, unauthorized } from '../errors.js';
import { formatErrors, keepIntegerErrorPaths, toGraphqlError } from './errors.js';
import { graphqlSchema, type GraphqlContext, type KubeContext } from './schema.js';
import { decideConnect } from './auth.js';
import { registerClusterView, registerPlayground } from './playground.js';
import { RelationReads } from './relation-reads.js';
import { RelationCache } from './relation-cache.js';
import { currentSchema } from './custom-kinds.js';
import { ChartHistory } from './chart-history.js';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { BREAK, getNullableType, isListType, Kind, visit, type DocumentNode, type GraphQLSchema } from './graphql-js.js';
import { forbiddenMessage, type Authorizer } from '../auth/rbac/authorizer.js';
import type { RequestAttributes } from '../auth/rbac/rule-match.js';

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
/**
 * The most a query may cost, counting 1 per field and multiplying what a list field holds
 * by its `limit` (10 when unset): walks that fan out list in list in list are refused
 * before they run, with a 400 that says so.
 */
export const MAX_QUERY_COMPLEXITY = 50_000;
const UNSET_LIST_FACTOR = 10;

/** Field cost for graphql-query-complexity: list fields multiply their children. */
function listAwareEstimator({ field, args, childComplexity }: ComplexityEstimatorArgs): number {
  const type = getNullableType(field.type);
  if (!isListType(type)) return 1 + childComplexity;
  const limit = typeof args.limit === 'number' && args.limit > 0 ? args.limit : UNSET_LIST_FACTOR;
  return 1 + Math.max(1, childComplexity) * limit;
}

/**
 * Refuses a query over MAX_QUERY_COMPLEXITY. Run before execution with the request's
 * variables (a `limit: $n` counts as given), not as a validation rule: mercurius caches
 * validation per query text, without variables.
 */
function checkComplexity(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined): void {
  let cost: number;
  try {
    cost = getComplexity({ schema, query: document, variables: variables ?? {}, estimators: [listAwareEstimator] });
  } catch {
    return; // bad variables: execution reports them
  }
  if (cost > MAX_QUERY_COMPLEXITY) {
    throw toGraphqlError(badRequest(`query complexity ${cost} is over the limit of ${MAX_QUERY_COMPLEXITY}: ask for fewer nested lists, or give them a smaller limit`));
  }
}

/** Whether a query selects managedFields anywhere (the relation cache drops them: such a query reads storage). */
function asksManagedFields(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD]: (node) => {
      if (node.name.value !== 'managedFields') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

export interface GraphqlOptions {
  registries: Registries;
  /** For mutations that stamp times (drain, rollout restart). */
  clock: Clock;
  authRequired: boolean;
  /** The apiserver's authenticator, for tokens sent in WebSocket connection params. */
  authenticate?: (headers: RequestHeaders) => UserInfo | null;
  /** RBAC for every operation and relation, as REST's authorization filter (absent: allow all). */
  authorizer?: Authorizer;
  /** GET through API aggregation as a user (metrics.k8s.io for the metrics relations). */
  aggregatedGet?: (path: string, user: UserInfo | undefined) => Promise<{ status: number; body: string } | undefined>;
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
  // The cluster view's chart samples, kept while the apiserver runs (chart-history.ts).
  const history = new ChartHistory({ registries: opts.registries, clock: opts.clock, log: app.log });
  app.addHook('onReady', () => history.start());
  app.addHook('onClose', async () => history.stop());
  // Relation fields' watch-fed cache, shared by every query; each kind starts on first use.
  const relationCache = new RelationCache(opts.registries, { logger: app.log });
  app.addHook('onClose', async () => relationCache.stop());
  const kube = (user: UserInfo | undefined, log: KubeContext['log']): GraphqlContext => {
    let reads: RelationReads | undefined;
    let readsStorage = false;
    const authorizer = opts.authorizer;
    const authorize =
      authorizer && user
        ? async (attrs: RequestAttributes): Promise<void> => {
            if ((await authorizer.authorize(user, attrs)).allowed) return;
            const details = attrs.kind === 'resource' ? { name: attrs.name, group: attrs.group || undefined, kind: attrs.resource } : {};
            throw forbidden(forbiddenMessage(user, attrs), details);
          }
        : undefined;
    const context: GraphqlContext = {
      kube: {
        registries: opts.registries,
        authRequired: opts.authRequired,
        user,
        log,
        clock: opts.clock,
        ...(authorize ? { authorize } : {}),
        chartHistory: () => history.snapshot(),
        reads: () => {
          const storage = context.kube.readsFromStorage === true;
          if (!reads || readsStorage !== storage) {
            readsStorage = storage;
            reads = new RelationReads(
              opts.registries,
              undefined,
              undefined,
              authorize,
              opts.aggregatedGet ? (path) => opts.aggregatedGet!(path, user) : undefined,
              storage ? undefined : relationCache,
              app.log,
            );
          }
          return reads;
        },
      },
    };
    return context;
  };

  registerPlayground(app);
  registerClusterView(app);

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

    // Custom kinds (CRDs) come and go: before a request runs, serve the schema for the
    // kinds served now (custom-kinds.ts; rebuilt only when a CRD was added or removed).
    let servedGeneration = -1;
    scope.addHook('preHandler', async (req) => {
      if (req.routeOptions.url !== GRAPHQL_PATH) return;
      try {
        const current = currentSchema();
        if (current.generation === servedGeneration) return;
        servedGeneration = current.generation;
        if (current.schema !== scope.graphql.schema) scope.graphql.replaceSchema(current.schema);
        if (current.skipped.length > 0) req.log.warn({ skipped: current.skipped }, 'custom resources left out of the GraphQL schema');
      } catch (err) {
        req.log.warn({ err }, 'could not rebuild the GraphQL schema for custom resources');
      }
    });

    scope.addHook('onRoute', (route) => {
      if (route.url === GRAPHQL_PATH) keepIntegerErrorPaths(route);
    });
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
    scope.graphql.addHook('preExecution', async (schema, document, context, variables) => {
      checkComplexity(schema, document, variables as Record<string, unknown> | undefined);
      if (asksManagedFields(document)) (context as unknown as GraphqlContext).kube.readsFromStorage = true;
    });
    scope.graphql.addHook('preSubscriptionExecution', async (_schema, document, context) => {
      if (asksManagedFields(document)) (context as unknown as GraphqlContext).kube.readsFromStorage = true;
    });
  });
}
