import { podNetworkFor, SEED_POD_NETWORK } from '../controllers/node-ipam/pod-network-size.js';
import { startApiserver } from '../apiserver/main.js';
import { startApiserverThread, type ApiserverThreadOptions } from './apiserver-thread.js';
import type { ControllerManagerRunOptions, DnsRunOptions, KubeletSimRunOptions, MetricsServerRunOptions, RunOptions, SchedulerRunOptions } from './args.js';
import { controllerManagerStarter, dnsStarter, kubeconfigStarter, kubeletSimStarter, metricsServerStarter, schedulerStarter } from './client-components.js';
import type { ComponentStarter } from './components.js';
import type { HpaRunOptions } from './hpa-args.js';
import { hpaStarter } from './hpa-component.js';
import type { KubeProxyRunOptions } from './kube-proxy-args.js';
import { kubeProxyStarter } from './kube-proxy-component.js';
import type { IngressControllerRunOptions } from './ingress-args.js';
import { ingressControllerStarter } from './ingress-component.js';
import { upClusterDnsIP } from './service-network-args.js';
import { cloudControllerManagerStarter, cloudStarter, clusterAutoscalerStarter, staticNodes } from './autoscaler-components.js';

/**
 * The apiserver's flags, the same on the shared loop and on its own thread (the thread
 * takes them as plain data: no logger or clock).
 */
export function apiserverSettings(o: RunOptions): ApiserverThreadOptions {
  return {
    dataDir: o.dataDir,
    port: o.port,
    bindAddress: o.bindAddress,
    store: o.store,
    etcdServers: o.etcdServers,
    ...(o.kubeconfigPath ? { kubeconfigPath: o.kubeconfigPath } : {}),
    ...(o.tokenAuthFile ? { tokenAuthFile: o.tokenAuthFile } : {}),
    ...(o.clientCaFile ? { clientCaFile: o.clientCaFile } : {}),
    ...(o.anonymousAuth === false ? { anonymousAuth: false } : {}),
    ...(o.admissionControlConfigFile ? { admissionControlConfigFile: o.admissionControlConfigFile } : {}),
    ...(o.advertiseAddress ? { advertiseAddress: o.advertiseAddress } : {}),
    ...(o.serviceClusterIpRange ? { serviceClusterIpRange: o.serviceClusterIpRange } : {}),
  };
}

/** The apiserver; it fills ctx.apiserver for every component started after it. */
export const apiserverStarter: ComponentStarter = {
  name: 'apiserver',
  async start(ctx) {
    const apiserver = await startApiserver({ ...apiserverSettings(ctx.options), logger: ctx.logger });
    ctx.apiserver = apiserver;
    return { name: 'apiserver', stop: () => apiserver.close() };
  },
};

/**
 * `up`'s apiserver: on a thread of its own (apiserver-thread.ts), so the components'
 * work on this thread's event loop cannot stall kubectl; `--apiserver-thread=false` runs
 * it on the shared loop, as `apiserverStarter`.
 */
export const upApiserverStarter: ComponentStarter = {
  name: 'apiserver',
  async start(ctx) {
    const o = ctx.options;
    if (o.apiserverThread === false) return apiserverStarter.start(ctx);
    const apiserver = await startApiserverThread({ ...apiserverSettings(o), ...(o.logLevel ? { logLevel: o.logLevel } : {}) }, ctx.logger);
    ctx.apiserver = apiserver;
    return { name: 'apiserver', stop: () => apiserver.close() };
  },
};

/**
 * What `kubeling up` runs, in start order (stopped in reverse, so the apiserver goes
 * last). The clients connect in-process to the apiserver's URL with its CA and admin
 * token. No leader election: one process owns the data directory (the SQLite lock), and
 * a restart after a crash must not wait out its own stale Lease. Start order does not
 * gate correctness (every component waits on watches: pods get IPs only once node IPAM
 * gave their node a podCIDR), it only makes the first seconds quieter.
 */
