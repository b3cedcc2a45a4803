import { randomInt } from 'node:crypto';
import type { KubeObject } from '../../../api/types.js';
import type { KindHooks, Registry } from '../generic-registry.js';
import { invalid } from '../../errors.js';
import { patchAllocatedServiceValues, type Service } from '../../../api/core/service.js';
import { formatIPv4, parseIPv4 } from '../../../api/networking/cidr.js';
import { allocatableInRange, defaultServiceIpRange, type ServiceIpRange } from '../../../api/networking/service-cidr.js';

/** The default Service range's `kubernetes` Service address (kubeadm's 10.96.0.0/12: 10.96.0.1). */
export const KUBERNETES_SERVICE_IP = defaultServiceIpRange().kubernetesServiceIP;
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };

interface ServiceLike {
  metadata: { name?: string };
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: Array<{ nodePort?: number; port?: number }>;
  };
}

function inServiceCidr(range: ServiceIpRange, ip: string): boolean {
  const n = parseIPv4(ip);
  return n !== undefined && allocatableInRange(range.cidr, n);
}

/**
 * Allocates cluster IPs and node ports on create, as kube-apiserver's Service REST does.
 * Allocation reads the Services that exist and picks a free value at random; one
 * apiserver process serialises its allocations (several replicas could race: noted).
 * `range`: --service-cluster-ip-range (default kubeadm's 10.96.0.0/12).
 */
export function createServiceHooks(range: ServiceIpRange = defaultServiceIpRange()): KindHooks {
  let chain: Promise<unknown> = Promise.resolve();
  const serialise = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  return {
    prepareUpdate(next, live, _proposed, subresource): void {
      // `kubectl apply` omits the allocated clusterIP and nodePorts: keep them.
      if (subresource === undefined) patchAllocatedServiceValues(next as Service, live as Service);
    },
    beforeCreate(obj: KubeObject, reg: Registry): Promise<void> {
      return serialise(async () => {
        const svc = obj as ServiceLike;
        const spec = (svc.spec ??= {});
        const { items } = await reg.list(undefined);
        const usedIps = new Set<string>();
        const usedPorts = new Set<number>();
        for (const other of items as ServiceLike[]) {
          for (const ip of other.spec?.clusterIPs ?? (other.spec?.clusterIP ? [other.spec.clusterIP] : [])) usedIps.add(ip);
          for (const p of other.spec?.ports ?? []) if (p.nodePort) usedPorts.add(p.nodePort);
        }
        const name = svc.metadata.name ?? '';
        if (spec.type !== 'ExternalName') {
          if (!spec.clusterIP && spec.clusterIPs?.[0]) spec.clusterIP = spec.clusterIPs[0];
          if (spec.clusterIP && spec.clusterIP !== 'None') {
            if (!inServiceCidr(range, spec.clusterIP)) {
              throw invalid('Service', '', name, [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${range.cidr.text}` }]);
            }
            if (usedIps.has(spec.clusterIP)) {
              throw invalid('Service', '', name, [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated` }]);
            }
          } else if (!spec.clusterIP) {
            spec.clusterIP = pickIp(range, usedIps, name);
          }
          spec.clusterIPs = [spec.clusterIP];
        }
        if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
          for (const [i, port] of (spec.ports ?? []).entries()) {
            if (port.nodePort) {
              if (usedPorts.has(port.nodePort)) {
                throw invalid('Service', '', name, [{ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${port.nodePort}: provided port is already allocated` }]);
              }
            } else {
              port.nodePort = pickPort(usedPorts, name);
            }
            usedPorts.add(port.nodePort);
          }
        }
      });
    },
  };
}

function pickIp(range: ServiceIpRange, used: Set<string>, name: string): string {
  const size = 2 ** (32 - range.cidr.bits);
  // Skip the network address, the kubernetes Service's first address and the broadcast.
  const first = range.cidr.base + 2;
  const count = size - 3;
  const start = randomInt(count);
  for (let i = 0; i < count; i++) {
    const ip = formatIPv4(first + ((start + i) % count));
    if (!used.has(ip)) return ip;
  }
  throw invalid('Service', '', name, [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', message: 'Internal error: failed to allocate a serviceIP: range is full' }]);
}

function pickPort(used: Set<number>, name: string): number {
  const count = NODE_PORT_RANGE.max - NODE_PORT_RANGE.min + 1;
  const start = randomInt(count);
  for (let i = 0; i < count; i++) {
    const port = NODE_PORT_RANGE.min + ((start + i) % count);
    if (!used.has(port)) return port;
  }
  throw invalid('Service', '', name, [{ type: 'FieldValueInvalid', field: 'spec.ports', message: 'Internal error: failed to allocate a nodePort: range is full' }]);
}
