import type { Pod } from '../../api/core/pod.js';
import type { Service, ServicePort } from '../../api/core/service.js';
import { isPodReady } from '../replicaset/pod-status.js';

/**
 * The predicates the endpoints and endpointslice controllers share (kube's
 * k8s.io/endpointslice/util and podutil.FindPort). Pure; inputs are never mutated.
 */

export { isPodReady };

/** Whether the controllers manage this Service's endpoints: a selector, and not ExternalName. */
export function managesEndpoints(svc: Service): boolean {
  if (svc.spec?.type === 'ExternalName') return false;
  // kube checks `selector == nil`; an empty selector does not survive storage there (protobuf
  // drops empty maps), so an empty one means "no selector" here too.
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/** helper.IsServiceIPSet: a cluster IP that is neither empty nor None. */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/** Succeeded or Failed: the pod will not run again. */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The pod's IPs, primary first: status.podIPs, or status.podIP when the list is missing. */
export function podIPs(pod: Pod): string[] {
  const list = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip) => !!ip);
  if (list.length > 0) return list;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

export const isIPv6 = (ip: string): boolean => ip.includes(':');

/**
 * ShouldPodBeInEndpoints: not terminal, has an IP, and — unless includeTerminating —
 * not being deleted.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod names a hostname and sits in the Service's subdomain. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

/**
 * The pod's address for the Service's primary IP family (spec.ipFamilies[0]; without
 * families, that of the cluster IP, or of the pod IP for a headless Service), or undefined.
 */
export function podAddressForService(svc: Service, pod: Pod): string | undefined {
  const ips = podIPs(pod);
  let v6: boolean;
  const family = svc.spec?.ipFamilies?.[0];
  if (family) v6 = family === 'IPv6';
  else if (isServiceIPSet(svc)) v6 = isIPv6(svc.spec!.clusterIP!);
  else v6 = isIPv6(ips[0] ?? '');
  return ips.find((ip) => isIPv6(ip) === v6);
}

/**
 * FindPort: the container port a Service port reaches on this pod. A numeric targetPort
 * is used as is; a named one is looked up (name and protocol) in the containers' ports,
 * then in sidecars' (init containers with restartPolicy Always). Undefined when the pod
 * has no such port: the pod is then left out of that port.
 */
export function findPort(pod: Pod, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  const protocol = svcPort.protocol ?? 'TCP';
  const search = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of search) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}