export const UP_COMPONENTS: readonly ComponentStarter<RunOptions>[] = [
  upApiserverStarter,
  controllerManagerStarter((o) => ({ leaderElect: false, ...upPodNetwork(o), useServiceAccountCredentials: o.useServiceAccountCredentials !== false })),
  schedulerStarter(() => ({ leaderElect: false })),
  kubeletSimStarter((o) => ({
    nodes: staticNodes(o),
    ...(o.nodeTemplatePath !== undefined ? { templatePath: o.nodeTemplatePath } : {}),
    ...(o.stageConfigPath !== undefined ? { stageConfigPath: o.stageConfigPath } : {}),
    ...(o.kubeApiQps !== undefined ? { kubeApiQps: o.kubeApiQps } : {}),
    ...(o.kubeApiBurst !== undefined ? { kubeApiBurst: o.kubeApiBurst } : {}),
    // kubelet's --cluster-dns and --cluster-domain, as kubeadm configures them: kube-dns at the Service range's tenth address.
    clusterDns: [upClusterDnsIP(o.serviceClusterIpRange)],
    clusterDomain: o.clusterDomain ?? 'cluster.local',
  })),
  metricsServerStarter((o: RunOptions) => (o.metricResolutionMs !== undefined ? { metricResolutionMs: o.metricResolutionMs } : {})),
  hpaStarter((o) => ({ leaderElect: false, hpa: o.hpa ?? {}, useServiceAccountCredentials: o.useServiceAccountCredentials !== false })),
  kubeProxyStarter((o) => ({ ...(o.proxy ?? {}), clusterCidr: upPodNetwork(o).clusterCidr })),
  // The cluster DNS, unless --dns-port none.
  skipWhen((o) => o.dnsPort === 'none', dnsStarter((o: RunOptions) => ({ port: o.dnsPort === 'none' || o.dnsPort === undefined ? 10053 : o.dnsPort, address: o.dnsAddress ?? '127.0.0.1', clusterDomain: o.clusterDomain ?? 'cluster.local', serviceIP: upClusterDnsIP(o.serviceClusterIpRange) }))),
  cloudStarter,
  cloudControllerManagerStarter,
  clusterAutoscalerStarter,
  // The ingress controller, unless --ingress-http-port none.
  skipWhen((o) => o.ingress?.httpPort === 'none', ingressControllerStarter((o: RunOptions) => o.ingress ?? {})),
];

/** A starter that starts nothing when `skip(options)`: a component turned off by a flag. */
function skipWhen<O>(skip: (o: O) => boolean, starter: ComponentStarter<O>): ComponentStarter<O> {
  return {
    name: starter.name,
    ...(starter.prepare ? { prepare: (ctx) => (skip(ctx.options) ? undefined : starter.prepare!(ctx)) } : {}),
    start: (ctx) => (skip(ctx.options) ? Promise.resolve({ name: starter.name, stop: async () => {} }) : starter.start(ctx)),
  };
}

/** `kubeling dns`. */
export const DNS_COMPONENTS: readonly ComponentStarter<DnsRunOptions>[] = [
  kubeconfigStarter,
  dnsStarter((o: DnsRunOptions) => ({ port: o.dnsPort === 'none' ? 10053 : o.dnsPort, address: o.dnsAddress, clusterDomain: o.clusterDomain })),
];

/**
 * The pod network of `up`: the flags when given (a mask alone keeps the seed range),
 * else one sized for --nodes, so `up --nodes 1000` gives every node a /24.
 */
export function upPodNetwork(o: RunOptions): { clusterCidr: string; nodeCidrMaskSize: number } {
  if (o.clusterCidr !== undefined || o.nodeCidrMaskSize !== undefined) {
    return { clusterCidr: o.clusterCidr ?? SEED_POD_NETWORK.clusterCidr, nodeCidrMaskSize: o.nodeCidrMaskSize ?? SEED_POD_NETWORK.nodeCidrMaskSize };
  }
  const { clusterCidr, nodeCidrMaskSize } = podNetworkFor(o.nodes);
  return { clusterCidr, nodeCidrMaskSize };
}

