import { join } from 'node:path';
import { startCloudControllerManager } from '../cloud/ccm/cloud-controller-manager.js';
import { nodeBooter } from '../cloud/node-boot.js';
import { defaultGroup, loadNodeGroups, type NodeGroupSpec } from '../cloud/node-groups.js';
import { SimCloud } from '../cloud/sim-cloud.js';
import { createRestClient } from '../client/rest-client.js';
import { startClusterAutoscaler } from '../cluster-autoscaler/index.js';
import { realClock } from '../lib/clock.js';
import type { RunOptions } from './args.js';
import { connectionOf } from './client-components.js';
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

function client(ctx: UpContext<RunOptions>, component: string) {
  return createRestClient({ ...connectionOf(ctx), userAgent: `kubeling-${component}/v${kubelingVersion()} (${process.platform}/${process.arch}) kubernetes/kubeling` });
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
      boot: nodeBooter(c),
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
    const c = client(ctx, 'cloud-controller-manager');
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
    const c = client(ctx, 'cluster-autoscaler');
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
