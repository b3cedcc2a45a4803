import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as HttpsServer } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../api/types.js';
import type { Service } from '../api/core/service.js';
import { createEventRecorder, type EventRecorder } from '../client/event-recorder.js';
import { createInformer, type Informer } from '../client/informer.js';
import type { ResourceRef } from '../client/resource.js';
import type { RestClient } from '../client/rest-client.js';
import { realClock, type Clock } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { createDataPath, type DataPath } from '../network/data-path.js';
import { createInformerNetworkView, type InformerNetworkView } from '../network/informer-view.js';
import { nodeNetwork } from '../network/node-network.js';
import { createProxyRulesSource } from '../kube-proxy/node-rules.js';
import { SERVICE_NAME_LABEL } from '../kube-proxy/service-ports.js';
import { generateCa } from '../apiserver/auth/x509.js';
import { cookieValue, rewritePath, type CanaryRequest } from './annotations.js';
import { decideRedirect, REDIRECT_TEXT } from './redirects.js';
import {
  normalizeHost,
  buildRoutingTable,
  DEFAULT_CLASS_ANNOTATION,
  tlsSecretFor,
  type Ingress,
  type IngressBackend,
  type IngressClass,
  type Route,
  type RoutingTable,
} from './routing.js';

/**
 * A simulated ingress controller, as ingress-nginx behaves on kind or minikube: it claims
 * an IngressClass (`nginx`, installed as the default class when the cluster has none for
 * this controller, as the add-ons do), serves the rules of its Ingresses for real on
 * loopback (HTTP, and HTTPS with the certificates of the Ingresses' TLS Secrets chosen by
 * SNI, else a self-signed "Fake Certificate" as ingress-nginx does), writes the address
 * into `status.loadBalancer.ingress`, and hands each request to the Service through the
 * simulated network from a node, so kube-proxy's rules pick the endpoint and the pod's
 * traffic model answers. No simulated address is ever dialled for real.
 *
 * Answers when nothing serves: no rule and no default backend → 404 (nginx's page); a
 * Service that is missing or has no ready endpoints → 503; a refused connection → 502; a
 * dropped one → 504 after proxy-connect-timeout (5 s).
 */

export const CONTROLLER_NAME = 'k8s.io/ingress-nginx';
export const DEFAULT_CLASS_NAME = 'nginx';
export const PROXY_CONNECT_TIMEOUT_MS = 5_000;

