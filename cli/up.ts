import { startApiserver } from '../apiserver/main.js';
import type { ComponentStarter } from './components.js';

/** The apiserver; it fills ctx.apiserver for every component started after it. */
export const apiserverStarter: ComponentStarter = {
  name: 'apiserver',
  async start(ctx) {
    const o = ctx.options;
    const apiserver = await startApiserver({
      dataDir: o.dataDir,
      port: o.port,
      bindAddress: o.bindAddress,
      store: o.store,
      etcdServers: o.etcdServers,
      logger: ctx.logger,
      ...(o.kubeconfigPath ? { kubeconfigPath: o.kubeconfigPath } : {}),
      ...(o.tokenAuthFile ? { tokenAuthFile: o.tokenAuthFile } : {}),
    });
    ctx.apiserver = apiserver;
    return { name: 'apiserver', stop: () => apiserver.close() };
  },
};

/**
 * What `kubeling up` runs, in start order (stopped in reverse). Each later component is
 * one more line here: scheduler, controllers, hpa, then the simulated kubelets
 * (ctx.options.nodes of them).
 */
export const UP_COMPONENTS: readonly ComponentStarter[] = [apiserverStarter];

/** What `kubeling apiserver` runs. */
export const APISERVER_COMPONENTS: readonly ComponentStarter[] = [apiserverStarter];
