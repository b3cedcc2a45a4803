import { isIP } from 'node:net';
import { isHeadlessService, serviceEndpointAddresses } from './cluster-records.js';
import type { DnsView } from './view.js';

/**
 * The address a reverse name stands for (`10.0.96.10.in-addr.arpa` → 10.96.0.10, 32
 * nibbles of `ip6.arpa` → an IPv6 address), or '' for a partial or malformed name.
 */
export function addressFromReverse(name: string): string {
  if (name.endsWith('.in-addr.arpa')) {
    const octets = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o))) return '';
    const ip = octets.reverse().map((o) => String(Number(o))).join('.');
    return isIP(ip) === 4 && octets.every((o) => Number(o) <= 255) ? ip : '';
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return '';
    const hex = nibbles.reverse().join('');
    const groups = hex.match(/.{4}/g)!.join(':');
    return isIP(groups) === 6 ? canonicalIPv6(groups) : '';
  }
  return '';
}

/** The reverse name of an address: what `dig -x` and busybox nslookup ask. */
export function reverseName(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (family === 6) return `${expandIPv6(ip).replaceAll(':', '').split('').reverse().join('.')}.ip6.arpa`;
  return undefined;
}

function expandIPv6(ip: string): string {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => g.padStart(4, '0')).join(':');
}

/** Compares IPv6 addresses by value, whatever their spelling. */
function canonicalIPv6(ip: string): string {
  return expandIPv6(ip.toLowerCase());
}

function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  return isIP(a) === 6 && isIP(b) === 6 && canonicalIPv6(a) === canonicalIPv6(b);
}

/**
 * serviceRecordForIP: a Service's ClusterIP names the Service (first match only); else
 * every endpoint with that address names `hostname.svc.ns.svc.zone`. Pod IPs that back no
 * Service have no PTR (CoreDNS publishes none either).
 */
export function namesForAddress(view: DnsView, ip: string, zone: string): string[] {
  for (const svc of view.services()) {
    if (isHeadlessService(svc) || svc.spec?.type === 'ExternalName') continue;
    const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
    if (ips.some((c) => sameAddress(c, ip))) return [`${svc.metadata.name}.${svc.metadata.namespace}.svc.${zone}`];
  }
  const names: string[] = [];
  for (const svc of view.services()) {
    if (svc.spec?.type === 'ExternalName') continue;
    for (const addr of serviceEndpointAddresses(view, svc)) {
      if (!sameAddress(addr.ip, ip)) continue;
      const n = `${addr.hostname}.${svc.metadata.name}.${svc.metadata.namespace}.svc.${zone}`;
      if (!names.includes(n)) names.push(n);
    }
  }
  return names;
}
