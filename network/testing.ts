import type { Node } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import type { Service } from '../api/core/service.js';
import type { EndpointSlice } from '../api/discovery/endpointslice.js';

/**
 * Builders for network tests: nodes with podCIDRs and addresses, running pods, Services
 * and the EndpointSlices the EndpointSlice controller would write for them.
 */

export function makeNode(name: string, index: number, opts: { podCIDR?: string | null; ready?: boolean } = {}): Node {
  const cidr = opts.podCIDR === null ? undefined : (opts.podCIDR ?? `100.96.${index}.0/24`);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}` },
    spec: cidr ? { podCIDR: cidr, podCIDRs: [cidr] } : {},
    status: {
      addresses: [
        { type: 'InternalIP', address: `10.0.0.${10 + index}` },
        { type: 'ExternalIP', address: `198.18.0.${1 + index}` },
        { type: 'Hostname', address: name },
      ],
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  } as Node;
}

export interface PodOptions {
  namespace?: string;
  node: string;
  ip: string;
  image?: string;
  labels?: Record<string, string>;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  phase?: string;
  args?: string[];
}

export function makePod(name: string, o: PodOptions): Pod {
  const phase = o.phase ?? 'Running';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `uid-${name}`, labels: o.labels ?? {} },
    spec: {
      nodeName: o.node,
      containers: [{ name: 'main', image: o.image ?? 'busybox', ...(o.ports ? { ports: o.ports } : {}), ...(o.args ? { args: o.args } : {}) }],
    },
    status: {
      phase,
      podIP: o.ip,
      podIPs: [{ ip: o.ip }],
      containerStatuses: [{ name: 'main', ready: phase === 'Running', restartCount: 0, image: o.image ?? 'busybox', imageID: '', state: phase === 'Running' ? { running: {} } : { waiting: { reason: 'ContainerCreating' } } }],
    },
  } as unknown as Pod;
}

export interface ServiceOptions {
  namespace?: string;
  clusterIP: string;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  ports: { name?: string; port: number; targetPort?: number | string; nodePort?: number; protocol?: string }[];
  selector?: Record<string, string>;
  sessionAffinity?: 'ClientIP';
  externalTrafficPolicy?: 'Local' | 'Cluster';
  internalTrafficPolicy?: 'Local' | 'Cluster';
  loadBalancerIPs?: string[];
  externalIPs?: string[];
}

export function makeService(name: string, o: ServiceOptions): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `uid-svc-${name}` },
    spec: {
      type: o.type ?? 'ClusterIP',
      clusterIP: o.clusterIP,
      clusterIPs: [o.clusterIP],
      ports: o.ports.map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p })),
      ...(o.selector ? { selector: o.selector } : {}),
      sessionAffinity: o.sessionAffinity ?? 'None',
      ...(o.sessionAffinity ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } } : {}),
      ...(o.externalTrafficPolicy ? { externalTrafficPolicy: o.externalTrafficPolicy } : o.type && o.type !== 'ClusterIP' ? { externalTrafficPolicy: 'Cluster' } : {}),
      internalTrafficPolicy: o.internalTrafficPolicy ?? 'Cluster',
      ...(o.externalIPs ? { externalIPs: o.externalIPs } : {}),
    },
    status: o.loadBalancerIPs ? { loadBalancer: { ingress: o.loadBalancerIPs.map((ip) => ({ ip, ipMode: 'VIP' })) } } : { loadBalancer: {} },
  } as Service;
}

/** The slice the EndpointSlice controller writes for `svc` over `pods` (ports resolved by number or container port name). */
export function makeSlice(svc: Service, pods: readonly Pod[], ready: (pod: Pod) => boolean = () => true): EndpointSlice {
  const ports = (svc.spec?.ports ?? []).map((p) => {
    let port = typeof p.targetPort === 'number' ? p.targetPort : p.port;
    if (typeof p.targetPort === 'string') {
      const named = pods[0]?.spec?.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === p.targetPort);
      port = named?.containerPort ?? 0;
    }
    return { name: p.name ?? '', protocol: p.protocol ?? 'TCP', port };
  });
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svc.metadata.name}-abcde`, namespace: svc.metadata.namespace, labels: { 'kubernetes.io/service-name': svc.metadata.name ?? '' } },
    addressType: 'IPv4',
    endpoints: pods.map((p) => ({
      addresses: [p.status!.podIP!],
      conditions: { ready: ready(p), serving: ready(p), terminating: false },
      nodeName: p.spec!.nodeName,
      targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
    })),
    ports,
  } as EndpointSlice;
}
