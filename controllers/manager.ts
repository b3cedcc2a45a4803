import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createEventRecorder, type EventRecorder } from '../client/event-recorder.js';
import { createSharedInformerFactory } from '../client/informer.js';
import { createLeaderElector, type LeaderElector } from '../client/leader-election.js';
import type { RestClient } from '../client/rest-client.js';
import { realClock, type Clock } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { controllerRegistry } from './registry.js';
import { rootCaPublisherWith } from './serviceaccount/root-ca-publisher.js';
import {
  defaultControllerManagerConfig,
  type ControllerDescriptor,
  type ControllerManagerConfig,
  type RunningController,
} from './types.js';

/**
 * kube-controller-manager: one process running many controllers over one shared
 * informer factory, active only while it holds the leader Lease
 * kube-system/kube-controller-manager (so several replicas can run, one acting).
 *
 * Losing the lease stops every controller and informer (kube exits the process instead);
 * winning it again starts a fresh set with empty caches. With leaderElect false the
 * controllers start at once.
 */

export interface ControllerManagerOptions extends Partial<ControllerManagerConfig> {
  client: RestClient;
  /**
   * kube's --controllers: names to run; `*` means every registered controller, `-name`
   * turns one off. Default ['*'].
   */
  controllers?: string[];
  clock?: Clock;
  logger?: Logger;
  /** Default true. */
  leaderElect?: boolean;
  /** Leader-election identity; default `<hostname>_<uuid>` as kube. */
  identity?: string;
  leaderElection?: {
    namespace?: string;
    name?: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
  };
  /** Informer resync period; default none. */
  resyncMs?: number;
  /** The controllers to choose from; default controllers/registry.ts (tests pass their own). */
  registry?: readonly ControllerDescriptor[];
  /**
   * kube's --root-ca-file: the cluster CA (PEM) the root-ca-certificate-publisher writes
   * into ConfigMap kube-root-ca.crt of every namespace. Absent: that controller is not run.
   */
  rootCaPem?: string;
  /**
   * kube's --use-service-account-credentials: the clients each controller writes with, one
   * per ServiceAccount its descriptor names (service-account-credentials.ts). Absent: every
   * controller writes with `client`. Stopped by the manager's stop.
   */
  serviceAccountCredentials?: { clientFor(serviceAccount: string): Promise<RestClient>; stop(): void };
}

export interface ControllerManager {
  readonly identity: string;
  /** Names of the controllers this manager runs while leading. */
  readonly enabled: readonly string[];
  isLeader(): boolean;
  /** Stops the controllers and informers and releases the lease. */
  stop(): Promise<void>;
}

/** Resolves kube's --controllers list against the registry; throws on unknown names. */
export function enabledControllers(registry: readonly ControllerDescriptor[], given: readonly string[] = ['*']): ControllerDescriptor[] {
  // An alias stands for its controller's name, as kube resolves them before anything else.
  const canonical = new Map<string, string>();
  for (const d of registry) for (const name of [d.name, ...(d.aliases ?? [])]) canonical.set(name, d.name);
  const names = given.map((n) => {
    const off = n.startsWith('-');
    const bare = off ? n.slice(1) : n;
    if (bare === '*') return n;
    const name = canonical.get(bare);
    if (name === undefined) throw new Error(`"${bare}" is not in the list of known controllers`);
    return off ? `-${name}` : name;
  });
  const star = names.includes('*');
  return registry.filter((d) => !names.includes(`-${d.name}`) && (star || names.includes(d.name)));
}

interface Session {
  stop(): Promise<void>;
}

