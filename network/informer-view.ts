import type { Namespace } from '../api/core/namespace.js';
import { namespaceResource } from '../api/core/namespace.js';
import type { Node } from '../api/core/node.js';
import { nodeResource } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import { podResource } from '../api/core/pod.js';
import type { Service } from '../api/core/service.js';
import { serviceResource } from '../api/core/service.js';
import type { EndpointSlice } from '../api/discovery/endpointslice.js';
import { endpointSliceResource } from '../api/discovery/endpointslice.js';
import type { NetworkPolicy } from '../api/networking/network-policy.js';
import { networkPolicyResource } from '../api/networking/network-policy.js';
import type { KubeObject } from '../api/types.js';
import { createInformer, type Informer } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import { NAMESPACE_INDEX } from '../client/store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { hasPodNetworkIP, type ClusterNetworkView } from './cluster-view.js';

/**
 * A ClusterNetworkView over informer caches (list+watch through the apiserver), for the
 * components that run the data path: kube-proxy (rules, host listeners), the kubelet-sim's
 * shell, `kubeling trace`. Node heartbeats do not bump the proxy revision: only a change
 * of what kube-proxy reads (addresses, podCIDR) does.
 */

export interface InformerNetworkView extends ClusterNetworkView {
  start(): void;
  waitForSync(): Promise<boolean>;
  stop(): void;
  /** Called after any change that moves proxyRevision (kube-proxy resyncs on it). */
  onProxyChange(fn: () => void): () => void;
}

const IP_INDEX = 'podIP';

function nodeNetworkKey(n: Node): string {
  return JSON.stringify([n.spec?.podCIDR, n.spec?.podCIDRs, n.status?.addresses]);
}

export function createInformerNetworkView(client: RestClient, options: { clock?: Clock; logger?: Logger } = {}): InformerNetworkView {
  const opts = { ...(options.clock ? { clock: options.clock } : {}), ...(options.logger ? { logger: options.logger } : {}) };
  const pods = createInformer<Pod>(client, podResource, { ...opts, indexers: { [IP_INDEX]: (p) => (hasPodNetworkIP(p) ? [p.status!.podIP!] : []) } });
  const services = createInformer<Service>(client, serviceResource, opts);
  const slices = createInformer<EndpointSlice>(client, endpointSliceResource, opts);
  const nodes = createInformer<Node>(client, nodeResource, opts);
  const policies = createInformer<NetworkPolicy>(client, networkPolicyResource, opts);
  const namespaces = createInformer<Namespace>(client, namespaceResource, opts);
  const all: Informer<KubeObject>[] = [pods, services, slices, nodes, policies, namespaces] as unknown as Informer<KubeObject>[];
  let revision = 0;
  const listeners = new Set<() => void>();
  const bump = (): void => {
    revision++;
    for (const fn of listeners) fn();
  };
  for (const inf of [services, slices] as unknown as Informer<KubeObject>[]) {
    inf.addEventHandler({ onAdd: bump, onUpdate: bump, onDelete: bump });
  }
  nodes.addEventHandler({
    onAdd: bump,
    onDelete: bump,
    onUpdate: (a, b) => {
      if (nodeNetworkKey(a) !== nodeNetworkKey(b)) bump();
    },
  });
  // A pod's readiness moves its EndpointSlice; its IP and labels matter to the data path
  // only, which reads the cache directly.

  return {
    start: () => all.forEach((i) => i.start()),
    stop: () => all.forEach((i) => i.stop()),
    async waitForSync() {
      const synced = await Promise.all(all.map((i) => i.waitForSync()));
      return synced.every(Boolean);
    },
    onProxyChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    pods: () => pods.store.list(),
    pod: (ns, name) => pods.store.getByName(ns, name),
    podByIP: (ip) => pods.store.byIndex(IP_INDEX, ip)[0],
    services: () => services.store.list(),
    service: (ns, name) => services.store.getByName(ns, name),
    endpointSlices: () => slices.store.list(),
    nodes: () => nodes.store.list(),
    node: (name) => nodes.store.getByName('', name),
    networkPolicies: (ns) => policies.store.byIndex(NAMESPACE_INDEX, ns),
    namespace: (name) => namespaces.store.getByName('', name),
    proxyRevision: () => revision,
  };
}
