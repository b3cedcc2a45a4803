import type { DnsRecord } from './types.js';

/**
 * The zone settings of the kubernetes plugin as kubeadm's Corefile gives them:
 * `kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; ttl 30 }` minus the
 * ttl line, so the plugin's default TTL of 5 s applies.
 */
export interface ZoneOptions {
  /** The cluster domain (kubelet's --cluster-domain); default `cluster.local`. */
  clusterDomain?: string;
  /** TTL of every answer; default 5 (the kubernetes plugin's default). */
  ttl?: number;
  /** Address answered for `ns.dns.<zone>` (CoreDNS answers its own Service IP); default the kube-dns Service's ClusterIP. */
  nameserverIP?: string;
}

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_TTL = 5;
/** What CoreDNS answers for `dns-version.<zone>` TXT: the version of the Kubernetes DNS specification. */
export const DNS_SCHEMA_VERSION = '1.1.0';

/** Lower-cases and drops one trailing dot: the key all matching is done on. */
export function normalizeName(name: string): string {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n.toLowerCase();
}

/** The part of `name` below `zone` ('' at the apex), or undefined when `name` is not in `zone`. */
export function trimZone(name: string, zone: string): string | undefined {
  if (name === zone) return '';
  if (name.endsWith('.' + zone)) return name.slice(0, -(zone.length + 1));
  return undefined;
}

/**
 * The SOA CoreDNS puts in the authority section of NXDOMAIN and NODATA answers (and
 * answers for the apex): `ns.dns.<zone>`, `hostmaster.<zone>`, refresh 7200, retry 1800,
 * expire 86400, minimum = TTL = the plugin's TTL, serial = time of the last API change.
 */
export function soaRecord(zone: string, ttl: number, serial: number): DnsRecord {
  return {
    name: zone,
    type: 'SOA',
    ttl: Math.min(ttl, 300),
    class: 'IN',
    data: {
      mname: `ns.dns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: serial >>> 0,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: ttl,
    },
  };
}
