import { join } from 'node:path';
import { startCloudControllerManager } from '../cloud/ccm/cloud-controller-manager.js';
import { HttpCloud, serveCloud } from '../cloud/cloud-http.js';
import { nodeBooter } from '../cloud/node-boot.js';
import { defaultGroup, loadNodeGroups, type NodeGroupSpec } from '../cloud/node-groups.js';
import { SimCloud } from '../cloud/sim-cloud.js';
import { createRestClient } from '../client/rest-client.js';
import { startClusterAutoscaler } from '../cluster-autoscaler/index.js';
import { realClock } from '../lib/clock.js';
import type { RunOptions } from './args.js';
import type { CloudControllerManagerRunOptions, CloudRunOptions, ClusterAutoscalerRunOptions } from './autoscaler-args.js';
import { connectionOf, kubeconfigStarter, nodeClientsOf } from './client-components.js';
import { COMPONENT_USERS, type ComponentUser } from '../apiserver/auth/component-tokens.js';
import type { ComponentStarter, UpContext } from './components.js';
import { readFlagFile } from './flag-files.js';
import { kubelingVersion } from './version.js';

/**
 * `kubeling up`'s autoscaling components, started after the kubelet-sim:
 *
 * - the simulated cloud (state in DIR/cloud.json), always: without node groups it still
 *   serves load balancer addresses and routes;
 * - the cloud controller manager, always (LoadBalancer Services get addresses);
 * - the cluster autoscaler, when a group is autoscaled (--autoscale-nodes or --node-groups).
 *
 * How --nodes and --autoscale-nodes MIN:MAX combine: the group is the cluster's nodes.
 * No static kubelet-sim nodes are started; the group starts with --nodes machines, kept
 * within MIN..MAX (`up --nodes 1 --autoscale-nodes 1:5` = one node, growing to five).
 * With --node-groups FILE the static --nodes fleet stays as it is (outside any group)
 * and each group starts at its minSize.
 */

const clouds = new WeakMap<UpContext<RunOptions>, SimCloud>();
const groupsRead = new WeakMap<UpContext<RunOptions>, NodeGroupSpec[]>();

function groupsOf(o: RunOptions): NodeGroupSpec[] {
  const a = o.autoscaling;
  if (a?.nodeGroupsPath) return readFlagFile('node-groups', a.nodeGroupsPath, loadNodeGroups);
  if (a?.autoscaleNodes) return [defaultGroup(a.autoscaleNodes.min, a.autoscaleNodes.max)];
  return [];
}

/** The static kubelet-sim fleet `up` starts: none when --autoscale-nodes makes the group the cluster. */
export function staticNodes(o: RunOptions): number {
  return o.autoscaling?.autoscaleNodes ? 0 : o.nodes;
}

/** A component's client in `up`, as its own user when given (else the admin: the simulated cloud is infrastructure, no Kubernetes component). */
function client(ctx: UpContext<RunOptions>, component: string, user?: ComponentUser) {
  return createRestClient({ ...connectionOf(ctx, user), userAgent: `kubeling-${component}/v${kubelingVersion()} (${process.platform}/${process.arch}) kubernetes/kubeling` });
}

export const cloudStarter: ComponentStarter<RunOptions> = {
  name: 'cloud',
  prepare(ctx) {
    groupsRead.set(ctx, groupsOf(ctx.options));
  },
  async start(ctx) {
    const groups = groupsRead.get(ctx) ?? groupsOf(ctx.options);
    const c = client(ctx, 'cloud');
    const auto = ctx.options.autoscaling?.autoscaleNodes;
    const cloud = new SimCloud({
      groups,
      clock: realClock,
      logger: ctx.logger,
      statePath: join(ctx.options.dataDir, 'cloud.json'),
      // Each machine's kubelet registers its Node as system:node:NAME.
      boot: nodeBooter(c, nodeClientsOf(ctx, c)),
      ...(auto ? { initialSizes: { [groups[0]!.name]: Math.min(auto.max, Math.max(auto.min, ctx.options.nodes)) } } : {}),
    });
    cloud.start();
    clouds.set(ctx, cloud);
    return {
      name: 'cloud',
      async stop() {
        cloud.stop();
        c.close();
      },
    };
  },
};

export const cloudControllerManagerStarter: ComponentStarter<RunOptions> = {
  name: 'cloud-controller-manager',
  async start(ctx) {
    const cloud = clouds.get(ctx);
    if (!cloud) throw new Error('cloud-controller-manager: the cloud is not running');
    const c = client(ctx, 'cloud-controller-manager', COMPONENT_USERS.cloudControllerManager);
    const ccm = await startCloudControllerManager({ client: c, cloud, logger: ctx.logger, leaderElect: false });
    return {
      name: 'cloud-controller-manager',
      async stop() {
        await ccm.stop();
        c.close();
      },
    };
  },
};

