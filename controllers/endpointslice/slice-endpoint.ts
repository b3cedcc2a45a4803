import type { Node } from '../../api/core/node.js';
import type { Pod } from '../../api/core/pod.js';
import type { Service } from '../../api/core/service.js';
import type { Endpoint, EndpointPort } from '../../api/discovery/endpointslice.js';
import { findPort, isIPv6, isPodReady, podIPs, shouldSetHostname } from '../endpoints/pod-endpoint-util.js';

/**
 * One pod as an EndpointSlice endpoint, and the ports it offers (kube's podToEndpoint and
 * getEndpointPorts), with the keys the reconciler groups and matches them by. Pure.
 */

export type AddressType = 'IPv4' | 'IPv6';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** The pod's addresses of one family. */
export function endpointAddresses(pod: Pod, addressType: AddressType): string[] {
  return podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6'));
}

/**
 * serving: the pod is Ready; terminating: it is being deleted; ready: serving and not
 * terminating — or always, with publishNotReadyAddresses. Zone from the node's
 * topology.kubernetes.io/zone label; hostname when the pod sits in the Service's subdomain.
 */
export function podToEndpoint(pod: Pod, node: Node | undefined, svc: Service, addressType: AddressType): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: Endpoint = {
    addresses: endpointAddresses(pod, addressType),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname!;
  return ep;
}

/**
 * The Service's ports as this pod offers them, in the Service's order; ports the pod lacks
 * (a named targetPort it does not declare) are left out. None for a headless Service
 * without ports.
 */
export function endpointPortsFor(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/** PortMapKey: the same set of ports in any order gives the same key. */
export function portMapKey(ports: readonly EndpointPort[] | null | undefined): string {
  return JSON.stringify(
    (ports ?? [])
      .map((p) => [p.name ?? '', p.port ?? null, p.protocol ?? 'TCP', p.appProtocol ?? ''])
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  );
}

/** The endpoint's identity (kube's endpoint hash): addresses, hostname, target namespace/name. */
export function endpointKey(ep: Endpoint): string {
  return JSON.stringify([[...(ep.addresses ?? [])].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/** JSON with sorted keys, without undefined members or resourceVersions. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v ?? null, (key, val: unknown) => {
    if (key === 'resourceVersion') return undefined;
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      return Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return val;
  });
}

/** Same endpoint in every field (targetRef resourceVersion aside). */
export function endpointsEqual(a: Endpoint, b: Endpoint): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
