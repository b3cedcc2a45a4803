import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { nodeResource, type Node } from '../api/core/node.js';
import { podResource } from '../api/core/pod.js';
import { generateCa, generateServingCert, subjectAltNames } from '../apiserver/auth/x509.js';
import { createInformer } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import { realClock, type Clock, type TimerHandle } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { handleMetricsApi } from './api.js';
import { NAMESPACE, SERVICE_NAME, registerMetricsApi } from './registration.js';
import { scrapeNodes, type ScrapeResult } from './scraper.js';
import { MetricsStorage } from './storage.js';

/**
 * The metrics server component (`kubeling metrics-server`, started by `up`): a client of
 * the apiserver (informers for Nodes and Pods) that scrapes every node's kubelet
 * /metrics/resource each `--metric-resolution` and serves metrics.k8s.io and
 * custom.metrics.k8s.io over HTTPS on loopback, registered with the aggregator through
 * the metrics-server Service and its APIServices (registration.ts).
 */

export interface MetricsServerOptions {
  client: RestClient;
  clock?: Clock;
  logger?: Logger;
  /** --metric-resolution; default 15 s. */
  metricResolutionMs?: number;
  /** --secure-port; default 0 (a free port: one host runs many simulated clusters). */
  port?: number;
  /** --bind-address: a loopback address; default 127.0.0.1. */
  bindAddress?: string;
  /** Per-node scrape timeout; default 10 s (metrics-server's --kubelet-request-timeout). */
  scrapeTimeoutMs?: number;
}

export interface RunningMetricsServer {
  port: number;
  endpoint: string;
  /** Runs one scrape round now (tests). */
  scrape(): Promise<ScrapeResult>;
  stop(): Promise<void>;
}

export async function startMetricsServer(o: MetricsServerOptions): Promise<RunningMetricsServer> {
  const clock = o.clock ?? realClock;
  const logger = (o.logger ?? rootLogger).child({ component: 'metrics-server' });
  const resolutionMs = o.metricResolutionMs ?? 15_000;
  const bind = o.bindAddress ?? '127.0.0.1';
  const storage = new MetricsStorage();
  const nodes = createInformer(o.client, nodeResource, { clock, logger });
  const pods = createInformer(o.client, podResource, { fieldSelector: 'spec.nodeName!=', clock, logger });

  const ca = generateCa(clock.now(), 'metrics-server-ca');
  const cert = generateServingCert(ca, { ...subjectAltNames([bind]), dns: [...subjectAltNames([bind]).dns, `${SERVICE_NAME}.${NAMESPACE}.svc`] }, clock.now());
  const server = https.createServer({ key: cert.key, cert: `${cert.cert}${ca.cert}` }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
      return;
    }
    const answer = handleMetricsApi(
      {
        storage,
        resolutionMs,
        node: (name) => nodes.store.getByName('', name),
        pod: (namespace, name) => pods.store.getByName(namespace, name),
      },
      req.method ?? 'GET',
      req.url ?? '/',
      clock.now(),
    );
    const body = JSON.stringify(answer.body);
    res.writeHead(answer.code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `${bind.includes(':') ? `[${bind}]` : bind}:${port}`;

  nodes.start();
  pods.start();
  let stopped = false;
  let timer: TimerHandle | undefined;
  const scrape = async (): Promise<ScrapeResult> => {
    const list = nodes.store.list() as Node[];
    const result = await scrapeNodes(list, storage, { clock, logger, timeoutMs: o.scrapeTimeoutMs ?? 10_000 });
    logger.debug({ nodes: result.nodes, failed: result.failed, durationMs: result.durationMs }, 'scrape finished');
    return result;
  };
  const loop = async (): Promise<void> => {
    if (stopped) return;
    const started = clock.now();
    try {
      await scrape();
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'scrape failed');
    }
    if (!stopped) timer = clock.setTimeout(() => void loop(), Math.max(0, resolutionMs - (clock.now() - started)));
  };

  try {
    await registerMetricsApi(o.client, endpoint);
    await Promise.all([nodes.waitForSync(), pods.waitForSync()]);
  } catch (err) {
    nodes.stop();
    pods.stop();
    server.close();
    throw err;
  }
  void loop();
  logger.info({ endpoint, metricResolutionMs: resolutionMs }, 'metrics-server started');
  return {
    port,
    endpoint,
    scrape,
    async stop() {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
      nodes.stop();
      pods.stop();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
