import type { Service } from '../../api/core/service.js';
import type { EndpointPort, EndpointSlice } from '../../api/discovery/endpointslice.js';
import { nameIsDNSSubdomain } from '../../api/validation.js';
import { HEADLESS_SERVICE_LABEL } from '../endpoints/endpoints-object.js';
import { isIPv6, isServiceIPSet } from '../endpoints/pod-endpoint-util.js';
import { canonicalJson, type AddressType } from './slice-endpoint.js';

/**
 * What makes a slice this controller's and a Service's: labels, owner reference, name
 * prefix, address types (kube's newEndpointSlice, setEndpointSliceLabels, ownedBy,
 * getAddressTypesForService). Pure.
 */

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** The managed-by value of kube's EndpointSlice controller. */
export const ENDPOINTSLICE_CONTROLLER_MANAGER = 'endpointslice-controller.k8s.io';

const RESERVED = new Set([SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_SERVICE_LABEL]);

function withoutReserved(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !RESERVED.has(k)));
}

/**
 * The labels a slice of svc must carry: the Service's own (reserved keys excepted), the
 * headless label for a Service without a cluster IP, service-name and managed-by.
 * `changed` tells whether the slice's non-reserved labels differ from the Service's.
 */
export function sliceLabels(current: Record<string, string> | undefined, svc: Service): { labels: Record<string, string>; changed: boolean } {
  const want = withoutReserved(svc.metadata.labels);
  const changed = canonicalJson(withoutReserved(current)) !== canonicalJson(want);
  const labels = { ...want };
  if (!isServiceIPSet(svc)) labels[HEADLESS_SERVICE_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = svc.metadata.name ?? '';
  labels[MANAGED_BY_LABEL] = ENDPOINTSLICE_CONTROLLER_MANAGER;
  return { labels, changed };
}

/** `<service>-` when that is a valid generateName, else the bare name. */
export function slicePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  return nameIsDNSSubdomain(prefix, true).length === 0 ? prefix : serviceName;
}

/** A new, unnamed slice (the apiserver names it from generateName), owned by svc. */
export function newEndpointSlice(svc: Service, ports: EndpointPort[], addressType: AddressType): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(svc.metadata.name ?? ''),
      namespace: svc.metadata.namespace,
      labels: sliceLabels(undefined, svc).labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name ?? '', uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints: [],
    ports: structuredClone(ports),
  };
}

export function ownedBy(slice: EndpointSlice, svc: Service): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === svc.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

/** The key of the Service a slice belongs to (its service-name label), or undefined. */
export function serviceKeyOfSlice(slice: EndpointSlice): string | undefined {
  const name = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  return name ? `${slice.metadata.namespace ?? ''}/${name}` : undefined;
}

export function managedByController(slice: EndpointSlice): boolean {
  return slice.metadata.labels?.[MANAGED_BY_LABEL] === ENDPOINTSLICE_CONTROLLER_MANAGER;
}

/**
 * The address types the Service's slices hold: from spec.ipFamilies; without them, the
 * cluster IP's family, or both for a headless Service.
 */
export function addressTypesForService(svc: Service): AddressType[] {
  const fams = svc.spec?.ipFamilies ?? [];
  const out = new Set<AddressType>();
  for (const f of fams) if (f === 'IPv4' || f === 'IPv6') out.add(f);
  if (out.size > 0) return [...out];
  if (isServiceIPSet(svc)) return [isIPv6(svc.spec!.clusterIP!) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** placeholderSliceCompare: same namespace, labels, owners, address type; no ports, no endpoints. */
export function isSamePlaceholder(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  return (
    slice.metadata.namespace === placeholder.metadata.namespace &&
    canonicalJson(slice.metadata.labels ?? {}) === canonicalJson(placeholder.metadata.labels ?? {}) &&
    canonicalJson(slice.metadata.ownerReferences ?? []) === canonicalJson(placeholder.metadata.ownerReferences ?? []) &&
    slice.addressType === placeholder.addressType &&
    (slice.endpoints ?? []).length === 0 &&
    (slice.ports ?? []).length === 0
  );
}
