import { isIP } from 'node:net';
import { parseCidr } from '../api/networking/cidr.js';
import { clusterDnsIP, cidrsOverlap, DEFAULT_SERVICE_CLUSTER_IP_RANGE, parseServiceClusterIpRange, ServiceCidrError } from '../api/networking/service-cidr.js';
import type { FlagValues } from './client-args.js';
import { InvalidValue } from './values.js';

/**
 * The Service network's flags: kube-apiserver's --service-cluster-ip-range (up,
 * apiserver) and kubelet's --cluster-dns / --cluster-domain (kubelet-sim); `up` derives
 * the kubelets' DNS address from the range as kubeadm does (its tenth address).
 */

function str(v: FlagValues, name: string): string | undefined {
  const value = v[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * --service-cluster-ip-range, checked with kube-apiserver's messages; the range as the
 * apiserver will use it (host bits cleared). `up` also needs kubeadm's DNS address in it,
 * and a pod network (`podCidr`: the one `up` will use) that does not overlap it.
 */
export function serviceRangeOption(v: FlagValues, up?: { podCidr: string; podCidrGiven: boolean }): { serviceClusterIpRange?: string } {
  const raw = str(v, 'service-cluster-ip-range');
  const text = raw ?? DEFAULT_SERVICE_CLUSTER_IP_RANGE;
  const fail = (message: string) => new InvalidValue(`invalid --service-cluster-ip-range "${raw}": ${message}`);
  let range;
  try {
    range = parseServiceClusterIpRange(text);
    if (up) clusterDnsIP(range);
  } catch (err) {
    if (err instanceof ServiceCidrError) throw fail(err.message);
    throw err;
  }
  if (up) {
    const pods = parseCidr(up.podCidr);
    if (pods && cidrsOverlap(pods, range.cidr)) {
      const how = up.podCidrGiven ? '--cluster-cidr' : 'sized for --nodes; set another with --cluster-cidr';
      const message = `the Service range ${range.cidr.text} overlaps the pod network ${pods.text} (${how}): they must not overlap`;
      throw raw === undefined ? new InvalidValue(`invalid --cluster-cidr "${up.podCidr}": ${message}`) : fail(message);
    }
  }
  return raw === undefined ? {} : { serviceClusterIpRange: range.cidr.text };
}

/** The cluster DNS address `up` gives its kubelets and the kube-dns Service: kubeadm's tenth address of the range. */
export function upClusterDnsIP(serviceClusterIpRange: string | undefined): string {
  return clusterDnsIP(parseServiceClusterIpRange(serviceClusterIpRange ?? DEFAULT_SERVICE_CLUSTER_IP_RANGE));
}

/** kubelet's --cluster-domain (also `up`'s and `dns`'s): a DNS domain, lower-cased, without the trailing dot. */
export function parseClusterDomain(raw: string | undefined): string {
  const domain = (raw ?? 'cluster.local').replace(/\.$/, '').toLowerCase();
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/.test(domain) || domain.length > 253) {
    throw new InvalidValue(`invalid --cluster-domain "${raw}": must be a DNS domain such as cluster.local`);
  }
  return domain;
}

/**
 * kubelet's --cluster-dns (a comma-separated list of IP addresses, checked with kubelet's
 * message; an empty list is kubelet's default: ClusterFirst pods then get the node's
 * resolver) and --cluster-domain, for `kubeling kubelet-sim`. Absent: the simulator's
 * defaults (10.96.0.10 and cluster.local, kubeadm's kubelet configuration).
 */
export function kubeletDnsOptions(v: FlagValues): { clusterDns?: string[]; clusterDomain?: string } {
  const out: { clusterDns?: string[]; clusterDomain?: string } = {};
  const raw = str(v, 'cluster-dns');
  if (raw !== undefined) {
    const ips = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    for (const ip of ips) {
      if (isIP(ip) === 0) throw new InvalidValue(`invalid configuration: option "${ip}" specified for clusterDNS (--cluster-dns) must be a valid IP address`);
    }
    out.clusterDns = ips;
  }
  if (str(v, 'cluster-domain') !== undefined) out.clusterDomain = parseClusterDomain(str(v, 'cluster-domain'));
  return out;
}
