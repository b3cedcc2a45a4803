import { isIP, isIPv4 } from 'node:net';
import type { DnsService, DnsView } from './view.js';

/**
 * The kubernetes plugin's record finding (CoreDNS plugin/kubernetes parse.go and
 * findServices/findPods): a name below the zone becomes a request, the request a list of
 * items (an address or a CNAME target, a port, the owner name SRV answers point at).
 */

export interface RecordRequest {
  port: string;
  protocol: string;
  endpoint: string;
  service: string;
  namespace: string;
  podOrSvc: '' | 'svc' | 'pod';
}

/** NXDOMAIN: no such name. NODATA is an empty item list. */
export const NO_ITEMS = 'nxdomain' as const;

export interface RecordItem {
  /** An IP address, or for ExternalName Services the CNAME target. */
  host: string;
  /** -1 when the Service or endpoint declares no ports (CoreDNS's sentinel: no SRV). */
  port: number;
  /** The name an SRV record targets: `svc.ns.svc.zone` or `endpoint.svc.ns.svc.zone`. */
  owner: string;
}

/**
 * parseRequest: `[_port._proto.|endpoint.]service.namespace.(svc|pod)` below the zone.
 * Returns NO_ITEMS for a shape the plugin calls an invalid request (answered NXDOMAIN).
 */
export function parseRequest(base: string): RecordRequest | typeof NO_ITEMS {
  const r: RecordRequest = { port: '', protocol: '', endpoint: '', service: '', namespace: '', podOrSvc: '' };
  // The apex and the bare svc/pod subdomains exist and hold no records: NODATA.
  if (base === '' || base === 'svc' || base === 'pod') return r;
  const segs = base.split('.');
  let last = segs.length - 1;
  const kind = segs[last]!;
  if (kind !== 'svc' && kind !== 'pod') return NO_ITEMS;
  r.podOrSvc = kind;
  if (--last < 0) return r;
  r.namespace = segs[last]!;
  if (--last < 0) return r;
  r.service = segs[last]!;
  if (--last < 0) return r;
  if (last === 0) r.endpoint = segs[0]!;
  else if (last === 1) {
    r.protocol = stripUnderscore(segs[1]!);
    r.port = stripUnderscore(segs[0]!);
  } else return NO_ITEMS; // too long to be any record
  return r;
}

function stripUnderscore(s: string): string {
  return s.startsWith('_') ? s.slice(1) : s;
}

const eq = (a: string | undefined, b: string | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** A wanted port/protocol of '' matches any. */
function portMatches(r: RecordRequest, name: string | undefined, protocol: string | undefined): boolean {
  return (r.port === '' || eq(r.port, name)) && (r.protocol === '' || eq(r.protocol, protocol ?? 'TCP'));
}

export function isHeadlessService(svc: DnsService): boolean {
  return svc.spec?.clusterIP === 'None' || svc.spec?.clusterIPs?.[0] === 'None';
}

/**
 * The label CoreDNS gives an endpoint: its hostname (set by the endpoint controllers from
 * the pod's hostname when its subdomain is the Service), else the address with dashes.
 */
export function endpointHostname(hostname: string | undefined, ip: string): string {
  if (hostname) return hostname;
  if (ip.includes('.')) return ip.replaceAll('.', '-');
  if (ip.includes(':')) return ip.replaceAll(':', '-');
  return '';
}

export interface ServiceEndpointAddress {
  ip: string;
  hostname: string;
  ports: { name?: string; protocol?: string; port: number }[];
}

/**
 * The addresses DNS publishes for a Service: ready endpoints of its IPv4/IPv6 slices
 * (unready ones only with publishNotReadyAddresses, which the controllers already turn
 * into ready=true), each with the slice's ports or the no-port sentinel.
 */
export function serviceEndpointAddresses(view: DnsView, svc: DnsService): ServiceEndpointAddress[] {
  const out: ServiceEndpointAddress[] = [];
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  for (const slice of view.endpointSlicesFor(svc.metadata.namespace ?? '', svc.metadata.name ?? '')) {
    if (slice.addressType && slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const ports = (slice.ports ?? []).filter((p) => typeof p.port === 'number').map((p) => ({ name: p.name, protocol: p.protocol, port: p.port! }));
    if (ports.length === 0) ports.push({ name: '', protocol: '', port: -1 });
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false && !publishNotReady) continue;
      for (const ip of ep.addresses ?? []) out.push({ ip, hostname: endpointHostname(ep.hostname, ip), ports });
    }
  }
  return out;
}

/** findServices: the items a `svc` request names, [] for NODATA, NO_ITEMS for NXDOMAIN. */
export function findServices(view: DnsView, r: RecordRequest, zone: string): RecordItem[] | typeof NO_ITEMS {
  if (!view.namespaceExists(r.namespace)) return NO_ITEMS;
  if (r.service === '') return [];
  const svc = view.service(r.namespace, r.service);
  if (!svc) return NO_ITEMS;
  const name = svc.metadata.name ?? '';
  const ns = svc.metadata.namespace ?? '';
  const owner = `${name}.${ns}.svc.${zone}`.toLowerCase();
  const items: RecordItem[] = [];

  if (svc.spec?.type === 'ExternalName') {
    const target = svc.spec.externalName ?? '';
    // An endpoint below an ExternalName Service does not exist; an IP-shaped
    // externalName is not a CNAME target, and CoreDNS skips it.
    if (r.endpoint !== '' || target === '' || isIP(target)) return NO_ITEMS;
    return [{ host: target.replace(/\.$/, ''), port: 0, owner }];
  }

  if (isHeadlessService(svc) || r.endpoint !== '') {
    for (const addr of serviceEndpointAddresses(view, svc)) {
      if (r.endpoint !== '' && !eq(r.endpoint, addr.hostname)) continue;
      for (const p of addr.ports) {
        if (!portMatches(r, p.name, p.protocol)) continue;
        items.push({ host: addr.ip, port: p.port, owner: `${addr.hostname}.${owner}`.toLowerCase() });
      }
    }
    return items.length > 0 ? items : NO_ITEMS;
  }

  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  for (const p of svc.spec?.ports ?? []) {
    if (!portMatches(r, p.name, p.protocol)) continue;
    for (const ip of ips) items.push({ host: ip, port: p.port ?? 0, owner });
  }
  // A Service with no matching port (or no ClusterIP yet) has no records at all.
  return items.length > 0 ? items : NO_ITEMS;
}

/**
 * findPods in `pods insecure` mode (kubeadm's Corefile): `a-b-c-d.ns.pod.zone` answers
 * a.b.c.d for any existing namespace without checking that such a pod exists, which is
 * what kube-dns did and what the mode is named for.
 */
export function findPods(view: DnsView, r: RecordRequest, zone: string): RecordItem[] | typeof NO_ITEMS {
  if (!view.namespaceExists(r.namespace)) return NO_ITEMS;
  if (r.service === '') return [];
  const podname = r.service;
  const dashes = podname.split('-').length - 1;
  const ip = dashes === 3 && !podname.includes('--') ? podname.replaceAll('-', '.') : podname.replaceAll('-', ':');
  if (!isIP(ip)) return NO_ITEMS;
  return [{ host: ip, port: -1, owner: `${podname}.${r.namespace}.pod.${zone}` }];
}

export function isAddressOfFamily(host: string, qtype: 'A' | 'AAAA'): boolean {
  return qtype === 'A' ? isIPv4(host) : isIP(host) === 6;
}
