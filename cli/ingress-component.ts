import { startIngressController } from '../ingress-controller/controller.js';
import { clientStarter } from './client-components.js';
import { COMPONENT_USERS } from '../apiserver/auth/component-tokens.js';
import type { ComponentStarter } from './components.js';
import type { IngressSettings } from './ingress-args.js';

/**
 * The simulated ingress-nginx as a component of `up` (in-process, connected to
 * ctx.apiserver) and of `kubeling ingress-controller` (through the kubeconfig). Fills
 * ctx.ingress with the ports it serves, for main to print.
 */
export function ingressControllerStarter<O>(settings: (options: O) => IngressSettings): ComponentStarter<O> {
  return clientStarter('ingress-controller', async (client, ctx) => {
    const s = settings(ctx.options);
    const ic = await startIngressController({
      client,
      logger: ctx.logger,
      httpPort: s.httpPort === undefined || s.httpPort === 'none' ? 10080 : s.httpPort,
      httpsPort: s.httpsPort === 'none' ? null : (s.httpsPort ?? 10443),
      ...(s.ingressClass ? { className: s.ingressClass } : {}),
    });
    ctx.ingress = { address: '127.0.0.1', className: s.ingressClass ?? 'nginx', httpPort: ic.httpPort, ...(ic.httpsPort !== undefined ? { httpsPort: ic.httpsPort } : {}) };
    return ic;
  }, COMPONENT_USERS.ingressController);
}
