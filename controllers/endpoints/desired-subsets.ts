import type { EndpointAddress, EndpointPort, EndpointSubset } from '../../api/core/endpoints.js';
import type { Pod } from '../../api/core/pod.js';
import type { Service } from '../../api/core/service.js';
import { findPort, isPodReady, podAddressForService, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoint-util.js';
import { repackSubsets } from './repack-subsets.js';

/**
 * The subsets kube's endpoints controller computes for a Service from the pods its
 * selector matches (the caller does the matching): one address per pod that has an IP of
 * the Service's family, is not terminal and (unless publishNotReadyAddresses) not being
 * deleted; ready pods (or every pod with publishNotReadyAddresses) under `addresses`, the
 * rest under `notReadyAddresses`. Each Service port resolves per pod (findPort); a pod
 * lacking a named port is left out of that port. A headless Service without ports lists
 * its pods without ports; a non-headless one without ports gets no subsets. Pure.
 */

export interface DesiredSubsets {
  subsets: EndpointSubset[];
  /** Address × port pairs, as kube logs them. */
  ready: number;
  notReady: number;
}

/** podToEndpointAddressForService (+ hostname): undefined when the pod has no IP of the Service's family. */
export function podEndpointAddress(svc: Service, pod: Pod): EndpointAddress | undefined {
  const ip = podAddressForService(svc, pod);
  if (!ip) return undefined;
  const addr: EndpointAddress = { ip };
  if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec!.hostname!;
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return addr;
}

export function desiredSubsets(svc: Service, pods: readonly Pod[]): DesiredSubsets {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const servicePorts = svc.spec?.ports ?? [];
  const raw: EndpointSubset[] = [];
  let ready = 0;
  let notReady = 0;

  const add = (addr: EndpointAddress, port: EndpointPort | undefined, isReady: boolean): void => {
    const subset: EndpointSubset = isReady ? { addresses: [addr] } : { notReadyAddresses: [addr] };
    if (port) subset.ports = [port];
    raw.push(subset);
    if (isReady) ready++;
    else notReady++;
  };

  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = podEndpointAddress(svc, pod);
    if (!addr) continue;
    const isReady = publishNotReady || isPodReady(pod);
    if (servicePorts.length === 0) {
      // Only a headless Service may have no ports.
      if (svc.spec?.clusterIP === 'None') add(addr, undefined, isReady);
      continue;
    }
    for (const sp of servicePorts) {
      const portNum = findPort(pod, sp);
      if (portNum === undefined) continue;
      const port: EndpointPort = { port: portNum, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) port.name = sp.name;
      if (sp.appProtocol) port.appProtocol = sp.appProtocol;
      add(addr, port, isReady);
    }
  }
  return { subsets: repackSubsets(raw), ready, notReady };
}
