import { startKubeProxy } from '../kube-proxy/kube-proxy.js';
import { clientStarter } from './client-components.js';
import { COMPONENT_USERS } from '../apiserver/auth/component-tokens.js';
import type { ComponentStarter } from './components.js';
import type { KubeProxyFlagSettings } from './kube-proxy-args.js';

/**
 * kube-proxy as a component of `up` (in-process, connected to ctx.apiserver) and of
 * `kubeling kube-proxy` (through the kubeconfig). One instance computes the rules of every
 * simulated node and owns the host's NodePort/LoadBalancer listeners.
 */
export function kubeProxyStarter<O>(settings: (options: O) => KubeProxyFlagSettings): ComponentStarter<O> {
  return clientStarter('kube-proxy', (client, ctx) => {
    const s = settings(ctx.options);
    return startKubeProxy({
      client,
      logger: ctx.logger,
      ...(s.proxyMode ? { mode: s.proxyMode } : {}),
      ...(s.nodePortAddresses ? { nodePortAddresses: s.nodePortAddresses } : {}),
      ...(s.flannelBackend ? { flannelBackend: s.flannelBackend } : {}),
      ...(s.clusterCidr ? { clusterCIDR: s.clusterCidr } : {}),
    });
  }, COMPONENT_USERS.kubeProxy);
}
