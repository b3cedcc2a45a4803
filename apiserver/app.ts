import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Store } from './storage/store.js';
import { PAGE_PATHS } from './graphql/playground.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { realClock, type Clock } from '../lib/clock.js';
import type { Authenticator, UserInfo } from './auth/authenticator.js';
import { ApiError, badRequest, toApiError, tooLarge, unauthorized } from './errors.js';
import { MAX_BODY_BYTES } from './rest/body.js';
import { parseRequestInfo } from './rest/request-info.js';
import { handleResource, type RestContext } from './rest/resource-handler.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './rest/discovery.js';
import { serveAggregatedDiscovery } from './rest/aggregated-discovery-response.js';
import { sendBody, sendWarnings } from './rest/respond.js';
import { admissionWarnings } from './rest/admission-request.js';
import { boolParam, type Query } from './rest/query.js';
import { Registries } from './registry/registries.js';
import { bootstrap } from './registry/bootstrap.js';
import { versionInfo } from './rest/version.js';
import { registerOpenApiRoutes } from '../openapi/routes.js';
import { registerGraphql } from './graphql/index.js';
import { PROTOBUF_MEDIA_TYPE } from './protobuf/index.js';
import { Aggregator } from './aggregator/aggregator.js';
import { serveNodeProxy } from './rest/node-proxy.js';
import { createApiserverMetrics } from './metrics/apiserver-metrics.js';
import { registerMetrics } from './metrics/register.js';
import type { RequestAttributes } from './auth/rbac/rule-match.js';
import { registerAuthorization, registerImpersonation } from './auth/authorize-hook.js';
import { serveReview } from './auth/review-handler.js';
import { CrdController } from './crd/crd-controller.js';
import { customV3Document, customV3Paths } from './crd/openapi.js';
import { customV2 } from './crd/openapi-v2.js';
import type { KeyObject } from 'node:crypto';
import { isTokenRequest, serveTokenRequest } from './auth/serviceaccount/token-request.js';
import { registerOidcDiscovery } from './auth/serviceaccount/oidc-discovery.js';
import { runAsUser } from './auth/request-user.js';
import { isCsrApproval, serveCsrApproval } from './auth/certificates/csr-requests.js';
import { setUpAuth } from './auth/setup.js';
import { createFlowControl } from './flowcontrol/flow-control.js';
import type { PodSecurityConfig } from './admission/pod-security/admission.js';
import type { ServiceIpRange } from '../api/networking/service-cidr.js';

export interface AppOptions {
  store: Store;
  logger?: Logger;
  clock?: Clock;
  /** TLS serving material (PEM). Absent: plain HTTP (only for in-process tests with inject). */
  https?: { key: string; cert: string };
  /**
   * Absent: every request is treated as the cluster admin (tests with inject). Present:
   * the static bearer tokens; client certificates (clientCa), ServiceAccount tokens and
   * anonymous requests are then authenticated too, as kube-apiserver's chain does.
   */
  authenticator?: Authenticator;
  /** kube's --client-ca-file (PEM): client certificates it signed authenticate (CN user, O groups). */
  clientCa?: string;
  /** kube's --anonymous-auth (default true). */
  anonymousAuth?: boolean;
  /** Signs ServiceAccount tokens (kube's --service-account-key-file); absent: generated in memory. */
  serviceAccountKey?: KeyObject;
  /** The cluster CA (PEM), put in legacy ServiceAccount token Secrets as `ca.crt`. */
  caCert?: string;
  /** The cluster CA's key (PEM): the kubernetes.io/kube-apiserver-client signer signs approved CSRs with it. */
  caKey?: string;
  /**
   * kube's ServiceAccount admission: refuse a pod whose ServiceAccount does not exist.
   * startApiserver turns it on; off by default here, for in-process apps run without a
   * controller manager to create the `default` ServiceAccounts.
   */
  refuseMissingServiceAccount?: boolean;
  /** The port clients reach us on, for the `kubernetes` Service (default 6443). */
  servingPort?: number;
  /** Minimum time between BOOKMARK events on one watch (default 60 s, as Kubernetes). */
  bookmarkIntervalMs?: number;
  /** How often API aggregation checks each remote APIService's backend (default 10 s). */
  aggregatorCheckIntervalMs?: number;
  /** PodSecurity defaults and exemptions (from --admission-control-config-file). */
  podSecurity?: PodSecurityConfig;
  /** kube's --service-cluster-ip-range, parsed (default 10.96.0.0/12). */
  serviceIpRange?: ServiceIpRange;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: UserInfo;
  }
}

const ADMIN: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

