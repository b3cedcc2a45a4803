import type { Service } from '../api/core/service.js';
import { createEventRecorder, type EventRecorder } from '../client/event-recorder.js';
import type { RestClient } from '../client/rest-client.js';
import { realClock, type Clock } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { createDataPath, type DataPath } from '../network/data-path.js';
import type { FlannelBackend } from '../network/flannel.js';
import { createInformerNetworkView, type InformerNetworkView } from '../network/informer-view.js';
import { nodeNetwork } from '../network/node-network.js';
import type { ContainerLoad, TrafficSink } from '../network/traffic-sink.js';
import { desiredHostListeners, type HostListenerSpec } from './host-addresses.js';
import { HostListeners } from './host-listeners.js';
import { iptablesSave } from './iptables-save.js';
import { ipvsadmList } from './ipvs.js';
import { publishNetworkConfig } from './network-config.js';
import { createProxyRulesSource, type ProxyMode, type ProxyRulesSource } from './node-rules.js';

/**
 * The kube-proxy component: one process computes every simulated node's rules (lazily,
 * per node, recomputed when Services, EndpointSlices or Nodes change) from informers, and
 * owns the host's loopback listeners for NodePorts and load balancers. A client of the
 * apiserver only.
 */

export interface KubeProxyOptions {
  client: RestClient;
  logger?: Logger;
  clock?: Clock;
  /** --proxy-mode: iptables (default) or ipvs. */
  mode?: ProxyMode;
  /** --cluster-cidr (detect-local-mode ClusterCIDR). */
  clusterCIDR?: string;
  /** --nodeport-addresses: loopback addresses the host listeners bind; [] disables them. Default ['127.0.0.1']. */
  nodePortAddresses?: string[];
  /** Flannel backend of the simulated network. */
  flannelBackend?: FlannelBackend;
  sink?: TrafficSink;
  load?: ContainerLoad;
}

export interface RunningKubeProxy {
  readonly view: InformerNetworkView;
  readonly rules: ProxyRulesSource;
  readonly dataPath: DataPath;
  /** `iptables-save` (or `ipvsadm -Ln` in ipvs mode) of a node; undefined for an unknown node. */
  dump(node: string): string | undefined;
  /** The listeners open on the host. */
  hostListeners(): HostListenerSpec[];
  /** Resolves when the first sync's listeners have bound (or failed). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startKubeProxy(o: KubeProxyOptions): Promise<RunningKubeProxy> {
  const log = (o.logger ?? rootLogger).child({ component: 'kube-proxy' });
  const clock = o.clock ?? realClock;
  const mode = o.mode ?? 'iptables';
  const clusterCIDR = o.clusterCIDR ?? '100.96.0.0/16';
  const view = createInformerNetworkView(o.client, { clock, logger: log });
  const rules = createProxyRulesSource(view, { clusterCIDR, mode });
  const dataPath = createDataPath({
    view,
    proxy: rules,
    clock,
    flannel: { backend: o.flannelBackend ?? 'vxlan', network: clusterCIDR },
    ...(o.sink ? { sink: o.sink } : {}),
    ...(o.load ? { load: o.load } : {}),
  });
  const recorder: EventRecorder = createEventRecorder(o.client, { component: 'kube-proxy', clock, logger: log });
  const addresses = o.nodePortAddresses ?? ['127.0.0.1'];

  /** The node a host NodePort request enters: the first Ready node with an address, by name. */
  const entryNodeAddress = (): string | undefined => {
    const nodes = [...view.nodes()]
      .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    for (const n of nodes) {
      const ip = nodeNetwork(n).internalIP;
      if (ip) return ip;
    }
    return undefined;
  };

  const listeners = new HostListeners({
    dataPath: () => dataPath,
    nodeAddress: entryNodeAddress,
    logger: log,
    clock,
    onError(spec, err) {
      const svc = view.service(spec.namespace, spec.service) as Service | undefined;
      const what = spec.kind === 'NodePort' ? `nodePort for ${spec.servicePort}` : `loadBalancer for ${spec.servicePort}`;
      const message = `can't open port "${what}" (${spec.address}:${spec.port}/tcp) on the host, skipping it: ${err.message}`;
      if (svc) recorder.event(svc, 'Warning', 'PortNotAvailable', message);
    },
  });

  let syncQueued = false;
  const syncListeners = (): void => {
    // Coalesce bursts of watch events into one pass.
    if (syncQueued) return;
    syncQueued = true;
    queueMicrotask(() => {
      syncQueued = false;
      listeners.sync(desiredHostListeners(view.services(), addresses));
    });
  };
  const unsubscribe = view.onProxyChange(syncListeners);
  view.start();
  await view.waitForSync();
  listeners.sync(desiredHostListeners(view.services(), addresses));
  // Publish the mode, cluster CIDR and flannel backend where the other consumers of the data
  // path (kubelet-sim shells, `kubeling trace`, GraphQL trace) read them. A failure (RBAC,
  // no kube-system yet) is logged: kube-proxy itself works without it.
  try {
    await publishNetworkConfig(o.client, { proxyMode: mode, clusterCIDR, flannelBackend: o.flannelBackend ?? 'vxlan' });
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not publish the network configuration (ConfigMaps kube-system/kube-proxy, kube-flannel-cfg); other components assume the defaults');
  }
  log.info({ mode, clusterCIDR, nodePortAddresses: addresses }, 'kube-proxy started');

  return {
    view,
    rules,
    dataPath,
    dump(node) {
      const state = rules.forNode(node);
      if (!state) return undefined;
      if (mode === 'ipvs') {
        const n = view.node(node);
        const net = n ? nodeNetwork(n) : undefined;
        return ipvsadmList(state.ports, [net?.internalIP, net?.bridgeIP, net?.vtepIP].filter((x): x is string => !!x));
      }
      return iptablesSave(state.rules, clock.now());
    },
    hostListeners: () => listeners.listening(),
    settled: () => listeners.settled(),
    async stop() {
      unsubscribe();
      view.stop();
      await listeners.close();
      await recorder.stop();
    },
  };
}