export async function startControllerManager(opts: ControllerManagerOptions): Promise<ControllerManager> {
  const clock = opts.clock ?? realClock;
  const logger = (opts.logger ?? rootLogger).child({ component: 'kube-controller-manager' });
  const config: ControllerManagerConfig = { ...defaultControllerManagerConfig };
  for (const k of Object.keys(defaultControllerManagerConfig) as (keyof ControllerManagerConfig)[]) {
    if (opts[k] !== undefined) (config as unknown as Record<string, unknown>)[k] = opts[k];
  }
  if (opts.serviceCidr) config.serviceCidr = opts.serviceCidr;
  const registry = opts.registry ?? (opts.rootCaPem ? [...controllerRegistry, rootCaPublisherWith({ caPem: opts.rootCaPem })] : controllerRegistry);
  const descriptors = enabledControllers(registry, opts.controllers);
  const identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
  const { client } = opts;

  /** Each ServiceAccount's client (none without --use-service-account-credentials). */
  const controllerClients = async (): Promise<Map<string, RestClient>> => {
    const clients = new Map<string, RestClient>();
    const credentials = opts.serviceAccountCredentials;
    if (!credentials) return clients;
    const names = [...new Set(descriptors.flatMap((d) => d.serviceAccounts ?? []))];
    await Promise.all(names.map(async (n) => clients.set(n, await credentials.clientFor(n))));
    logger.info({ serviceAccounts: names }, 'controllers use their ServiceAccount credentials');
    return clients;
  };

  const startSession = async (): Promise<Session> => {
    const clients = await controllerClients();
    const informers = createSharedInformerFactory(client, { clock, logger, resyncMs: opts.resyncMs });
    const running: RunningController[] = [];
    const recorders: EventRecorder[] = [];
    for (const d of descriptors) {
      const log = logger.child({ controller: d.name });
      const own = d.serviceAccounts?.[0];
      const writer = (own && clients.get(own)) || client;
      const clientFor = (sa: string): RestClient => clients.get(sa) ?? writer;
      const recorder = createEventRecorder(writer, { component: d.eventSource ?? d.name, clock, logger: log });
      recorders.push(recorder);
      try {
        running.push(d.start({ client: writer, clientFor, informers, recorder, clock, logger: log, config }));
        log.info('started controller');
      } catch (err) {
        log.error({ err }, 'error starting controller');
      }
    }
    informers.start();
    return {
      async stop() {
        await Promise.all(running.map((r) => r.stop().catch((err) => logger.error({ err }, 'error stopping controller'))));
        informers.stop();
        await Promise.all(recorders.map((r) => r.stop()));
      },
    };
  };

  let session: Session | undefined;
  let elector: LeaderElector | undefined;
  let stoppingAll = false;
  // Starts and stops run one after another, so a quick lose-and-regain of the lease
  // never runs two sets of controllers at once.
  let transitions: Promise<void> = Promise.resolve();

  const begin = (): void => {
    transitions = transitions.then(async () => {
      if (stoppingAll || session || (elector && !elector.isLeader())) return;
      logger.info({ controllers: descriptors.map((d) => d.name) }, 'starting controllers');
      try {
        session = await startSession();
      } catch (err) {
        // Only a stop ends the credential retries early: nothing to start then.
        if (!stoppingAll) logger.error({ err }, 'could not start the controllers');
      }
    });
  };
  const end = (): void => {
    transitions = transitions.then(async () => {
      const s = session;
      session = undefined;
      await s?.stop();
    });
  };

  if (opts.leaderElect === false) {
    begin();
  } else {
    const le = opts.leaderElection ?? {};
    elector = createLeaderElector({
      client,
      lease: { namespace: le.namespace ?? 'kube-system', name: le.name ?? 'kube-controller-manager' },
      identity,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      clock,
      logger,
      onStartedLeading: begin,
      onStoppedLeading: () => {
        if (!stoppingAll) logger.warn('leader election lost; stopping controllers');
        end();
      },
      onNewLeader: (holder) => {
        if (holder !== identity) logger.info({ leader: holder }, 'new leader elected');
      },
    });
    elector.start();
  }

  return {
    identity,
    enabled: descriptors.map((d) => d.name),
    isLeader: () => (elector ? elector.isLeader() : true),
    async stop() {
      // Controllers first, lease last: a successor must not start while we still write.
      stoppingAll = true;
      opts.serviceAccountCredentials?.stop();
      end();
      await transitions;
      if (elector) await elector.stop();
      end();
      await transitions;
    },
  };
}
