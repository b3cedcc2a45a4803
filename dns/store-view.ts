import { SERVICE_NAME_LABEL, type DnsEndpointSlice, type DnsPod, type DnsService, type DnsView } from './view.js';

/** The part of an informer store a DnsView needs (client/store.ts ReadonlyStore satisfies it). */
export interface ReadableStore<T> {
  getByName(namespace: string, name: string): T | undefined;
  list(): T[];
  byIndex(indexName: string, value: string): T[];
}

/** The index the EndpointSlice store must have: `namespace/service-name`, from the slice's label. */
export const SLICES_BY_SERVICE_INDEX = 'dns-service';

export function sliceServiceIndex(slice: DnsEndpointSlice): string[] {
  const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  return svc ? [`${slice.metadata.namespace ?? ''}/${svc}`] : [];
}

export interface StoreViewSources {
  services: ReadableStore<DnsService>;
  /** Indexed by SLICES_BY_SERVICE_INDEX (sliceServiceIndex). */
  endpointSlices: ReadableStore<DnsEndpointSlice>;
  namespaces: ReadableStore<{ metadata: { name?: string } }>;
  pods?: ReadableStore<DnsPod>;
  /** The SOA serial: seconds of the last change seen. */
  serial: () => number;
  /** Changes on every informer event (see DnsView.generation). */
  generation?: () => number;
}

/**
 * A DnsView over informer caches. Kubernetes names are lower case; DNS questions may not
 * be, so lookups lower-case first (CoreDNS matches case-insensitively).
 */
export function storeDnsView(s: StoreViewSources): DnsView {
  return {
    service: (namespace, name) => s.services.getByName(namespace.toLowerCase(), name.toLowerCase()),
    services: () => s.services.list(),
    endpointSlicesFor: (namespace, service) => s.endpointSlices.byIndex(SLICES_BY_SERVICE_INDEX, `${namespace.toLowerCase()}/${service.toLowerCase()}`),
    endpointSlices: () => s.endpointSlices.list(),
    pods: () => s.pods?.list() ?? [],
    namespaceExists: (name) => s.namespaces.getByName('', name.toLowerCase()) !== undefined,
    serial: s.serial,
    ...(s.generation ? { generation: s.generation } : {}),
  };
}
