import type { RestClient } from '../client/rest-client.js';
import { startControllerManager, type ControllerManager } from '../controllers/manager.js';
import { realClock, type Clock } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { defaultHpaControllerConfig, hpaControllerDescriptor, type HpaControllerConfig } from './hpa-controller.js';
import { createMetricsClient } from './metrics-client.js';
import type { RawGet } from './raw-get.js';
import { createRestMapper } from './rest-mapper.js';

/**
 * `kubeling hpa`: the HPA controller as its own component. It runs on the controller
 * manager's framework (shared informers, event recorder, leader election) with only the
 * HPA controller registered, holding its own Lease kube-system/kubeling-hpa, so a
 * standby replica can wait while another one acts. (In Kubernetes this controller is a
 * part of kube-controller-manager; Kubeling's design card makes it a component.)
 */

export const HPA_LEASE_NAME = 'kubeling-hpa';
/** kube's account for the HPA controller (role system:controller:horizontal-pod-autoscaler). */
export const HPA_SERVICE_ACCOUNT = 'horizontal-pod-autoscaler';

export interface HpaOptions {
  client: RestClient;
  /** GETs of discovery and the metrics APIs (hpa/raw-get.ts). */
  rawGet: RawGet;
  config?: Partial<HpaControllerConfig>;
  clock?: Clock;
  logger?: Logger;
  /** Default true. */
  leaderElect?: boolean;
  leaderElection?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  /** --use-service-account-credentials: the controller writes as kube-system/horizontal-pod-autoscaler. */
  serviceAccountCredentials?: { clientFor(serviceAccount: string): Promise<RestClient>; stop(): void };
}

export function startHpa(opts: HpaOptions): Promise<ControllerManager> {
  const clock = opts.clock ?? realClock;
  const config: HpaControllerConfig = { ...defaultHpaControllerConfig, ...opts.config };
  const mapper = createRestMapper(opts.rawGet, clock);
  const metrics = createMetricsClient(opts.rawGet, mapper);
  return startControllerManager({
    client: opts.client,
    clock,
    logger: (opts.logger ?? rootLogger).child({ component: 'hpa' }),
    leaderElect: opts.leaderElect ?? true,
    leaderElection: { namespace: 'kube-system', name: HPA_LEASE_NAME, ...opts.leaderElection },
    registry: [{ ...hpaControllerDescriptor({ config, metrics, mapper }), serviceAccounts: [HPA_SERVICE_ACCOUNT] }],
    ...(opts.serviceAccountCredentials ? { serviceAccountCredentials: opts.serviceAccountCredentials } : {}),
  });
}
