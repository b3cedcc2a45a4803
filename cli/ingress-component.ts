import { createRestClient } from '../client/rest-client.js';
import { startIngressController } from '../ingress-controller/controller.js';
import { connectionOf } from './client-components.js';
import type { ComponentStarter } from './components.js';
import type { IngressSettings } from './ingress-args.js';
import { kubelingVersion } from './version.js';

/**
 * The simulated ingress-nginx as a component of `up` (in-process, connected to
 * ctx.apiserver) and of `kubeling ingress-controller` (through the kubeconfig). Fills
 * ctx.ingress with the ports it serves, for main to print.
 */
export function ingressControllerStarter<O>(settings: (options: O) => IngressSettings): ComponentStarter<O> {
  return {
    name: 'ingress-controller',
    async start(ctx) {
      const userAgent = `kubeling-ingress-controller/v${kubelingVersion()} (${process.platform}/${process.arch}) kubernetes/kubeling`;
      const client = createRestClient({ ...connectionOf(ctx), userAgent });
      const s = settings(ctx.options);
      let ic;
      try {
        ic = await startIngressController({
          client,
          logger: ctx.logger,
          httpPort: s.httpPort === undefined || s.httpPort === 'none' ? 10080 : s.httpPort,
          httpsPort: s.httpsPort === 'none' ? null : (s.httpsPort ?? 10443),
          ...(s.ingressClass ? { className: s.ingressClass } : {}),
        });
      } catch (err) {
        client.close();
        throw err;
      }
      const started = ic;
      ctx.ingress = { address: '127.0.0.1', className: s.ingressClass ?? 'nginx', httpPort: started.httpPort, ...(started.httpsPort !== undefined ? { httpsPort: started.httpsPort } : {}) };
      return {
        name: 'ingress-controller',
        async stop() {
          try {
            await started.stop();
          } finally {
            client.close();
          }
        },
      };
    },
  };
}
