import { readFileSync } from 'node:fs';
import { createRestClient, loadKubeconfig, withBearerToken, type ClientConfig, type HttpRestClient } from '../client/rest-client.js';
import { COMPONENT_USERS, componentToken, nodeUser, type ComponentUser } from '../apiserver/auth/component-tokens.js';
import { startControllerManager } from '../controllers/manager.js';
import { serviceAccountCredentials } from '../controllers/service-account-credentials.js';
import { realClock } from '../lib/clock.js';
import { loadNodeTemplate, loadStageConfig, startKubeletSim, type StageConfig } from '../kubelet-sim/index.js';
import type { ResolvedNodeTemplate } from '../kubelet-sim/node-template.js';
import { startScheduler } from '../scheduler/scheduler.js';
import { startMetricsServer } from '../metrics-server/metrics-server.js';
import type { ClientRunOptions } from './client-args.js';
import type { ComponentStarter, UpContext } from './components.js';
import { readFlagFile } from './flag-files.js';
import { kubelingVersion } from './version.js';
import { startDnsComponent } from '../dns/component.js';

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
  /**
   * kube's --use-service-account-credentials: each controller writes as its kube-system
   * ServiceAccount (tokens from the TokenRequest API). In `up` the manager itself is then
   * system:kube-controller-manager; without it, it runs as the admin, since that user alone
   * may not do what the controllers do.
   */
  useServiceAccountCredentials?: boolean;
}

export interface SchedulerSettings {
  leaderElect: boolean;
}

export interface KubeletSimSettings {
  nodes: number;
  namePrefix?: string;
  /** JSON or YAML node template (--node-template), read before anything starts. */
  templatePath?: string;
  /** JSON or YAML stage overrides (--stage-config), merged over the defaults (kubelet-sim/stages.ts). */
  stageConfigPath?: string;
  /** Each node's client limits (--kube-api-qps, --kube-api-burst); absent: kubelet's 50 and 100. */
  kubeApiQps?: number;
  kubeApiBurst?: number;
  /** The kubelets' server: port (0 or absent: a free one) and listen address (absent: 127.0.0.1). */
  port?: number;
  address?: string;
  /** kubelet's --cluster-dns and --cluster-domain (absent: 10.96.0.10 and cluster.local). */
  clusterDns?: string[];
  clusterDomain?: string;
  /** A file holding the apiserver's component key: each node's writes carry system:node:NAME (client commands). */
  nodeCredentialsKeyPath?: string;
}

/** The client commands' first starter: reads --kubeconfig into ctx.connection. */
export const kubeconfigStarter: ComponentStarter<ClientRunOptions> = {
  name: 'kubeconfig',
  async start(ctx) {
    ctx.connection = readFlagFile('kubeconfig', ctx.options.kubeconfigPath, (path) => loadKubeconfig(path));
    ctx.logger.debug({ server: ctx.connection.server }, 'loaded kubeconfig');
    return { name: 'kubeconfig', stop: async () => {} };
  },
};

/**
 * Where a client component connects: the loaded kubeconfig (its credential is the
 * component's), else the apiserver of this process, as `user` when given (a token signed
 * with the apiserver's component key, auth/component-tokens.ts), else as the admin.
 */
export function connectionOf(ctx: UpContext<unknown>, user?: ComponentUser): ClientConfig {
  if (ctx.connection) return ctx.connection;
  if (ctx.apiserver) {
    const token = user && ctx.apiserver.componentKey ? componentToken(ctx.apiserver.componentKey, user) : ctx.apiserver.adminToken;
    return { server: ctx.apiserver.url, caCert: ctx.apiserver.caCert, token };
  }
  throw new Error('no apiserver to connect to: start the apiserver or load a kubeconfig first');
}

function clientFor(ctx: UpContext<unknown>, component: string, user?: ComponentUser): HttpRestClient {
  return createRestClient({
    ...connectionOf(ctx, user),
    userAgent: `kubeling-${component}/v${kubelingVersion()} (${process.platform}/${process.arch}) kubernetes/kubeling`,
  });
}

/**
 * Each simulated kubelet's client in `up`: the shared client's pool with the node's own
 * credential. Undefined when the component key is unknown (client commands: the
 * kubeconfig's credential serves every node).
 */
export function nodeClientsOf(ctx: UpContext<unknown>, shared: HttpRestClient): ((nodeName: string) => HttpRestClient) | undefined {
  const key = ctx.connection ? undefined : ctx.apiserver?.componentKey;
  if (!key) return undefined;
  return (nodeName) => withBearerToken(shared, componentToken(key, nodeUser(nodeName)));
}

/**
 * Starts `run` with a fresh client; the component's stop closes the client after the
 * component, and a failed start closes it at once.
 */