/** What `kubeling apiserver` runs. */
export const APISERVER_COMPONENTS: readonly ComponentStarter<RunOptions>[] = [apiserverStarter];

/** `kubeling controller-manager`: kube's flags map one to one onto the manager's options. */
export const CONTROLLER_MANAGER_COMPONENTS: readonly ComponentStarter<ControllerManagerRunOptions>[] = [
  kubeconfigStarter,
  controllerManagerStarter((o: ControllerManagerRunOptions) => ({
    leaderElect: o.leaderElect,
    controllers: o.controllers,
    ...(o.clusterCidr !== undefined ? { clusterCidr: o.clusterCidr } : {}),
    ...(o.nodeCidrMaskSize !== undefined ? { nodeCidrMaskSize: o.nodeCidrMaskSize } : {}),
    ...(o.nodeMonitorGracePeriodMs !== undefined ? { nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs } : {}),
    useServiceAccountCredentials: o.useServiceAccountCredentials,
  })),
];

/** `kubeling scheduler`. */
export const SCHEDULER_COMPONENTS: readonly ComponentStarter<SchedulerRunOptions>[] = [
  kubeconfigStarter,
  schedulerStarter((o: SchedulerRunOptions) => ({ leaderElect: o.leaderElect })),
];

/** `kubeling kubelet-sim`. */
export const KUBELET_SIM_COMPONENTS: readonly ComponentStarter<KubeletSimRunOptions>[] = [
  kubeconfigStarter,
  kubeletSimStarter((o: KubeletSimRunOptions) => ({
    nodes: o.nodes,
    ...(o.nodeNamePrefix !== undefined ? { namePrefix: o.nodeNamePrefix } : {}),
    ...(o.nodeTemplatePath !== undefined ? { templatePath: o.nodeTemplatePath } : {}),
    ...(o.stageConfigPath !== undefined ? { stageConfigPath: o.stageConfigPath } : {}),
    ...(o.kubeApiQps !== undefined ? { kubeApiQps: o.kubeApiQps } : {}),
    ...(o.kubeApiBurst !== undefined ? { kubeApiBurst: o.kubeApiBurst } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.address !== undefined ? { address: o.address } : {}),
    ...(o.clusterDns !== undefined ? { clusterDns: o.clusterDns } : {}),
    ...(o.clusterDomain !== undefined ? { clusterDomain: o.clusterDomain } : {}),
    ...(o.nodeCredentialsKeyPath !== undefined ? { nodeCredentialsKeyPath: o.nodeCredentialsKeyPath } : {}),
  })),
];

/** `kubeling metrics-server`. */
export const METRICS_SERVER_COMPONENTS: readonly ComponentStarter<MetricsServerRunOptions>[] = [
  kubeconfigStarter,
  metricsServerStarter((o: MetricsServerRunOptions) => ({
    ...(o.metricResolutionMs !== undefined ? { metricResolutionMs: o.metricResolutionMs } : {}),
    ...(o.securePort !== undefined ? { port: o.securePort } : {}),
  })),
];

/** `kubeling hpa`. */
export const HPA_COMPONENTS: readonly ComponentStarter<HpaRunOptions>[] = [
  kubeconfigStarter,
  hpaStarter((o: HpaRunOptions) => ({ leaderElect: o.leaderElect, hpa: o.hpa, useServiceAccountCredentials: o.useServiceAccountCredentials })),
];

/** `kubeling kube-proxy`. */
export const KUBE_PROXY_COMPONENTS: readonly ComponentStarter<KubeProxyRunOptions>[] = [kubeconfigStarter, kubeProxyStarter((o: KubeProxyRunOptions) => o.proxy)];

/** `kubeling ingress-controller`. */
export const INGRESS_CONTROLLER_COMPONENTS: readonly ComponentStarter<IngressControllerRunOptions>[] = [
  kubeconfigStarter,
  ingressControllerStarter((o: IngressControllerRunOptions) => o.ingress),
];
