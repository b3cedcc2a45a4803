import { createRestClient } from '../client/rest-client.js';
import { startHpa } from '../hpa/start-hpa.js';
import { createRawGet } from '../hpa/raw-get.js';
import { connectionOf } from './client-components.js';
import type { ComponentStarter } from './components.js';
import type { HpaFlagSettings } from './hpa-args.js';
import { kubelingVersion } from './version.js';

export interface HpaSettings {
  leaderElect: boolean;
  hpa: HpaFlagSettings;
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
      const connection = connectionOf(ctx);
      const userAgent = `kubeling-hpa/v${kubelingVersion()} (${process.platform}/${process.arch}) kubernetes/kubeling`;
      const client = createRestClient({ ...connection, userAgent });
      const raw = createRawGet({ ...connection, userAgent });
      const s = settings(ctx.options);
      let hpa;
      try {
        hpa = await startHpa({ client, rawGet: raw.get, logger: ctx.logger, leaderElect: s.leaderElect, config: s.hpa });
      } catch (err) {
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
