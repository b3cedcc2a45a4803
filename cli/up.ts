import { startApiserver } from '../apiserver/main.js';
import type { ControllerManagerRunOptions, KubeletSimRunOptions, RunOptions, SchedulerRunOptions } from './args.js';
import { controllerManagerStarter, kubeconfigStarter, kubeletSimStarter, schedulerStarter } from './client-components.js';
import type { ComponentStarter } from './components.js';
import { cloudControllerManagerStarter, cloudStarter, clusterAutoscalerStarter, staticNodes } from './autoscaler-components.js';

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
 * What `kubeling up` runs, in start order (stopped in reverse, so the apiserver goes
 * last). The clients connect in-process to the apiserver's URL with its CA and admin
 * token. No leader election: one process owns the data directory (the SQLite lock), and
 * a restart after a crash must not wait out its own stale Lease. Start order does not
 * gate correctness (every component waits on watches: pods get IPs only once node IPAM
 * gave their node a podCIDR), it only makes the first seconds quieter.
 */
export const UP_COMPONENTS: readonly ComponentStarter<RunOptions>[] = [
  apiserverStarter,
  controllerManagerStarter(() => ({ leaderElect: false })),
  schedulerStarter(() => ({ leaderElect: false })),
  kubeletSimStarter((o) => ({
    nodes: staticNodes(o),
    ...(o.nodeTemplatePath !== undefined ? { templatePath: o.nodeTemplatePath } : {}),
    ...(o.stageConfigPath !== undefined ? { stageConfigPath: o.stageConfigPath } : {}),
  })),
  cloudStarter,
  cloudControllerManagerStarter,
  clusterAutoscalerStarter,
];

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
  })),
];
