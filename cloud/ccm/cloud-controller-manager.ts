import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { nodeResource, type Node } from '../../api/core/node.js';
import { serviceResource, type Service } from '../../api/core/service.js';
import type { KubeObject } from '../../api/types.js';
import { createEventRecorder, type EventRecorder } from '../../client/event-recorder.js';
import { createSharedInformerFactory } from '../../client/informer.js';
import { createLeaderElector, type LeaderElector } from '../../client/leader-election.js';
import { isConflict, isNotFound, type RestClient } from '../../client/rest-client.js';
import { splitKey } from '../../client/store.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import { startQueueController, type QueueController } from '../../controllers/runner.js';
import { defaultControllerManagerConfig, type ControllerContext } from '../../controllers/types.js';
import { realClock, type Clock, type TimerHandle } from '../../lib/clock.js';
import { rootLogger, type Logger } from '../../lib/logger.js';
import type { CloudProvider } from '../cloud-provider.js';
import { initializationPatch, isCloudNode, liveInstanceOf } from './node-init.js';
import { routeConditionPatch } from './route-condition.js';

/**
 * `kubeling cloud-controller-manager`: kube's cloud-controller-manager against the
 * simulated cloud, three controllers on shared informers:
 *
 * - cloud-node: initialises Nodes of cloud machines (provider ID, zone/region and
 *   instance-type labels, the `uninitialized` taint removed) and deletes a Node whose
 *   instance is gone (checked on every node event and every 5 s, the node monitor period);
 * - route: routes every node's pod CIDR in the cloud's route table, then sets
 *   NetworkUnavailable=False (RouteCreated); routes of deleted nodes are removed;
 * - service: LoadBalancer Services get an address from the cloud's pool in
 *   status.loadBalancer.ingress, with the `service.kubernetes.io/load-balancer-cleanup`
 *   finalizer, and events EnsuringLoadBalancer/EnsuredLoadBalancer; on deletion (or a
 *   type change) the address is released and the finalizer removed.
 */

export const CCM_LEASE = { namespace: 'kube-system', name: 'cloud-controller-manager' } as const;
export const LB_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';
const NODE_MONITOR_MS = 5000;

export interface StartCcmOptions {
  client: RestClient;
  cloud: CloudProvider;
  clock?: Clock;
  logger?: Logger;
  leaderElect?: boolean;
  identity?: string;
}

export interface RunningCcm {
  stop(): Promise<void>;
}

