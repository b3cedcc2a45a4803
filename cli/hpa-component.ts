import { COMPONENT_USERS } from '../apiserver/auth/component-tokens.js';
import { createRestClient } from '../client/rest-client.js';
import { serviceAccountCredentials } from '../controllers/service-account-credentials.js';
import { HPA_SERVICE_ACCOUNT, startHpa } from '../hpa/start-hpa.js';
import { createRawGet } from '../hpa/raw-get.js';
import { realClock } from '../lib/clock.js';
import { connectionOf } from './client-components.js';
import type { ComponentStarter } from './components.js';
import type { HpaFlagSettings } from './hpa-args.js';
import { kubelingVersion } from './version.js';

export interface HpaSettings {
  leaderElect: boolean;
  hpa: HpaFlagSettings;
  /**
   * As the controller manager's --use-service-account-credentials (kube runs the HPA
   * inside it): the controller acts as kube-system/horizontal-pod-autoscaler, its lease and
   * informers as the manager (in `up`, system:kube-controller-manager). Default false.
   */
  useServiceAccountCredentials?: boolean;
}

/**
 * The HPA controller as a component of `up` (connected in-process to ctx.apiserver) and
 * of `kubeling hpa` (through the kubeconfig). Its REST client and its raw GETs
 * (discovery, metrics APIs) each get their own keep-alive pool, closed on stop.
 */
export function hpaStarter<O>(settings: (options: O) => HpaSettings): ComponentStarter<O> {
  return {
    name: 'hpa',
    async start(ctx) {
      const s = settings(ctx.options);
      const connection = connectionOf(ctx, s.useServiceAccountCredentials ? COMPONENT_USERS.controllerManager : undefined);
      const userAgent = `kubeling-hpa/v${kubelingVersion()} (${process.platform}/${process.arch}) kubernetes/kubeling`;
      const client = createRestClient({ ...connection, userAgent });
      const credentials = s.useServiceAccountCredentials ? serviceAccountCredentials({ root: client, clock: realClock, logger: ctx.logger }) : undefined;
      // Discovery and the metrics APIs are read as the HPA's account once it has a token.
      const raw = createRawGet({ ...connection, userAgent }, credentials ? () => credentials.token(HPA_SERVICE_ACCOUNT) : undefined);
      let hpa;
      try {
        hpa = await startHpa({ client, rawGet: raw.get, logger: ctx.logger, leaderElect: s.leaderElect, config: s.hpa, ...(credentials ? { serviceAccountCredentials: credentials } : {}) });
      } catch (err) {
        credentials?.stop();
        client.close();
        raw.close();
        throw err;
      }
      const started = hpa;
      return {
        name: 'hpa',
        async stop() {
          try {
            await started.stop();
          } finally {
            client.close();
            raw.close();
          }
        },
      };
    },
  };
}
