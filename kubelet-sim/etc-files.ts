import type { Pod } from '../api/core/pod.js';

/**
 * The files kubelet writes into every container: /etc/resolv.conf (by dnsPolicy),
 * /etc/hosts (the pod's own entry, hostAliases) and /etc/hostname. Pure.
 */

export interface ClusterDns {
  /** The cluster DNS Service IP (kubelet's --cluster-dns), e.g. 10.96.0.10. */
  nameserver: string;
  /** kubelet's --cluster-domain. */
  domain: string;
  /** The node's own resolv.conf (dnsPolicy Default and hostNetwork pods). */
  hostResolvConf: string;
}

export const DEFAULT_CLUSTER_DNS: ClusterDns = {
  nameserver: '10.96.0.10',
  domain: 'cluster.local',
  hostResolvConf: 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n',
};

/**
 * kubelet's dns.go GetPodDNS: ClusterFirst (the default; ClusterFirstWithHostNet for
 * hostNetwork pods) gets the cluster nameserver, the `NS.svc.DOMAIN svc.DOMAIN DOMAIN`
 * search path and ndots:5; Default the node's file; None only spec.dnsConfig; dnsConfig
 * adds to the others. A hostNetwork pod with ClusterFirst falls back to Default, as kubelet does.
 */
export function resolvConf(pod: Pod, dns: ClusterDns = DEFAULT_CLUSTER_DNS): string {
  const spec: Partial<NonNullable<Pod['spec']>> = pod.spec ?? {};
  let policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && spec.hostNetwork) policy = 'Default';
  let nameservers: string[] = [];
  let searches: string[] = [];
  let options: Array<{ name?: string; value?: string }> = [];
  if (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') {
    const ns = pod.metadata.namespace ?? 'default';
    nameservers = [dns.nameserver];
    searches = [`${ns}.svc.${dns.domain}`, `svc.${dns.domain}`, dns.domain];
    options = [{ name: 'ndots', value: '5' }];
  } else if (policy === 'Default') {
    for (const line of dns.hostResolvConf.split('\n')) {
      const [key, ...rest] = line.trim().split(/\s+/);
      if (key === 'nameserver') nameservers.push(...rest);
      else if (key === 'search') searches = rest;
      else if (key === 'options') options = rest.map((o) => ({ name: o.split(':')[0], value: o.split(':')[1] }));
    }
  }
  const cfg = spec.dnsConfig;
  if (cfg) {
    for (const n of cfg.nameservers ?? []) if (!nameservers.includes(n)) nameservers.push(n);
    for (const s of cfg.searches ?? []) if (!searches.includes(s)) searches.push(s);
    for (const o of cfg.options ?? []) {
      options = options.filter((x) => x.name !== o.name);
      options.push(o);
    }
  }
  const lines: string[] = [];
  if (searches.length > 0) lines.push(`search ${searches.join(' ')}`);
  for (const n of nameservers.slice(0, 3)) lines.push(`nameserver ${n}`);
  if (options.length > 0) lines.push(`options ${options.map((o) => (o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name)).join(' ')}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** The pod's hostname: spec.hostname, else the pod name (63 characters at most). */
export function podHostname(pod: Pod): string {
  return (pod.spec?.hostname ?? pod.metadata.name ?? '').slice(0, 63);
}

/** kubelet's managed /etc/hosts (hostNetwork pods see the node's: the simulated node's name and IP). */
export function etcHosts(pod: Pod, podIP: string | undefined, domain = DEFAULT_CLUSTER_DNS.domain): string {
  const head = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
  const name = podHostname(pod);
  const sub = pod.spec?.subdomain;
  const fqdn = sub ? `${name}.${sub}.${pod.metadata.namespace}.svc.${domain}\t${name}` : name;
  let out = head + (podIP ? `${podIP}\t${fqdn}\n` : '');
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length > 0) {
    out += '\n# Entries added by HostAliases.\n';
    for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  }
  return out;
}