export async function startCloudControllerManager(o: StartCcmOptions): Promise<RunningCcm> {
  const clock = o.clock ?? realClock;
  const logger = (o.logger ?? rootLogger).child({ component: 'cloud-controller-manager' });
  const factory = createSharedInformerFactory(o.client, { clock, logger });
  const nodes = factory.informerFor<KubeObject>(nodeResource);
  const services = factory.informerFor<KubeObject>(serviceResource);
  const nodeRecorder = createEventRecorder(o.client, { component: 'cloud-node-controller', clock, logger });
  const serviceRecorder = createEventRecorder(o.client, { component: 'service-controller', clock, logger });
  const recorders: EventRecorder[] = [nodeRecorder, serviceRecorder];
  const ctx = (name: string, recorder: EventRecorder): ControllerContext => ({
    client: o.client,
    informers: factory,
    recorder,
    clock,
    logger: logger.child({ controller: name }),
    config: defaultControllerManagerConfig,
  });
  const { client, cloud } = o;
  let controllers: QueueController[] = [];
  let monitor: TimerHandle | undefined;
  let active = false;

  const reconcileNode = async (name: string): Promise<ReconcileResult> => {
    const node = nodes.store.get(name) as Node | undefined;
    if (!node || !isCloudNode(node) || node.metadata.deletionTimestamp) return;
    const [groups, instances] = await Promise.all([cloud.nodeGroups(), cloud.instances()]);
    const inst = liveInstanceOf(node, instances);
    if (!inst) {
      nodeRecorder.event(node, 'Normal', 'DeletingNode', `Deleting node ${name} because it does not exist in the cloud provider`);
      logger.info({ node: name }, 'deleting node: its instance is gone');
      try {
        await client.delete(nodeResource, name, { preconditions: { uid: node.metadata.uid! } });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
      return;
    }
    const group = groups.find((g) => g.name === inst.group);
    if (!group) return;
    const patch = initializationPatch(node, inst, group);
    if (patch) {
      await client.patch(nodeResource, name, patch, { type: 'merge' });
      logger.info({ node: name, providerID: (patch.spec as { providerID: string }).providerID }, 'initialized node');
    }
    return;
  };

  const reconcileRoute = async (name: string): Promise<ReconcileResult> => {
    const node = nodes.store.get(name) as Node | undefined;
    if (!node) {
      await cloud.deleteRoute(name);
      return;
    }
    const cidr = node.spec?.podCIDR ?? node.spec?.podCIDRs?.[0];
    if (!cidr) return;
    await cloud.createRoute(name, cidr);
    const patch = routeConditionPatch(node, new Date(Math.floor(clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    if (patch) await client.patch(nodeResource, name, patch, { type: 'merge', subresource: 'status' });
    return;
  };

  const reconcileService = async (key: string): Promise<ReconcileResult> => {
    const svc = services.store.get(key) as Service | undefined;
    if (!svc) return;
    const { namespace, name } = splitKey(key);
    const finalizers = svc.metadata.finalizers ?? [];
    const wantsLB = svc.spec?.type === 'LoadBalancer' && !svc.metadata.deletionTimestamp && !svc.spec?.loadBalancerClass;
    if (!wantsLB) {
      if (!finalizers.includes(LB_FINALIZER)) return;
      serviceRecorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
      await cloud.deleteLoadBalancer(key);
      serviceRecorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
      const rest = finalizers.filter((f) => f !== LB_FINALIZER);
      await client.patch(serviceResource, name, { metadata: { finalizers: rest, resourceVersion: svc.metadata.resourceVersion } }, { type: 'merge', namespace });
      if (!svc.metadata.deletionTimestamp && svc.status?.loadBalancer?.ingress?.length) {
        await client.patch(serviceResource, name, { status: { loadBalancer: {} } }, { type: 'merge', namespace, subresource: 'status' });
      }
      return;
    }
    if (!finalizers.includes(LB_FINALIZER)) {
      await client.patch(serviceResource, name, { metadata: { finalizers: [...finalizers, LB_FINALIZER], resourceVersion: svc.metadata.resourceVersion } }, { type: 'merge', namespace });
      return; // the update comes back through the informer
    }
    const have = svc.status?.loadBalancer?.ingress?.[0]?.ip;
    let ip: string;
    if (!have) serviceRecorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    try {
      ip = await cloud.ensureLoadBalancer(key);
    } catch (err) {
      serviceRecorder.event(svc, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: failed to ensure load balancer: ${(err as Error).message}`);
      throw err;
    }
    if (have === ip) return;
    await client.patch(serviceResource, name, { status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } }, { type: 'merge', namespace, subresource: 'status' });
    serviceRecorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    return;
  };

  const startControllers = () => {
    const nodeCtl = startQueueController(ctx('cloud-node-controller', nodeRecorder), { name: 'cloud-node-controller', reconcile: reconcileNode, waitFor: [nodes] });
    const routeCtl = startQueueController(ctx('route-controller', nodeRecorder), { name: 'route-controller', reconcile: reconcileRoute, waitFor: [nodes] });
    const svcCtl = startQueueController(ctx('service-controller', serviceRecorder), { name: 'service-controller', reconcile: reconcileService, waitFor: [services] });
    controllers = [nodeCtl, routeCtl, svcCtl];
    for (const n of nodes.store.list()) {
      nodeCtl.queue.add(n.metadata.name!);
      routeCtl.queue.add(n.metadata.name!);
    }
    for (const s of services.store.list()) svcCtl.queue.add(`${s.metadata.namespace}/${s.metadata.name}`);
    // Instances vanish without a Node event: look again every node monitor period.
    const tick = () => {
      for (const n of nodes.store.list()) if (isCloudNode(n as Node)) nodeCtl.queue.add(n.metadata.name!);
      void cloud
        .routes()
        .then((routes) => {
          for (const name of Object.keys(routes)) if (!nodes.store.get(name)) routeCtl.queue.add(name);
        })
        .catch(() => undefined);
      monitor = clock.setTimeout(tick, NODE_MONITOR_MS);
    };
    monitor = clock.setTimeout(tick, NODE_MONITOR_MS);
  };

  nodes.addEventHandler({
    onAdd: (n) => active && controllers.forEach((c) => c !== controllers[2] && c.queue.add(n.metadata.name!)),
    onUpdate: (_o, n) => active && controllers.forEach((c) => c !== controllers[2] && c.queue.add(n.metadata.name!)),
    onDelete: (n) => active && controllers[1]?.queue.add(n.metadata.name!),
  });
  const enqueueService = (s: KubeObject) => {
    if (active) controllers[2]?.queue.add(`${s.metadata.namespace}/${s.metadata.name}`);
  };
  services.addEventHandler({ onAdd: enqueueService, onUpdate: (_o, s) => enqueueService(s), onDelete: enqueueService });

  const activate = () => {
    if (active) return;
    active = true;
    startControllers();
  };
  const deactivate = async () => {
    if (!active) return;
    active = false;
    if (monitor) clock.clearTimeout(monitor);
    await Promise.all(controllers.map((c) => c.stop()));
    controllers = [];
  };

  factory.start();
  const synced = await factory.waitForSync();
  let elector: LeaderElector | undefined;
  const stop = async () => {
    await deactivate();
    await elector?.stop();
    factory.stop();
    await Promise.all(recorders.map((r) => r.stop()));
  };
  if (!synced) {
    await stop();
    throw new Error('cloud-controller-manager: informers stopped before their first sync');
  }
  if (o.leaderElect) {
    const identity = o.identity ?? `${hostname()}_${randomUUID()}`;
    elector = createLeaderElector({
      client,
      lease: CCM_LEASE,
      identity,
      clock,
      logger,
      onStartedLeading: () => {
        logger.info({ identity }, 'became leader');
        activate();
      },
      onStoppedLeading: () => void deactivate(),
    });
    elector.start();
  } else activate();
  logger.info({}, 'cloud controller manager started');
  return { stop };
}
