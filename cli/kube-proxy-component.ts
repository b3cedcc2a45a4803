import { createRestClient } from '../client/rest-client.js';
import { startKubeProxy } from '../kube-proxy/kube-proxy.js';
import { connectionOf } from './client-components.js';
import type { ComponentStarter } from './components.js';
import type { KubeProxyFlagSettings } from './kube-proxy-args.js';
import { kubelingVersion } from './version.js';

/**
 * kube-proxy as a component of `up` (in-process, connected to ctx.apiserver) and of
 * `kubeling kube-proxy` (through the kubeconfig). One instance computes the rules of every
 * simulated node and owns the host's NodePort/LoadBalancer listeners.
 */
export function kubeProxyStarter<O>(settings: (options: O) => KubeProxyFlagSettings): ComponentStarter<O> {
  return {
    name: 'kube-proxy',
    async start(ctx) {
      const userAgent = `kubeling-kube-proxy/v${kubelingVersion()} (${process.platform}/${process.arch}) kubernetes/kubeling`;
      const client = createRestClient({ ...connectionOf(ctx), userAgent });
      const s = settings(ctx.options);
      let proxy;
      try {
        proxy = await startKubeProxy({
          client,
          logger: ctx.logger,
          ...(s.proxyMode ? { mode: s.proxyMode } : {}),
          ...(s.nodePortAddresses ? { nodePortAddresses: s.nodePortAddresses } : {}),
          ...(s.flannelBackend ? { flannelBackend: s.flannelBackend } : {}),
          ...(s.clusterCidr ? { clusterCIDR: s.clusterCidr } : {}),
        });
      } catch (err) {
        client.close();
        throw err;
      }
      const started = proxy;
      return {
        name: 'kube-proxy',
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