export const clusterAutoscalerStarter: ComponentStarter<RunOptions> = {
  name: 'cluster-autoscaler',
  async start(ctx) {
    const cloud = clouds.get(ctx);
    const groups = groupsRead.get(ctx) ?? [];
    if (!cloud || groups.length === 0) return { name: 'cluster-autoscaler', stop: async () => {} };
    const c = client(ctx, 'cluster-autoscaler', COMPONENT_USERS.clusterAutoscaler);
    const ca = await startClusterAutoscaler({
      client: c,
      cloud,
      logger: ctx.logger,
      leaderElect: false,
      options: ctx.options.autoscaling?.ca ?? {},
      metricsAddress: { host: '127.0.0.1', port: 0 },
    });
    ctx.logger.info({ metrics: `http://127.0.0.1:${ca.metricsPort}/metrics` }, 'cluster autoscaler metrics');
    return {
      name: 'cluster-autoscaler',
      async stop() {
        await ca.stop();
        c.close();
      },
    };
  },
};

// ---- the separate commands: `kubeling cloud`, `cloud-controller-manager`, `cluster-autoscaler` ----

/** `kubeling cloud`: the simulated cloud in its own process, its API on loopback (cloud/cloud-http.ts). */
export const cloudServerStarter: ComponentStarter<CloudRunOptions> = {
  name: 'cloud',
  async start(ctx) {
    const o = ctx.options;
    const groups = o.nodeGroupsPath
      ? readFlagFile('node-groups', o.nodeGroupsPath, loadNodeGroups)
      : o.autoscaleNodes
        ? [defaultGroup(o.autoscaleNodes.min, o.autoscaleNodes.max)]
        : [];
    const c = createRestClient({ ...connectionOf(ctx), userAgent: `kubeling-cloud/v${kubelingVersion()} (${process.platform}/${process.arch}) kubernetes/kubeling` });
    const cloud = new SimCloud({ groups, clock: realClock, logger: ctx.logger, statePath: join(o.dataDir, 'cloud.json'), boot: nodeBooter(c) });
    cloud.start();
    let server;
    try {
      server = await serveCloud(cloud, '127.0.0.1', o.cloudPort);
    } catch (err) {
      cloud.stop();
      c.close();
      throw new Error(`cloud: cannot serve on 127.0.0.1:${o.cloudPort}: ${(err as Error).message}`);
    }
    ctx.logger.info({ url: `http://127.0.0.1:${server.port}`, groups: groups.map((g) => g.name) }, 'cloud API serving');
    const srv = server;
    return {
      name: 'cloud',
      async stop() {
        await srv.close();
        cloud.stop();
        c.close();
      },
    };
  },
};

function clientOf(ctx: UpContext<unknown>, component: string) {
  return createRestClient({ ...connectionOf(ctx), userAgent: `kubeling-${component}/v${kubelingVersion()} (${process.platform}/${process.arch}) kubernetes/kubeling` });
}

export const ccmCommandStarter: ComponentStarter<CloudControllerManagerRunOptions> = {
  name: 'cloud-controller-manager',
  async start(ctx) {
    const c = clientOf(ctx, 'cloud-controller-manager');
    try {
      const ccm = await startCloudControllerManager({ client: c, cloud: new HttpCloud(ctx.options.cloudUrl), logger: ctx.logger, leaderElect: ctx.options.leaderElect });
      return {
        name: 'cloud-controller-manager',
        async stop() {
          await ccm.stop();
          c.close();
        },
      };
    } catch (err) {
      c.close();
      throw err;
    }
  },
};

export const caCommandStarter: ComponentStarter<ClusterAutoscalerRunOptions> = {
  name: 'cluster-autoscaler',
  async start(ctx) {
    const o = ctx.options;
    const c = clientOf(ctx, 'cluster-autoscaler');
    try {
      const ca = await startClusterAutoscaler({ client: c, cloud: new HttpCloud(o.cloudUrl), logger: ctx.logger, leaderElect: o.leaderElect, options: o.ca, metricsAddress: o.metricsAddress });
      return {
        name: 'cluster-autoscaler',
        async stop() {
          await ca.stop();
          c.close();
        },
      };
    } catch (err) {
      c.close();
      throw err;
    }
  },
};

export const CLOUD_COMPONENTS: readonly ComponentStarter<CloudRunOptions>[] = [kubeconfigStarter, cloudServerStarter];
export const CLOUD_CONTROLLER_MANAGER_COMPONENTS: readonly ComponentStarter<CloudControllerManagerRunOptions>[] = [kubeconfigStarter, ccmCommandStarter];
export const CLUSTER_AUTOSCALER_COMPONENTS: readonly ComponentStarter<ClusterAutoscalerRunOptions>[] = [kubeconfigStarter, caCommandStarter];