/**
 * The GraphQL layer authenticates /graphql itself (a browser cannot put a token on a
 * WebSocket upgrade); the pages (playground, cluster view) and their assets are static.
 */
function isGraphqlPath(path: string): boolean {
  return path === '/graphql' || PAGE_PATHS.some((page) => path === page || path.startsWith(`${page}/`));
}

/** Builds the apiserver as a fastify app that is not listening (tests use inject). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const logger = (options.logger ?? rootLogger).child({ component: 'apiserver' });
  const clock = options.clock ?? realClock;
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    // With a client CA, the handshake asks for a client certificate but lets clients
    // without one (tokens, anonymous) in; the authenticator reads the verdict.
    https: options.https
      ? { key: options.https.key, cert: options.https.cert, ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: false } : {}) }
      : null,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // Registering the routes and the GraphQL schema can take more than fastify's default
    // 10 s on a loaded machine (seen on 2 shared cores at load 60): wait, do not exit.
    pluginTimeout: 120_000,
    // Watches stay open for many minutes.
    requestTimeout: 0,
    keepAliveTimeout: 75_000,
    // close() must not wait for open watches.
    forceCloseConnections: true,
    // Malformed URLs (bad %-escapes) and the like: a Status, like every other answer.
    frameworkErrors: (err: Error, _req: FastifyRequest, reply: FastifyReply) => {
      void sendBody(reply, 400, badRequest(err.message).toStatus());
    },
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  // Every storage call is timed for /metrics (etcd_request_duration_seconds).
  const metrics = createApiserverMetrics();
  const registries = new Registries(metrics.instrumentStore(options.store), clock, options.serviceIpRange ? { serviceIpRange: options.serviceIpRange } : {});
  const { authorizer, rbacCache, authenticate, reviewToken, serviceAccountTokens, ca } = setUpAuth({
    registries,
    clock,
    logger,
    ...(options.authenticator ? { tokens: options.authenticator } : {}),
    ...(options.clientCa ? { clientCa: options.clientCa } : {}),
    ...(options.anonymousAuth !== undefined ? { anonymousAuth: options.anonymousAuth } : {}),
    ...(options.serviceAccountKey ? { serviceAccountKey: options.serviceAccountKey } : {}),
    ...(options.caCert ? { caCert: options.caCert } : {}),
    ...(options.caKey ? { caKey: options.caKey } : {}),
    ...(options.refuseMissingServiceAccount ? { refuseMissingServiceAccount: true } : {}),
  });
  const ctx: RestContext = { registries, clock, logger, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000 };
  // API aggregation (apiregistration.k8s.io): proxies remote APIServices' group-versions.
  const aggregator = new Aggregator({ registries, clock, logger, ...(options.aggregatorCheckIntervalMs ? { checkIntervalMs: options.aggregatorCheckIntervalMs } : {}) });

  // Bodies are parsed by the handlers, by Content-Type, so that every malformed body
  // becomes a Kubernetes Status (never fastify's own error shape).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));
  // kubectl's generators (create deployment, create namespace, …) send protobuf: keep the bytes.
  app.addContentTypeParser(PROTOBUF_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    let api: ApiError;
    if (err instanceof ApiError) api = err;
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') api = tooLarge();
    else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) api = new ApiError(err.statusCode, 'BadRequest', err.message);
    else {
      api = toApiError(err);
      req.log.error({ err, url: req.url, method: req.method }, 'request failed');
    }
    if (reply.sent || reply.raw.headersSent) return;
    sendWarnings(reply, admissionWarnings(req));
    void sendBody(reply, api.code, api.toStatus());
  });

  app.setNotFoundHandler((_req, reply) => {
    const err = new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    void sendBody(reply, 404, err.toStatus());
  });

  app.addHook('onRequest', async (req: FastifyRequest) => {
    const path = req.url.split('?')[0];
    if (!options.authenticator) {
      req.user = ADMIN;
      return;
    }
    const outcome = await authenticate({ headers: req.headers, socket: req.raw.socket });
    if (outcome.kind === 'user') {
      req.user = outcome.user;
      return;
    }
    if (outcome.kind === 'error') throw unauthorized();
    // Anonymous: authorized like anyone (system:public-info-viewer lets it read health and
    // version). GraphQL keeps its own rule: no user there is 401.
    if (!isGraphqlPath(path)) req.user = outcome.user;
  });
  // Impersonation, then API Priority and Fairness for the user the request acts as (flowcontrol/flow-control.ts).
  registerImpersonation(app, authorizer);
  const flowControl = createFlowControl({ registries, logger, clock });
  app.addHook('onRequest', flowControl.onRequest);

  for (const path of ['/healthz', '/livez', '/readyz']) {
    app.get(path, async (_req, reply) => {
      try {
        await options.store.currentRevision();
      } catch {
        return reply.code(500).type('text/plain').send(`[-]etcd failed: reason withheld\n${path.slice(1)} check failed`);
      }
      return reply.type('text/plain').send('ok');
    });
    app.get(`${path}/*`, async (_req, reply) => reply.type('text/plain').send('ok'));
  }
  app.get('/version', async (_req, reply) => sendBody(reply, 200, versionInfo()));

  const discovery = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const info = parseRequestInfo(req.method, req.url.split('?')[0], false);
    if (!info || info.kind !== 'discovery') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    // /api and /apis answer the aggregated form to clients that ask for it (kubectl 1.26+).
    if (info.group === undefined && info.version === undefined && serveAggregatedDiscovery(req, reply, info.prefix, info.prefix === 'apis' ? aggregator.aggregatedGroupList() : [])) return;
    if (info.prefix === 'api' && info.version === undefined) {
      sendBody(reply, 200, apiVersions(req.headers.host ?? '127.0.0.1:6443'));
      return;
    }
    if (info.prefix === 'apis' && info.group === undefined) {
      const list = apiGroupList();
      sendBody(reply, 200, { ...list, groups: [...(list.groups as unknown[]), ...aggregator.legacyGroupList()] });
      return;
    }
    const doc =
      info.version === undefined ? (apiGroup(info.group ?? '') ?? aggregator.legacyGroupDoc(info.group ?? '')) : apiResourceList(info.group ?? '', info.version);
    if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    sendBody(reply, 200, doc);
  };

  const api = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = req.url.split('?', 1)[0];
    const watch = boolParam(req.query as Query, 'watch');
    const info = parseRequestInfo(req.method, path, watch);
    // /apis/<group>/<version>/… of a remote APIService goes to its backend, discovery included.
    const segments = path.split('/');
    if (segments[1] === 'apis' && segments[2] && segments[3]) {
      const remote = aggregator.remoteFor(segments[2], segments[3]);
      if (remote) return aggregator.proxy(req, reply, remote);
    }
    // /api/v1/nodes/{name}/proxy/…: the kubelet's own endpoints (stats, metrics).
    if (/^\/api\/v1\/nodes\/[^/]+\/proxy(\/|$)/.test(path)) return serveNodeProxy(ctx, req, reply);
    if (!info) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (info.kind === 'discovery') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not supported`);
      return discovery(req, reply);
    }
    if (await serveReview({ authorizer, clock, reviewToken }, req, reply, info, req.user ?? ADMIN)) return;
    if (isTokenRequest(info) && (await serveTokenRequest({ tokens: serviceAccountTokens(), clock }, req, reply, info))) return;
    if (isCsrApproval(info)) return runAsUser(req.user, () => serveCsrApproval({ registries, clock, ...(ca ? { ca } : {}) }, req, reply, info));
    try {
      await runAsUser(req.user, () => handleResource(ctx, req, reply, info));
    } finally {
      // A write to RBAC objects through this apiserver is seen by the very next request,
      // not only once the cache's watch reports it.
      if (info.group === 'rbac.authorization.k8s.io' && !['get', 'list', 'watch'].includes(info.verb)) rbacCache.invalidate();
    }
  };

  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
  for (const url of ['/api', '/api/*', '/apis', '/apis/*']) {
    app.route({ method: [...methods], url, handler: api });
  }

  registerOpenApiRoutes(app, undefined, { v3Paths: customV3Paths, v3: customV3Document, v2: customV2 });
  registerMetrics(app, metrics, options.store);
  registerOidcDiscovery(app, serviceAccountTokens);
  registerAuthorization(app, authorizer);
  await registerGraphql(app, {
    registries,
    clock,
    authRequired: Boolean(options.authenticator),
    authenticate: options.authenticator,
    authorizer,
    aggregatedGet: (path, user) => aggregator.get(path, user),
  });

  // apiextensions.k8s.io: serves each Established CRD's custom resources (apiserver/crd).
  const crdController = new CrdController(registries, clock, logger);
  app.addHook('onReady', async () => {
    await bootstrap(registries, options.servingPort ?? 6443);
    await flowControl.start();
    await registries.startNamespaceCache(logger);
    await registries.startAdmission(logger, { podSecurity: options.podSecurity });
    await crdController.start();
    await rbacCache.start();
    await aggregator.start();
  });
  app.addHook('onClose', async () => {
    crdController.stop();
    aggregator.stop();
    rbacCache.stop();
    flowControl.stop();
    registries.stop();
  });

  app.decorate('registries', registries);
  app.decorate('crdController', crdController);
  return app;
}
