import type { Pod } from '../api/core/pod.js';
import { KUBE_DNS_SERVICE_IP } from '../dns/addon.js';
import { parseResolvConf, renderResolvConf, resolvConfFor } from '../dns/resolv-conf.js';

/**
 * The files kubelet writes into every container: /etc/resolv.conf (by dnsPolicy),
 * /etc/hosts (the pod's own entry, hostAliases) and /etc/hostname. Pure.
 */

export interface ClusterDns {
  /** kubelet's --cluster-dns: the cluster DNS Service IP(s), e.g. [10.96.0.10] (kubeadm's, of 10.96.0.0/12). */
  nameservers: readonly string[];
  /** kubelet's --cluster-domain. */
  domain: string;
  /** The node's own resolv.conf (dnsPolicy Default and hostNetwork pods). */
  hostResolvConf: string;
}

export const DEFAULT_CLUSTER_DNS: ClusterDns = {
  nameservers: [KUBE_DNS_SERVICE_IP],
  domain: 'cluster.local',
  hostResolvConf: 'nameserver 127.0.0.53\noptions edns0 trust-ad\n',
};

/**
 * /etc/resolv.conf by dnsPolicy (ClusterFirst, ClusterFirstWithHostNet, Default, None +
 * dnsConfig), as kubelet writes it: dns/'s resolvConfFor, rendered.
 */
export function resolvConf(pod: Pod, dns: ClusterDns = DEFAULT_CLUSTER_DNS): string {
  return renderResolvConf(resolvConfFor(pod, { clusterDomain: dns.domain, nameservers: dns.nameservers, host: parseResolvConf(dns.hostResolvConf) }));
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
