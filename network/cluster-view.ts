import type { Namespace } from '../api/core/namespace.js';
import type { Node } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import type { Service } from '../api/core/service.js';
import type { EndpointSlice } from '../api/discovery/endpointslice.js';
import type { NetworkPolicy } from '../api/networking/network-policy.js';

/**
 * What the simulated network reads about the cluster: a read-only view. Implementations:
 * createStaticNetworkView (fixed objects, for tests and one-shot commands such as
 * `kubeling trace`) and createInformerNetworkView (informer caches, for components).
 * Callers never change the objects they get.
 */
export interface ClusterNetworkView {
  pods(): Iterable<Pod>;
  pod(namespace: string, name: string): Pod | undefined;
  /** The pod holding this IP (status.podIP); hostNetwork pods are not indexed by IP. */
  podByIP(ip: string): Pod | undefined;
  services(): Iterable<Service>;
  service(namespace: string, name: string): Service | undefined;
  endpointSlices(): Iterable<EndpointSlice>;
  nodes(): Iterable<Node>;
  node(name: string): Node | undefined;
  networkPolicies(namespace: string): readonly NetworkPolicy[];
  namespace(name: string): Namespace | undefined;
  /**
   * Grows whenever a Service, EndpointSlice or Node changes: kube-proxy's rules are a
   * function of those, and caches of them key on this number.
   */
  proxyRevision(): number;
}

export interface NetworkObjects {
  pods?: readonly Pod[];
  services?: readonly Service[];
  endpointSlices?: readonly EndpointSlice[];
  nodes?: readonly Node[];
  networkPolicies?: readonly NetworkPolicy[];
  namespaces?: readonly Namespace[];
}

const key = (ns: string | undefined, name: string | undefined): string => `${ns ?? ''}/${name ?? ''}`;

/** True for a pod that holds its IP on the pod network (not hostNetwork, IP assigned). */
export function hasPodNetworkIP(pod: Pod): boolean {
  return !!pod.status?.podIP && pod.spec?.hostNetwork !== true;
}

/** A view over fixed objects; `update` replaces them (and bumps the revision). */
export function createStaticNetworkView(initial: NetworkObjects = {}): ClusterNetworkView & { update(objects: NetworkObjects): void } {
  let objects: NetworkObjects = {};
  let pods = new Map<string, Pod>();
  let byIP = new Map<string, Pod>();
  let services = new Map<string, Service>();
  let nodes = new Map<string, Node>();
  let namespaces = new Map<string, Namespace>();
  let policies = new Map<string, NetworkPolicy[]>();
  let revision = 0;
  const update = (next: NetworkObjects): void => {
    objects = { ...objects, ...next };
    pods = new Map((objects.pods ?? []).map((p) => [key(p.metadata.namespace, p.metadata.name), p]));
    byIP = new Map((objects.pods ?? []).filter(hasPodNetworkIP).map((p) => [p.status!.podIP!, p]));
    services = new Map((objects.services ?? []).map((s) => [key(s.metadata.namespace, s.metadata.name), s]));
    nodes = new Map((objects.nodes ?? []).map((n) => [n.metadata.name ?? '', n]));
    namespaces = new Map((objects.namespaces ?? []).map((n) => [n.metadata.name ?? '', n]));
    policies = new Map();
    for (const np of objects.networkPolicies ?? []) {
      const ns = np.metadata.namespace ?? '';
      policies.set(ns, [...(policies.get(ns) ?? []), np]);
    }
    revision++;
  };
  update(initial);
  return {
    update,
    pods: () => pods.values(),
    pod: (ns, name) => pods.get(key(ns, name)),
    podByIP: (ip) => byIP.get(ip),
    services: () => services.values(),
    service: (ns, name) => services.get(key(ns, name)),
    endpointSlices: () => objects.endpointSlices ?? [],
    nodes: () => nodes.values(),
    node: (name) => nodes.get(name),
    networkPolicies: (ns) => policies.get(ns) ?? [],
    namespace: (name) => namespaces.get(name),
    proxyRevision: () => revision,
  };
}
