import { createRestClient, loadKubeconfig, type ClientConfig, type HttpRestClient } from '../client/rest-client.js';
import { startControllerManager } from '../controllers/manager.js';
import { loadNodeTemplate, startKubeletSim } from '../kubelet-sim/index.js';
import { startScheduler } from '../scheduler/scheduler.js';
import type { ClientRunOptions } from './client-args.js';
import type { ComponentStarter, UpContext } from './components.js';
import { kubelingVersion } from './version.js';

/**
 * The components that are clients of the apiserver, as starters for both `up` (connected
 * in-process to ctx.apiserver with its CA and admin token) and their own commands
 * (connected through the kubeconfig that kubeconfigStarter loads). Each takes a function
 * from the command's options to its settings, so one starter serves every command.
 * Each component gets its own RestClient (own keep-alive pool and user agent), as the
 * kube binaries each have their own connection.
 */

export interface ControllerManagerSettings {
  leaderElect: boolean;
  /** kube's --controllers; absent: every controller. */
  controllers?: string[];
  clusterCidr?: string;
  nodeCidrMaskSize?: number;
  nodeMonitorGracePeriodMs?: number;
}

export interface SchedulerSettings {
  leaderElect: boolean;
}

export interface KubeletSimSettings {
  nodes: number;
  namePrefix?: string;
  /** JSON or YAML node template, read at start. */
  templatePath?: string;
}

/** The client commands' first starter: reads --kubeconfig into ctx.connection. */
export const kubeconfigStarter: ComponentStarter<ClientRunOptions> = {
  name: 'kubeconfig',
  async start(ctx) {
    try {
      ctx.connection = loadKubeconfig(ctx.options.kubeconfigPath);
    } catch (err) {
      const detail = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new Error(`cannot use --kubeconfig ${ctx.options.kubeconfigPath}: ${detail}`);
    }
    ctx.logger.debug({ server: ctx.connection.server }, 'loaded kubeconfig');
    return { name: 'kubeconfig', stop: async () => {} };
  },
};

/** Where a client component connects: the loaded kubeconfig, else the apiserver of this process. */
export function connectionOf(ctx: UpContext<unknown>): ClientConfig {
  if (ctx.connection) return ctx.connection;
  if (ctx.apiserver) return { server: ctx.apiserver.url, caCert: ctx.apiserver.caCert, token: ctx.apiserver.adminToken };
  throw new Error('no apiserver to connect to: start the apiserver or load a kubeconfig first');
}

function clientFor(ctx: UpContext<unknown>, component: string): HttpRestClient {
  return createRestClient({
    ...connectionOf(ctx),
    userAgent: `kubeling-${component}/v${kubelingVersion()} (${process.platform}/${process.arch}) kubernetes/kubeling`,
  });
}

/**
 * Starts `run` with a fresh client; the component's stop closes the client after the
 * component, and a failed start closes it at once.
 */
function clientStarter<O>(name: string, run: (client: HttpRestClient, ctx: UpContext<O>) => Promise<{ stop(): Promise<void> }>): ComponentStarter<O> {
  return {
    name,
    async start(ctx) {
      const client = clientFor(ctx, name);
      let component;
      try {
        component = await run(client, ctx);
      } catch (err) {
        client.close();
        throw err;
      }
      const started = component;
      return {
        name,
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

export function controllerManagerStarter<O>(settings: (options: O) => ControllerManagerSettings): ComponentStarter<O> {
  return clientStarter('controller-manager', (client, ctx) => {
    const s = settings(ctx.options);
    return startControllerManager({
      client,
      logger: ctx.logger,
      leaderElect: s.leaderElect,
      ...(s.controllers ? { controllers: s.controllers } : {}),
      ...(s.clusterCidr !== undefined ? { clusterCidr: s.clusterCidr } : {}),
      ...(s.nodeCidrMaskSize !== undefined ? { nodeCidrMaskSize: s.nodeCidrMaskSize } : {}),
      ...(s.nodeMonitorGracePeriodMs !== undefined ? { nodeMonitorGracePeriodMs: s.nodeMonitorGracePeriodMs } : {}),
    });
  });
}

export function schedulerStarter<O>(settings: (options: O) => SchedulerSettings): ComponentStarter<O> {
  return clientStarter('scheduler', (client, ctx) => startScheduler({ client, logger: ctx.logger, leaderElect: settings(ctx.options).leaderElect }));
}

export function kubeletSimStarter<O>(settings: (options: O) => KubeletSimSettings): ComponentStarter<O> {
  return clientStarter('kubelet-sim', (client, ctx) => {
    const s = settings(ctx.options);
    return startKubeletSim({
      client,
      logger: ctx.logger,
      nodes: s.nodes,
      ...(s.namePrefix !== undefined ? { namePrefix: s.namePrefix } : {}),
      ...(s.templatePath !== undefined ? { template: loadNodeTemplate(s.templatePath) } : {}),
    });
  });
}
