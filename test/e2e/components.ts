import type { ControllerManager, ControllerManagerOptions } from '../../controllers/manager.js';
import type { HttpRestClient } from '../../client/rest-client.js';
import type { KubeletSim, KubeletSimOptions } from '../../kubelet-sim/index.js';
import type { RunningScheduler, StartSchedulerOptions } from '../../scheduler/scheduler.js';

/**
 * The components an e2e file may run beside its apiserver: kube-controller-manager, the
 * scheduler and simulated kubelets, each in this process and each a client of the
 * apiserver over HTTPS with its own RestClient (its own sockets and throttle), exactly as
 * `kubeling up` wires them.
 *
 * The modules are imported on demand, so e2e files that run the apiserver alone never load
 * (or break on) the component code.
 */

export interface E2eComponentsOptions {
  /** Start kube-controller-manager (leader election off, so it acts at once). */
  controllerManager?: boolean | Omit<ControllerManagerOptions, 'client'>;
  /** Start the scheduler (leader election off). */
  scheduler?: boolean | Omit<StartSchedulerOptions, 'client'>;
  /** Start kubelet-sim with these options (`nodes` at least). */
  kubeletSim?: Omit<KubeletSimOptions, 'client'>;
}

export interface E2eComponents {
  /** A client for the test itself (admin token). */
  client: HttpRestClient;
  controllerManager?: ControllerManager;
  scheduler?: RunningScheduler;
  kubeletSim?: KubeletSim;
  /** Stops the components (kubelets first, controllers last) and closes every client. */
  stop(): Promise<void>;
}

export interface ApiserverAccess {
  url: string;
  caCert: string;
  adminToken: string;
  /** When known, the controller manager runs as `up` runs it (--use-service-account-credentials). */
  componentKey?: string;
}

export async function startComponents(api: ApiserverAccess, opts: E2eComponentsOptions): Promise<E2eComponents> {
  const { createRestClient } = await import('../../client/rest-client.js');
  const clients: HttpRestClient[] = [];
  const newClient = (userAgent: string): HttpRestClient => {
    const c = createRestClient({ server: api.url, caCert: api.caCert, token: api.adminToken, userAgent });
    clients.push(c);
    return c;
  };
  const stops: Array<() => Promise<void>> = [];
  const out: E2eComponents = {
    client: newClient('kubeling-e2e'),
    async stop() {
      // Reverse start order: kubelets, scheduler, then the controllers.
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      stops.length = 0;
      for (const c of clients) c.close();
    },
  };
  try {
    if (opts.controllerManager) {
      const { startControllerManager } = await import('../../controllers/manager.js');
      const extra = opts.controllerManager === true ? {} : opts.controllerManager;
      const { COMPONENT_USERS, componentToken } = await import('../../apiserver/auth/component-tokens.js');
      const { withBearerToken } = await import('../../client/rest-client.js');
      const { serviceAccountCredentials } = await import('../../controllers/service-account-credentials.js');
      const { realClock } = await import('../../lib/clock.js');
      const { rootLogger } = await import('../../lib/logger.js');
      const base = newClient('kube-controller-manager');
      const root = api.componentKey ? withBearerToken(base, componentToken(api.componentKey, COMPONENT_USERS.controllerManager)) : base;
      const credentials = api.componentKey ? serviceAccountCredentials({ root, clock: realClock, logger: extra.logger ?? rootLogger, retryMs: 500 }) : undefined;
      const cm = await startControllerManager({ leaderElect: false, rootCaPem: api.caCert, ...extra, client: root, ...(credentials ? { serviceAccountCredentials: credentials } : {}) });
      out.controllerManager = cm;
      stops.push(() => cm.stop());
    }
    if (opts.scheduler) {
      const { startScheduler } = await import('../../scheduler/scheduler.js');
      const extra = opts.scheduler === true ? {} : opts.scheduler;
      const s = await startScheduler({ leaderElect: false, ...extra, client: newClient('kube-scheduler') });
      out.scheduler = s;
      stops.push(() => s.stop());
    }
    if (opts.kubeletSim) {
      const { startKubeletSim } = await import('../../kubelet-sim/index.js');
      const sim = await startKubeletSim({ ...opts.kubeletSim, client: newClient('kubelet-sim') });
      out.kubeletSim = sim;
      stops.push(() => sim.stop());
    }
  } catch (err) {
    await out.stop();
    throw err;
  }
  return out;
}
