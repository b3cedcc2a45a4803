import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { nodeResource } from '../api/core/node.js';
import { podResource } from '../api/core/pod.js';
import { pdbResource } from '../api/policy/pdb.js';
import type { CloudProvider } from '../cloud/cloud-provider.js';
import { createEventRecorder } from '../client/event-recorder.js';
import { createSharedInformerFactory } from '../client/informer.js';
import { createLeaderElector, type LeaderElector } from '../client/leader-election.js';
import type { RestClient } from '../client/rest-client.js';
import { realClock, type Clock, type TimerHandle } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { ClusterAutoscaler } from './autoscaler.js';
import { createCaMetrics } from './metrics.js';
import { CA_NAMESPACE, DEFAULT_OPTIONS, EVENT_SOURCE, type AutoscalingOptions } from './options.js';

export { DEFAULT_OPTIONS, EXPANDERS, type AutoscalingOptions, type ExpanderName } from './options.js';

/**
 * startClusterAutoscaler: `kubeling cluster-autoscaler`, a client of the apiserver (node,
 * pod and PodDisruptionBudget informers; writes through REST) and of the cloud. With
 * leader election (default, as CA's --leader-elect) it acts only while holding the
 * kube-system/cluster-autoscaler Lease. /metrics is served on `metricsAddress` (CA's
 * --address, default :8085; here loopback only).
 */

export const CA_LEASE = { namespace: CA_NAMESPACE, name: 'cluster-autoscaler' } as const;

export interface StartClusterAutoscalerOptions {
  client: RestClient;
  cloud: CloudProvider;
  options?: Partial<AutoscalingOptions>;
  clock?: Clock;
  logger?: Logger;
  leaderElect?: boolean;
  identity?: string;
  random?: () => number;
  /** host:port for /metrics; undefined: no server. Port 0 picks one. */
  metricsAddress?: { host: string; port: number };
}

export interface RunningClusterAutoscaler {
  readonly autoscaler: ClusterAutoscaler;
  /** The /metrics port, when served. */
  readonly metricsPort?: number;
  stop(): Promise<void>;
}

export async function startClusterAutoscaler(o: StartClusterAutoscalerOptions): Promise<RunningClusterAutoscaler> {
  const clock = o.clock ?? realClock;
  const logger = (o.logger ?? rootLogger).child({ component: 'cluster-autoscaler' });
  const options: AutoscalingOptions = { ...DEFAULT_OPTIONS, ...o.options };
  const factory = createSharedInformerFactory(o.client, { clock, logger });
  const nodes = factory.informerFor(nodeResource);
  const pods = factory.informerFor(podResource);
  const pdbs = factory.informerFor(pdbResource);
  const recorder = createEventRecorder(o.client, { component: EVENT_SOURCE, clock, logger });
  const metrics = createCaMetrics();
  const autoscaler = new ClusterAutoscaler({
    client: o.client,
    cloud: o.cloud,
    clock,
    logger,
    options,
    recorder,
    metrics,
    random: o.random ?? Math.random,
    nodes: nodes.store,
    pods: pods.store,
    pdbs: pdbs.store,
  });

  let server: Server | undefined;
  let metricsPort: number | undefined;
  if (o.metricsAddress) {
    const srv = createServer((req, res) => {
      if (req.url === '/metrics') {
        metrics.registry
          .metrics()
          .then((text) => {
            res.writeHead(200, { 'content-type': metrics.registry.contentType });
            res.end(text);
          })
          .catch((err: Error) => {
            res.writeHead(500);
            res.end(err.message);
          });
      } else if (req.url === '/health-check' || req.url === '/healthz') {
        res.writeHead(200);
        res.end('OK');
      } else {
        res.writeHead(404);
        res.end('404 page not found\n');
      }
    });
    server = srv;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(o.metricsAddress!.port, o.metricsAddress!.host, () => resolve());
    });
    const addr = srv.address();
    metricsPort = typeof addr === 'object' && addr ? addr.port : undefined;
  }

  factory.start();
  let stopped = false;
  let active = false;
  let timer: TimerHandle | undefined;
  let running: Promise<void> | undefined;
  const loop = () => {
    timer = undefined;
    if (stopped || !active) return;
    running = autoscaler
      .runOnce()
      .then(() => undefined)
      .catch((err: Error) => {
        metrics.errors.inc({ type: 'internalError' });
        logger.warn({ err: err.message }, 'autoscaler loop failed');
      })
      .finally(() => {
        running = undefined;
        if (!stopped && active) timer = clock.setTimeout(loop, options.scanIntervalMs);
      });
  };
  const activate = (on: boolean) => {
    active = on;
    if (on && !timer && !running) timer = clock.setTimeout(loop, 0);
    if (!on && timer) {
      clock.clearTimeout(timer);
      timer = undefined;
    }
  };

  const synced = await factory.waitForSync();
  let elector: LeaderElector | undefined;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    activate(false);
    await running;
    await autoscaler.stop();
    await elector?.stop();
    factory.stop();
    await recorder.stop();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  };
  if (!synced) {
    await stop();
    throw new Error('cluster-autoscaler: informers stopped before their first sync');
  }
  if (o.leaderElect) {
    const identity = o.identity ?? `${hostname()}_${randomUUID()}`;
    elector = createLeaderElector({
      client: o.client,
      lease: CA_LEASE,
      identity,
      clock,
      logger,
      onStartedLeading: () => {
        logger.info({ identity }, 'became leader; autoscaling');
        activate(true);
      },
      onStoppedLeading: () => {
        logger.warn({ identity }, 'lost the lease; autoscaling paused');
        activate(false);
      },
    });
    elector.start();
  } else activate(true);
  logger.info({ ...options, metricsPort }, 'cluster autoscaler started');
  return { autoscaler, ...(metricsPort !== undefined ? { metricsPort } : {}), stop };
}