const INGRESSES: ResourceRef = { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', namespaced: true, kind: 'Ingress' };
const INGRESS_CLASSES: ResourceRef = { group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses', namespaced: false, kind: 'IngressClass' };
const SECRETS: ResourceRef = { group: '', version: 'v1', plural: 'secrets', namespaced: true, kind: 'Secret' };

export interface IngressControllerOptions {
  client: RestClient;
  logger?: Logger;
  clock?: Clock;
  /** Loopback address served and published in Ingress status; default 127.0.0.1. */
  address?: string;
  /** --http-port; 0 picks a free port. Default 10080. */
  httpPort?: number;
  /** --https-port; 0 picks a free port, null disables HTTPS. Default 10443. */
  httpsPort?: number | null;
  /** The IngressClass to claim (--ingress-class); default nginx. */
  className?: string;
  /** Create the class (default annotation set) when missing; default true. */
  installClass?: boolean;
}

export interface RunningIngressController {
  readonly httpPort: number;
  readonly httpsPort: number | undefined;
  readonly view: InformerNetworkView;
  /** The Ingresses currently served (namespace/name). */
  served(): readonly string[];
  /** Routes a request as the listeners do (for `kubeling trace` and tests). */
  route(host: string | undefined, path: string): Route | undefined;
  stop(): Promise<void>;
}

const nginxPage = (code: number, text: string): string =>
  `<html>\r\n<head><title>${code} ${text}</title></head>\r\n<body>\r\n<center><h1>${code} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

interface TlsSecret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export async function startIngressController(o: IngressControllerOptions): Promise<RunningIngressController> {
  const log = (o.logger ?? rootLogger).child({ component: 'ingress-controller' });
  const clock = o.clock ?? realClock;
  const address = o.address ?? '127.0.0.1';
  const className = o.className ?? DEFAULT_CLASS_NAME;
  const recorder: EventRecorder = createEventRecorder(o.client, { component: 'nginx-ingress-controller', clock, logger: log });

  if (o.installClass !== false) await ensureClass(o.client, className, log);

  const view = createInformerNetworkView(o.client, { clock, logger: log });
  const rules = createProxyRulesSource(view, {});
  const dataPath: DataPath = createDataPath({ view, proxy: rules, clock, flannel: { backend: 'vxlan', network: '100.96.0.0/16' } });
  const ingresses: Informer<KubeObject> = createInformer(o.client, INGRESSES, { clock, logger: log });
  const classes: Informer<KubeObject> = createInformer(o.client, INGRESS_CLASSES, { clock, logger: log });
  const secrets: Informer<KubeObject> = createInformer(o.client, SECRETS, { clock, logger: log, fieldSelector: 'type=kubernetes.io/tls' });

  let table: RoutingTable = buildRoutingTable([], className, false);
  const contexts = new Map<string, { rv: string; ctx: SecureContext }>();
  const fake = generateCa(clock.now(), 'Kubernetes Ingress Controller Fake Certificate');
  const fakeContext = createSecureContext({ key: fake.key, cert: fake.cert });

  const classIsDefault = (): boolean => {
    const ours = classes.store.list().find((c) => c.metadata.name === className) as IngressClass | undefined;
    return ours?.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
  };

  let statusQueued = false;
  const rebuild = (): void => {
    table = buildRoutingTable(ingresses.store.list() as Ingress[], className, classIsDefault());
    if (!statusQueued) {
      statusQueued = true;
      setTimeout(() => {
        statusQueued = false;
        void publishStatus();
      }, 0).unref();
    }
  };

  /** Writes our address into every served Ingress's status (as ingress-nginx's status sync). */
  const publishStatus = async (): Promise<void> => {
    for (const key of table.ingresses) {
      const [namespace, name] = key.split('/') as [string, string];
      const ing = ingresses.store.list().find((i) => i.metadata.namespace === namespace && i.metadata.name === name) as Ingress | undefined;
      if (!ing) continue;
      const current = ing.status?.loadBalancer?.ingress ?? [];
      if (current.length === 1 && current[0]!.ip === address && current[0]!.hostname === undefined) continue;
      try {
        await o.client.updateStatus(INGRESSES, { ...(ing as unknown as KubeObject), status: { loadBalancer: { ingress: [{ ip: address }] } } } as KubeObject);
        recorder.event(ing as unknown as KubeObject, 'Normal', 'Sync', 'Scheduled for sync');
      } catch (err) {
        // A conflict means a newer version is on its way through the watch: the next rebuild retries.
        log.debug({ err: (err as Error).message, ingress: key }, 'status update failed');
      }
    }
  };

  for (const inf of [ingresses, classes]) inf.addEventHandler({ onAdd: rebuild, onUpdate: rebuild, onDelete: rebuild });
  view.start();
  for (const inf of [ingresses, classes, secrets]) inf.start();
  await Promise.all([view.waitForSync(), ingresses.waitForSync(), classes.waitForSync(), secrets.waitForSync()]);
  rebuild();

  /** The node the controller runs on (hostNetwork, as on kind): the first Ready node by name. */
  const entryNode = (): string | undefined =>
    [...view.nodes()]
      .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && nodeNetwork(n).internalIP)
      .map((n) => n.metadata.name!)
      .sort()[0];

  /** The ClusterIP and port a backend names; an error page when it cannot serve. */
  const backendTarget = (route: Route): { target: string } | { status: number; text: string } => {
    const svcRef = route.backend.service;
    if (!svcRef) return { status: 503, text: 'Service Temporarily Unavailable' }; // resource backends are not served
    const svc = view.service(route.namespace, svcRef.name) as Service | undefined;
    if (!svc) return { status: 503, text: 'Service Temporarily Unavailable' };
    const port = (svc.spec?.ports ?? []).find((p) => (svcRef.port?.name ? p.name === svcRef.port.name : p.port === svcRef.port?.number));
    if (!port) return { status: 503, text: 'Service Temporarily Unavailable' };
    const slices = [...view.endpointSlices()].filter((s) => s.metadata.namespace === route.namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === svcRef.name);
    const ready = slices.flatMap((s) =>
      (s.ports ?? []).some((p) => (p.name ?? '') === (port.name ?? '')) ? (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false) : [],
    );
    if (ready.length === 0) return { status: 503, text: 'Service Temporarily Unavailable' };
    const clusterIP = svc.spec?.clusterIP;
    if (clusterIP && clusterIP !== 'None') return { target: `http://${clusterIP}:${port.port}` };
    // Headless: straight to an endpoint, as the upstream list would.
    const slicePort = slices.flatMap((s) => s.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? ''));
    const pick = ready[Math.floor(Math.random() * ready.length)]!;
    return { target: `http://${pick.addresses?.[0] ?? ''}:${slicePort?.port ?? port.port}` };
  };

  const handle = (scheme: 'http' | 'https', req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    const path = req.url ?? '/';
    const uri = path.split('?', 1)[0] || '/';
    const query = path.includes('?') ? path.slice(path.indexOf('?') + 1) : '';
    const canaryReq: CanaryRequest = {
      header: (name) => {
        const v = req.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      },
      cookie: (name) => cookieValue(req.headers.cookie, name),
      random: Math.random,
    };
    const route = table.route(req.headers.host, path, canaryReq);
    const page = (status: number, text: string, extra: Record<string, string> = {}): void => {
      const body = nginxPage(status, text);
      res.writeHead(status, text, { 'Content-Type': 'text/html', 'Content-Length': String(Buffer.byteLength(body)), ...extra });
      res.end(body);
    };
    if (!route) return page(404, 'Not Found');
    const host = normalizeHost(req.headers.host) || address;
    const redirect = decideRedirect(route.annotations, {
      scheme,
      host,
      hostHeader: req.headers.host ?? host,
      uri,
      requestUri: path,
      hostHasTls: tlsSecretFor(table, host) !== undefined,
      httpsPort: httpsPort ?? 443,
    });
    if (redirect) return page(redirect.code, REDIRECT_TEXT[redirect.code] ?? 'Redirect', { Location: redirect.location });
    const upstreamPath = route.annotations.rewriteTarget !== undefined ? rewritePath(route.annotations.rewriteTarget, route.groups ?? [uri], query) : path;
    const where = backendTarget(route);
    if ('status' in where) return page(where.status, where.text);
    const node = entryNode();
    if (!node) return page(503, 'Service Temporarily Unavailable');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const client = req.socket.remoteAddress ?? address;
    headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${client}` : client;
    headers['x-real-ip'] = client;
    headers['x-forwarded-host'] = req.headers.host ?? '';
    headers['x-forwarded-proto'] = scheme;
    headers['x-forwarded-scheme'] = scheme;
    if (route.annotations.rewriteTarget !== undefined) headers['x-original-uri'] = path;
    const r = dataPath.send({ from: { host: true, node }, target: `${where.target}${upstreamPath}`, method: req.method ?? 'GET', headers });
    if (r.outcome === 'response' && r.status !== undefined) {
      res.writeHead(r.status, r.statusText ?? '', { ...(r.headers ?? {}), 'Content-Length': String(Buffer.byteLength(r.body ?? '')) });
      res.end(r.body ?? '');
      return;
    }
    if (r.outcome === 'timeout') {
      const t = setTimeout(() => page(504, 'Gateway Time-out'), PROXY_CONNECT_TIMEOUT_MS);
      t.unref();
      res.once('close', () => clearTimeout(t));
      return;
    }
    page(502, 'Bad Gateway');
  };

  const contextFor = (servername: string): SecureContext => {
    const entry = tlsSecretFor(table, servername);
    if (!entry) return fakeContext;
    const secret = secrets.store.list().find((s) => s.metadata.namespace === entry.namespace && s.metadata.name === entry.secretName) as TlsSecret | undefined;
    const crt = secret?.data?.['tls.crt'];
    const key = secret?.data?.['tls.key'];
    if (!secret || !crt || !key) return fakeContext;
    const cacheKey = `${entry.namespace}/${entry.secretName}`;
    const cached = contexts.get(cacheKey);
    if (cached && cached.rv === secret.metadata.resourceVersion) return cached.ctx;
    try {
      const ctx = createSecureContext({ cert: Buffer.from(crt, 'base64'), key: Buffer.from(key, 'base64') });
      contexts.set(cacheKey, { rv: secret.metadata.resourceVersion ?? '', ctx });
      return ctx;
    } catch (err) {
      log.warn({ err: (err as Error).message, secret: cacheKey }, 'invalid TLS Secret; serving the fake certificate');
      return fakeContext;
    }
  };

  const http: Server = createServer((req, res) => handle('http', req, res));
  const https: HttpsServer | undefined =
    o.httpsPort === null
      ? undefined
      : createTlsServer({ key: fake.key, cert: fake.cert, SNICallback: (name, cb) => cb(null, contextFor(name)) }, (req, res) => handle('https', req, res));
  const listen = (server: Server | HttpsServer, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopAll = async (): Promise<void> => {
    for (const inf of [ingresses, classes, secrets]) inf.stop();
    view.stop();
    await recorder.stop();
  };
  let httpPort: number;
  let httpsPort: number | undefined;
  try {
    httpPort = await listen(http, o.httpPort ?? 10080);
    httpsPort = https ? await listen(https, o.httpsPort ?? 10443) : undefined;
  } catch (err) {
    http.close();
    https?.close();
    await stopAll();
    throw new Error(`ingress controller: cannot listen on ${address}: ${(err as Error).message}`);
  }
  log.info({ address, httpPort, httpsPort, ingressClass: className }, 'ingress controller started');

  return {
    httpPort,
    httpsPort,
    view,
    served: () => table.ingresses,
    route: (host, path) => table.route(host, path),
    async stop() {
      await Promise.all(
        [http, https].filter((s): s is Server => s !== undefined).map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      await stopAll();
    },
  };
}

/** Installs the IngressClass as the kind/minikube add-ons do, unless one for this controller exists. */
async function ensureClass(client: RestClient, className: string, log: Logger): Promise<void> {
  try {
    const list = await client.list(INGRESS_CLASSES);
    if (list.items.some((c) => c.metadata.name === className)) return;
    const anyDefault = list.items.some((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
    await client.create(INGRESS_CLASSES, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: className,
        labels: { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': 'ingress-nginx' },
        ...(anyDefault ? {} : { annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } }),
      },
      spec: { controller: CONTROLLER_NAME },
    } as KubeObject);
  } catch (err) {
    if ((err as { reason?: string }).reason !== 'AlreadyExists') log.warn({ err: (err as Error).message }, 'could not install the IngressClass');
  }
}

export type { IngressBackend };
