import { cidrContains, formatIPv4, parseCidr, type Cidr } from './cidr.js';

/**
 * The Service network (kube-apiserver's --service-cluster-ip-range) and the addresses
 * derived from it: the `kubernetes` Service's (the first address, kube-apiserver's
 * ServiceIPRange) and the cluster DNS Service's (the tenth, kubeadm's GetDNSIP). Pure;
 * shared by the apiserver (allocation, bootstrap), the CLI (flag checks), the DNS add-on
 * and the simulated kubelets (--cluster-dns). IPv4 only, as the simulated cluster.
 */

/** kubeadm's default serviceSubnet (kube-apiserver's own default is 10.0.0.0/24). */
export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/12';

/** kube-apiserver's maxCIDRBits: the allocator keeps a bitmap of the range in etcd. */
const MAX_CIDR_BITS = 20;
/** kube-apiserver's ServiceIPRange refuses ranges of fewer addresses. */
const MIN_ADDRESSES = 8;
/** kubeadm's cluster DNS address is this index of the Service range (10.96.0.10). */
export const DNS_SERVICE_IP_INDEX = 10;

export class ServiceCidrError extends Error {
  override name = 'ServiceCidrError';
}

export interface ServiceIpRange {
  cidr: Cidr;
  /** The `kubernetes` Service's ClusterIP: the range's first address. */
  kubernetesServiceIP: string;
}

/** Go's netutils.GetIndexedIP: the index-th address of the range, or undefined when it is outside. */
export function indexedIP(cidr: Cidr, index: number): string | undefined {
  const n = cidr.base + index;
  if (n > 0xffffffff || !cidrContains(cidr, n >>> 0)) return undefined;
  return formatIPv4(n >>> 0);
}

/**
 * Parses and checks --service-cluster-ip-range as kube-apiserver does (options.Complete
 * and validateClusterIPFlags), with its messages. Host bits are cleared (10.96.0.5/12 is
 * 10.96.0.0/12). Throws ServiceCidrError.
 */
export function parseServiceClusterIpRange(text: string): ServiceIpRange {
  const entries = text.split(',');
  if (entries.length > 2) throw new ServiceCidrError('--service-cluster-ip-range must not contain more than two entries');
  if (entries.length === 2) throw new ServiceCidrError('--service-cluster-ip-range: dual-stack ranges are not supported (the simulated cluster is IPv4 only)');
  const entry = entries[0]!.trim();
  if (entry.includes(':') && entry.includes('/')) throw new ServiceCidrError(`--service-cluster-ip-range: IPv6 range ${entry} is not supported (the simulated cluster is IPv4 only)`);
  const cidr = parseCidr(entry);
  if (!cidr) throw new ServiceCidrError('service-cluster-ip-range[0] is not a valid cidr');
  const size = 2 ** (32 - cidr.bits);
  if (size < MIN_ADDRESSES) {
    throw new ServiceCidrError(`error determining service IP ranges for primary service cidr: the service cluster IP range must be at least ${MIN_ADDRESSES} IP addresses`);
  }
  if (32 - cidr.bits > MAX_CIDR_BITS) {
    throw new ServiceCidrError(`specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= ${32 - MAX_CIDR_BITS}`);
  }
  return { cidr, kubernetesServiceIP: indexedIP(cidr, 1)! };
}

/** The default range, parsed. */
export function defaultServiceIpRange(): ServiceIpRange {
  return parseServiceClusterIpRange(DEFAULT_SERVICE_CLUSTER_IP_RANGE);
}

/**
 * kubeadm's cluster DNS address (constants.GetDNSIP): the tenth address of the Service
 * range, 10.96.0.10 for 10.96.0.0/12. Throws with kubeadm's message when the range has none.
 */
export function clusterDnsIP(range: ServiceIpRange): string {
  const ip = indexedIP(range.cidr, DNS_SERVICE_IP_INDEX);
  // GetIndexedIP's wording, inside GetDNSIP's.
  if (!ip) throw new ServiceCidrError(`unable to get tenth IP address from service subnet CIDR ${range.cidr.text}: can't generate IP with index ${DNS_SERVICE_IP_INDEX} from subnet. subnet too small. subnet: "${range.cidr.text}"`);
  return ip;
}

/** Whether two ranges share an address (one contains the other's network address). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b.base) || cidrContains(b, a.base);
}

/**
 * Whether a ClusterIP may be allocated from the range: inside it, neither the network
 * address nor (IPv4) the broadcast address, as kube's bitmap allocator.
 */
export function allocatableInRange(cidr: Cidr, ip: number): boolean {
  const last = cidr.base + 2 ** (32 - cidr.bits) - 1;
  return cidrContains(cidr, ip) && ip !== cidr.base && ip !== last;
}
