import { COMPONENT_USERS, componentToken, nodeUser } from '../../apiserver/auth/component-tokens.js';
import { afterAll, beforeAll } from 'vitest';
import { createRestClient, loadKubeconfig, withBearerToken, type HttpRestClient } from '../../client/rest-client.js';
import { startControllerManager, type ControllerManager, type ControllerManagerOptions } from '../../controllers/manager.js';
import { serviceAccountCredentials } from '../../controllers/service-account-credentials.js';
import { realClock } from '../../lib/clock.js';
import { startKubeletSim, type KubeletSim, type StageConfigOverrides } from '../../kubelet-sim/index.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import { startScheduler, type RunningScheduler } from '../../scheduler/scheduler.js';
import { startE2eCluster, type E2eCluster, type E2eClusterOptions } from './harness.js';

/**
 * A whole cluster for end-to-end tests: the harness's apiserver (TLS, token, kubeconfig,
 * kubectl runner) plus the controller manager, the scheduler and kubelet-sim, all in this
 * process and all talking to the apiserver over HTTPS as separate processes would.
 *
 * startComponents() does not need vitest and is shared with the soak test and the
 * controllers benchmark; useClusterWithComponents() is the per-file vitest wrapper.
 */

/**
 * kubelet-sim stages for tests: a pod is Running within ~0.3 s of being bound, a deleted
 * pod is gone within ~0.3 s, and a sandbox waiting for its node's podCIDR retries fast.
 */
export const FAST_STAGES: StageConfigOverrides = {
  stages: [
    { name: 'pod-sandbox', delay: { ms: 30, jitterMs: 50 } },
    { name: 'image-pull', delay: { ms: 50, jitterMs: 100 } },
    { name: 'container-start', delay: { ms: 20, jitterMs: 30 } },
    { name: 'pod-stop', delay: { ms: 100, jitterMs: 100, capByGrace: true } },
    { name: 'pod-delete', delay: { ms: 0, jitterMs: 50 } },
  ],
  sandboxRetry: { ms: 200, jitterMs: 200 },
};

export interface ComponentsOptions {
  /** Simulated nodes; default 3. */
  nodes?: number;
  /** kubelet-sim stage overrides; default FAST_STAGES. */
  stages?: StageConfigOverrides;
  /** Leader election for the controller manager; default true (the Lease path is what runs in production). */
  leaderElect?: boolean;
  /** Extra controller-manager options (controllers, config…). */
  controllerManager?: Partial<Omit<ControllerManagerOptions, 'client'>>;
  /** Component log level; default KUBELING_LOG_LEVEL, else 'silent' under vitest and 'warn' elsewhere. */
  logLevel?: string;
  /** Client-side throttle of the shared client; default unthrottled. */
  qps?: number;
  /** kubelet-sim write rate (all nodes together); default kubelet-sim's. */
  kubeletQps?: number;
}

/** The running components; each has its own stop, stop() ends all of them. */
export interface Components {
  client: HttpRestClient;
  sim: KubeletSim;
  scheduler: RunningScheduler;
  /** The current controller manager (undefined while stopped). */
  controllerManager(): ControllerManager | undefined;
  stopControllerManager(): Promise<void>;
  /** Starts a fresh controller manager (a new identity, empty caches); stops the old one first. */
  startControllerManager(): Promise<ControllerManager>;
  stop(): Promise<void>;
}

/**
 * Starts controller manager, scheduler and kubelet-sim against an apiserver at `server`.
 * The controller manager comes first so node IPAM assigns podCIDRs as nodes register.
 */
export async function startComponents(
  server: { url: string; caCert?: string; token?: string; kubeconfigPath?: string; componentKey?: string },
  opts: ComponentsOptions = {},
): Promise<Components> {
  const logger: Logger = createLogger({
    level: opts.logLevel ?? process.env.KUBELING_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'warn'),
  });
  const base = server.kubeconfigPath ? loadKubeconfig(server.kubeconfigPath) : { server: server.url, caCert: server.caCert, token: server.token };
  const client = createRestClient({ ...base, qps: opts.qps, timeoutMs: 60_000, maxSockets: 256 });

  let cm: ControllerManager | undefined;
  const stopCm = async (): Promise<void> => {
    const old = cm;
    cm = undefined;
    await old?.stop();
  };
  const startCm = async (): Promise<ControllerManager> => {
    await stopCm();
    // As `up` runs it (--use-service-account-credentials): the manager as
    // system:kube-controller-manager, each controller as its kube-system ServiceAccount.
    const key = server.componentKey;
    const root = key ? withBearerToken(client, componentToken(key, COMPONENT_USERS.controllerManager)) : client;
    cm = await startControllerManager({
      client: root,
      ...(key ? { serviceAccountCredentials: serviceAccountCredentials({ root, clock: realClock, logger, retryMs: 500 }) } : {}),
      logger,
      leaderElect: opts.leaderElect ?? true,
      // Short lease timings: a successor whose predecessor did not release takes over fast.
      leaderElection: { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 },
      ...opts.controllerManager,
    });
    return cm;
  };

  const started: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const s of started.reverse()) await s().catch(() => undefined);
    started.length = 0;
    client.close();
  };
  try {
    await startCm();
    started.push(stopCm);
    // As in `up`: the scheduler and each kubelet as themselves when the component key is known.
    const key = server.componentKey;
    const schedulerClient = key ? withBearerToken(client, componentToken(key, COMPONENT_USERS.scheduler)) : client;
    const scheduler = await startScheduler({ client: schedulerClient, logger });
    started.push(() => scheduler.stop());
    const sim = await startKubeletSim({
      client,
      ...(key ? { nodeClient: (name: string) => withBearerToken(client, componentToken(key, nodeUser(name))) } : {}),
      logger,
      nodes: opts.nodes ?? 3,
      stages: opts.stages ?? FAST_STAGES,
      ...(opts.kubeletQps ? { qps: opts.kubeletQps, burst: opts.kubeletQps * 2 } : {}),
    });
    started.push(() => sim.stop());
    return {
      client,
      sim,
      scheduler,
      controllerManager: () => cm,
      stopControllerManager: stopCm,
      startControllerManager: startCm,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export interface ClusterWithComponents extends E2eCluster, Omit<Components, 'stop'> {}

export type ClusterWithComponentsOptions = E2eClusterOptions & ComponentsOptions;

/** The harness cluster plus components; close() stops the components, then the apiserver. */
export async function startClusterWithComponents(opts: ClusterWithComponentsOptions = {}): Promise<ClusterWithComponents> {
  const cluster = await startE2eCluster({ store: opts.store });
  let components: Components;
  try {
    components = await startComponents({ url: cluster.url, kubeconfigPath: cluster.kubeconfigPath, ...(cluster.componentKey ? { componentKey: cluster.componentKey } : {}) }, opts);
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return {
    ...cluster,
    ...components,
    async close() {
      try {
        await components.stop();
      } finally {
        await cluster.close();
      }
    },
  };
}

/** One cluster with components per test file (beforeAll/afterAll); the accessor throws before beforeAll. */
export function useClusterWithComponents(opts: ClusterWithComponentsOptions = {}): () => ClusterWithComponents {
  let cluster: ClusterWithComponents | undefined;
  beforeAll(async () => {
    cluster = await startClusterWithComponents(opts);
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  }, 120_000);
  return () => {
    if (!cluster) throw new Error('the cluster is not started (call the accessor inside a test)');
    return cluster;
  };
}

/** Moved to test/helpers/wait.ts; re-exported for the e2e files that import it from here. */
export { waitUntil } from '../helpers/wait.js';
