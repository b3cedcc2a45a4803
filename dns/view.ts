/**
 * What the cluster DNS reads: a read-only view of Services, EndpointSlices, Pods and
 * Namespaces. The shapes are structural subsets of the api/ kinds, so an informer cache
 * (dns/store-view.ts), the in-memory view below (tests, the simulated shell) or any other
 * holder of those objects satisfies it without conversion.
 */

export interface DnsServicePort {
  name?: string;
  protocol?: string;
  port?: number;
}

export interface DnsService {
  metadata: { name?: string; namespace?: string };
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalName?: string;
    ports?: DnsServicePort[];
    publishNotReadyAddresses?: boolean;
  };
}

export interface DnsEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

export interface DnsEndpointSlice {
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  addressType?: string;
  endpoints?: DnsEndpoint[] | null;
  ports?: { name?: string; protocol?: string; port?: number }[] | null;
}

export interface DnsPod {
  metadata: { name?: string; namespace?: string };
  spec?: { hostname?: string; subdomain?: string; hostNetwork?: boolean; dnsPolicy?: string };
  status?: { podIP?: string; podIPs?: { ip: string }[] };
}

/** The label that ties an EndpointSlice to its Service (discovery.k8s.io). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface DnsView {
  service(namespace: string, name: string): DnsService | undefined;
  services(): Iterable<DnsService>;
  /** The EndpointSlices labelled with this Service's name, in its namespace. */
  endpointSlicesFor(namespace: string, service: string): Iterable<DnsEndpointSlice>;
  endpointSlices(): Iterable<DnsEndpointSlice>;
  pods(): Iterable<DnsPod>;
  /** CoreDNS answers NXDOMAIN (not NODATA) under a namespace that does not exist. */
  namespaceExists(name: string): boolean;
  /** The SOA serial: Unix seconds of the last change seen, as CoreDNS's Modified(). */
  serial(): number;
  /**
   * Optional: a number that changes whenever any object changes. The server caches encoded
   * replies while it stays the same; a view without it is taken to never change.
   */
  generation?(): number;
}

export interface MemoryDnsViewInput {
  services?: DnsService[];
  endpointSlices?: DnsEndpointSlice[];
  pods?: DnsPod[];
  /** Namespaces that exist; absent: every namespace named by an object above, plus `default` and `kube-system`. */
  namespaces?: string[];
  serial?: number;
}

const key = (namespace: string | undefined, name: string | undefined): string => `${(namespace ?? '').toLowerCase()}/${(name ?? '').toLowerCase()}`;

/**
 * A DnsView over plain arrays, indexed once. Names match case-insensitively, as DNS
 * names do (CoreDNS compares with EqualFold).
 */
export function memoryDnsView(input: MemoryDnsViewInput): DnsView {
  const services = input.services ?? [];
  const slices = input.endpointSlices ?? [];
  const pods = input.pods ?? [];
  const svcIndex = new Map<string, DnsService>();
  for (const s of services) svcIndex.set(key(s.metadata.namespace, s.metadata.name), s);
  const sliceIndex = new Map<string, DnsEndpointSlice[]>();
  for (const sl of slices) {
    const svc = sl.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const k = key(sl.metadata.namespace, svc);
    const list = sliceIndex.get(k) ?? [];
    list.push(sl);
    sliceIndex.set(k, list);
  }
  const namespaces = new Set<string>(
    (input.namespaces ?? ['default', 'kube-system', ...[...services, ...slices, ...pods].map((o) => o.metadata.namespace ?? '')]).map((n) =>
      n.toLowerCase(),
    ),
  );
  return {
    service: (namespace, name) => svcIndex.get(key(namespace, name)),
    services: () => services,
    endpointSlicesFor: (namespace, service) => sliceIndex.get(key(namespace, service)) ?? [],
    endpointSlices: () => slices,
    pods: () => pods,
    namespaceExists: (name) => namespaces.has(name.toLowerCase()),
    serial: () => input.serial ?? 0,
  };
}
