import type { Service } from '../api/core/service.js';
import { parseIPv4 } from '../api/networking/cidr.js';

/**
 * Which real loopback sockets the host listeners want, as a pure function of the Services:
 * every TCP NodePort on each --nodeport-addresses address (default 127.0.0.1), and each
 * LoadBalancer ingress IP's port on a loopback address named after that IP: 127 followed
 * by its last three octets (203.0.113.10:80 → 127.0.113.10:80), so `curl` reaches the
 * load balancer of the tutorial without any non-loopback address being touched.
 */

export interface HostListenerSpec {
  /** `addr:port`: the identity of a listener. */
  readonly key: string;
  readonly address: string;
  readonly port: number;
  readonly kind: 'NodePort' | 'LoadBalancer';
  readonly namespace: string;
  readonly service: string;
  /** The simulated address:port the request is sent to (a node's NodePort or the LB IP). */
  readonly lbIP?: string;
  readonly servicePort: string;
}

export function loopbackForIngress(ip: string): string | undefined {
  const n = parseIPv4(ip);
  if (n === undefined) return undefined;
  return `127.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** `none` (or an empty list) disables the NodePort listeners; LB listeners follow the same switch. */
export function desiredHostListeners(services: Iterable<Service>, nodePortAddresses: readonly string[]): HostListenerSpec[] {
  const out: HostListenerSpec[] = [];
  if (nodePortAddresses.length === 0) return out;
  for (const svc of services) {
    const spec = svc.spec ?? {};
    if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') continue;
    const namespace = svc.metadata.namespace ?? '';
    const service = svc.metadata.name ?? '';
    for (const p of spec.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== 'TCP') continue;
      const servicePort = p.name ? `${namespace}/${service}:${p.name}` : `${namespace}/${service}`;
      if (p.nodePort) {
        for (const address of nodePortAddresses) out.push({ key: `${address}:${p.nodePort}`, address, port: p.nodePort, kind: 'NodePort', namespace, service, servicePort });
      }
      if (spec.type === 'LoadBalancer') {
        for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
          const address = ing.ip ? loopbackForIngress(ing.ip) : undefined;
          if (!address) continue;
          out.push({ key: `${address}:${p.port}`, address, port: p.port, kind: 'LoadBalancer', namespace, service, lbIP: ing.ip!, servicePort });
        }
      }
    }
  }
  return out;
}