export function clientStarter<O>(name: string, run: (client: HttpRestClient, ctx: UpContext<O>) => Promise<{ stop(): Promise<void> }>, user?: ComponentUser): ComponentStarter<O> {
  return {
    name,
    async start(ctx) {
      const client = clientFor(ctx, name, user);
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
  return {
    name: 'controller-manager',
    start(ctx) {
      const s = settings(ctx.options);
      return controllerManagerWith(s).start(ctx);
    },
  };
}

function controllerManagerWith<O>(s: ControllerManagerSettings): ComponentStarter<O> {
  const user = s.useServiceAccountCredentials ? COMPONENT_USERS.controllerManager : undefined;
  return clientStarter('controller-manager', (client, ctx) => {
    const caCert = connectionOf(ctx).caCert;
    return startControllerManager({
      client,
      logger: ctx.logger,
      ...(s.useServiceAccountCredentials ? { serviceAccountCredentials: serviceAccountCredentials({ root: client, clock: realClock, logger: ctx.logger }) } : {}),
      ...(caCert ? { rootCaPem: caCert } : {}),
      leaderElect: s.leaderElect,
      ...(s.controllers ? { controllers: s.controllers } : {}),
      ...(s.clusterCidr !== undefined ? { clusterCidr: s.clusterCidr } : {}),
      ...(s.nodeCidrMaskSize !== undefined ? { nodeCidrMaskSize: s.nodeCidrMaskSize } : {}),
      ...(s.nodeMonitorGracePeriodMs !== undefined ? { nodeMonitorGracePeriodMs: s.nodeMonitorGracePeriodMs } : {}),
    });
  }, user);
}

export function schedulerStarter<O>(settings: (options: O) => SchedulerSettings): ComponentStarter<O> {
  return clientStarter('scheduler', (client, ctx) => startScheduler({ client, logger: ctx.logger, leaderElect: settings(ctx.options).leaderElect }), COMPONENT_USERS.scheduler);
}

/** What the kubelet-sim flags' files hold, once read. */
interface KubeletSimFiles {
  template?: ResolvedNodeTemplate;
  stages?: StageConfig;
  nodeCredentialsKey?: string;
}

function loadKubeletSimFiles(s: KubeletSimSettings): KubeletSimFiles {
  return {
    ...(s.templatePath !== undefined ? { template: readFlagFile('node-template', s.templatePath, loadNodeTemplate) } : {}),
    ...(s.stageConfigPath !== undefined ? { stages: readFlagFile('stage-config', s.stageConfigPath, loadStageConfig) } : {}),
    ...(s.nodeCredentialsKeyPath !== undefined ? { nodeCredentialsKey: readFlagFile('node-credentials-key', s.nodeCredentialsKeyPath, (p) => readFileSync(p, 'utf8').trim()) } : {}),
  };
}

/** The simulated kubelets; prepare reads --node-template and --stage-config. */
export function kubeletSimStarter<O>(settings: (options: O) => KubeletSimSettings): ComponentStarter<O> {
  // The files prepare read, per run: a command's starter list is shared by all its runs.
  const prepared = new WeakMap<UpContext<O>, KubeletSimFiles>();
  const starter = clientStarter<O>('kubelet-sim', (client, ctx) => {
    const s = settings(ctx.options);
    // Read here when started without startComponents (which always prepares first).
    const files = prepared.get(ctx) ?? loadKubeletSimFiles(s);
    const key = files.nodeCredentialsKey;
    const nodeClient = key ? (name: string) => withBearerToken(client, componentToken(key, nodeUser(name))) : nodeClientsOf(ctx, client);
    return startKubeletSim({
      client,
      ...(nodeClient ? { nodeClient } : {}),
      logger: ctx.logger,
      nodes: s.nodes,
      ...(s.namePrefix !== undefined ? { namePrefix: s.namePrefix } : {}),
      ...(files.template ? { template: files.template } : {}),
      ...(files.stages ? { stages: files.stages } : {}),
      ...(s.kubeApiQps !== undefined ? { qps: s.kubeApiQps } : {}),
      ...(s.kubeApiBurst !== undefined ? { burst: s.kubeApiBurst } : {}),
      ...(s.port !== undefined ? { port: s.port } : {}),
      ...(s.address !== undefined ? { address: s.address } : {}),
      ...(s.clusterDns !== undefined ? { clusterDns: s.clusterDns } : {}),
      ...(s.clusterDomain !== undefined ? { clusterDomain: s.clusterDomain } : {}),
    });
  }, COMPONENT_USERS.kubeletSim);
  return {
    ...starter,
    prepare(ctx) {
      prepared.set(ctx, loadKubeletSimFiles(settings(ctx.options)));
    },
  };
}

export interface DnsSettings {
  port: number;
  address: string;
  clusterDomain: string;
  /** The kube-dns Service's ClusterIP (absent: 10.96.0.10). */
  serviceIP?: string;
}

/** The cluster DNS (`kubeling dns`): kubeadm's CoreDNS addon objects, then the loopback server; fills ctx.dns. */
export function dnsStarter<O>(settings: (options: O) => DnsSettings): ComponentStarter<O> {
  return clientStarter('dns', async (client, ctx) => {
    const s = settings(ctx.options);
    const dns = await startDnsComponent({ client, logger: ctx.logger, port: s.port, address: s.address, clusterDomain: s.clusterDomain, ...(s.serviceIP ? { serviceIP: s.serviceIP } : {}) });
    ctx.dns = { address: dns.address, port: dns.port };
    return dns;
  });
}

export interface MetricsServerSettings {
  metricResolutionMs?: number;
  port?: number;
}

/** The metrics server (metrics-server/): scrapes the kubelets, serves metrics.k8s.io through aggregation. */
export function metricsServerStarter<O>(settings: (options: O) => MetricsServerSettings): ComponentStarter<O> {
  return clientStarter('metrics-server', (client, ctx) => {
    const s = settings(ctx.options);
    return startMetricsServer({
      client,
      logger: ctx.logger,
      ...(s.metricResolutionMs !== undefined ? { metricResolutionMs: s.metricResolutionMs } : {}),
      ...(s.port !== undefined ? { port: s.port } : {}),
    });
  }, COMPONENT_USERS.metricsServer);
}
