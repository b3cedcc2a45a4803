import type { KubeObject, ResourceType } from '../../api/types.js';
import { findResourceByKind } from '../../api/registry.js';
import type { Registry } from '../registry/generic-registry.js';
import { ApiError } from '../errors.js';
import { isLoopback, type ServiceEndpointResolver } from './webhook-client.js';
import { LOOPBACK_ENDPOINT_ANNOTATION } from '../../api/apiregistration/annotations.js';

/**
 * clientConfig.service → an address to dial, through the Service's endpoints (kube's
 * endpoint routing). Only a real address is used: Kubeling's pod IPs are simulated, so
 * a Service backed by pods fails as an unreachable address would; a selector-less
 * Service whose Endpoints (or EndpointSlices) point at 127.0.0.1 reaches a webhook
 * running on this machine.
 */

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

interface SlicePort {
  name?: string;
  port?: number;
}

export function createServiceResolver(registryFor: (rt: ResourceType) => Registry): ServiceEndpointResolver {
  const services = findResourceByKind('', 'Service')!;
  const endpoints = findResourceByKind('', 'Endpoints')!;
  const slices = findResourceByKind('discovery.k8s.io', 'EndpointSlice')!;
  const get = async (rt: ResourceType, ns: string, name: string): Promise<KubeObject | undefined> => {
    try {
      return await registryFor(rt).get(ns, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  };

  return {
    async resolve(namespace, name, port) {
      const svc = await get(services, namespace, name);
      if (!svc) return { error: `service "${name}" not found` };
      // The same escape hatch aggregation honours: the Service says where its loopback server listens.
      const pinned = svc.metadata.annotations?.[LOOPBACK_ENDPOINT_ANNOTATION];
      const m = pinned ? /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(pinned.trim()) : null;
      if (m && isLoopback(m[1]!)) return { host: m[1]!.replace(/^\[|\]$/g, '').replace(/^localhost$/, '127.0.0.1'), port: Number(m[2]) };
      const sp = ((svc.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []).find((p) => p.port === port);
      if (!sp) return { error: `service "${name}" does not have a port ${port}` };
      const candidates: { ip: string; port: number }[] = [];
      // EndpointSlices first (what kube-proxy and kube's routing read), then Endpoints.
      const list = await registryFor(slices).list(namespace, { filter: (o) => o.metadata.labels?.['kubernetes.io/service-name'] === name });
      for (const slice of list.items) {
        const ports = ((slice as { ports?: SlicePort[] }).ports ?? []) as SlicePort[];
        const p = ports.find((x) => (x.name ?? '') === (sp.name ?? '')) ?? (ports.length === 1 ? ports[0] : undefined);
        if (!p?.port) continue;
        for (const ep of (slice as { endpoints?: { addresses?: string[]; conditions?: { ready?: boolean } }[] }).endpoints ?? []) {
          if (ep.conditions?.ready === false) continue;
          for (const ip of ep.addresses ?? []) candidates.push({ ip, port: p.port });
        }
      }
      if (candidates.length === 0) {
        const ep = await get(endpoints, namespace, name);
        for (const s of (ep as { subsets?: { addresses?: { ip: string }[]; ports?: SlicePort[] }[] } | undefined)?.subsets ?? []) {
          const ports = s.ports ?? [];
          const p = ports.find((x) => (x.name ?? '') === (sp.name ?? '')) ?? (ports.length === 1 ? ports[0] : undefined);
          if (!p?.port) continue;
          for (const a of s.addresses ?? []) candidates.push({ ip: a.ip, port: p.port });
        }
      }
      if (candidates.length === 0) return { error: `no endpoints available for service "${name}"` };
      const real = candidates.find((c) => isLoopback(c.ip));
      if (real) return { host: real.ip, port: real.port };
      // A simulated pod IP is never dialled: it fails as an address with no route would.
      const first = candidates[0]!;
      return { error: `dial tcp ${first.ip.includes(':') ? `[${first.ip}]` : first.ip}:${first.port}: connect: no route to host` };
    },
  };
}
