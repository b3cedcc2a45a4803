/**
 * The node IPAM range allocator's bookkeeping (kube's nodeipam/ipam/cidrset): the cluster
 * CIDR cut into equal per-node subnets of /maskSize, each free or used. Pure and
 * synchronous; IPv4 only.
 *
 * Allocation walks from the subnet after the last one handed out, wrapping round, as
 * kube does: a just-released subnet is not reused at once, so a pod IP from a deleted
 * node is unlikely to reappear on a new one straight away.
 */

export class CidrError extends Error {
  override name = 'CidrError';
}

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer (host bits cleared). */
  base: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; host bits are cleared (as Go's net.ParseCIDR returns the network). */
export function parseCidr(text: string): Ipv4Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) {
    if (text.includes(':')) throw new CidrError(`IPv6 CIDR ${text} is not supported`);
    throw new CidrError(`invalid CIDR address: ${text}`);
  }
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new CidrError(`invalid CIDR address: ${text}`);
  const ip = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  return { base: (ip & maskOf(prefix)) >>> 0, prefix };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatCidr(c: Ipv4Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

/** kube refuses sets of more than 2^16 subnets (the bitmap would be too large). */
export const MAX_SUBNET_BITS = 16;

export class CidrSet {
  readonly cluster: Ipv4Cidr;
  readonly maskSize: number;
  /** Number of per-node subnets. */
  readonly capacity: number;
  private readonly used: Uint8Array;
  private allocated = 0;
  private nextCandidate = 0;

  constructor(clusterCidr: string, maskSize: number) {
    this.cluster = parseCidr(clusterCidr);
    if (!Number.isInteger(maskSize) || maskSize < this.cluster.prefix || maskSize > 32) {
      throw new CidrError(`node CIDR mask size /${maskSize} must be between the cluster CIDR's /${this.cluster.prefix} and /32`);
    }
    if (maskSize - this.cluster.prefix > MAX_SUBNET_BITS) {
      throw new CidrError(`node CIDR mask size /${maskSize} is too small for cluster CIDR ${clusterCidr}: at most 2^${MAX_SUBNET_BITS} subnets`);
    }
    this.maskSize = maskSize;
    this.capacity = 2 ** (maskSize - this.cluster.prefix);
    this.used = new Uint8Array(this.capacity);
  }

  get usedCount(): number {
    return this.allocated;
  }

  private subnet(index: number): string {
    return formatCidr({ base: (this.cluster.base + index * 2 ** (32 - this.maskSize)) >>> 0, prefix: this.maskSize });
  }

  /** The next free subnet, now marked used; undefined when every subnet is in use. */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.capacity; i++) {
      const index = (this.nextCandidate + i) % this.capacity;
      if (this.used[index]) continue;
      this.used[index] = 1;
      this.allocated++;
      this.nextCandidate = (index + 1) % this.capacity;
      return this.subnet(index);
    }
    return undefined;
  }

  /**
   * The subnet indices [begin, end] that `cidr` overlaps. A CIDR larger than a subnet
   * covers several; a smaller one lies in one. Throws when it lies outside the cluster CIDR.
   */
  private indices(cidr: string): [number, number] {
    const c = parseCidr(cidr);
    const size = (p: number) => 2 ** (32 - p);
    const lo = Math.max(c.base, this.cluster.base);
    const hi = Math.min(c.base + size(c.prefix) - 1, this.cluster.base + size(this.cluster.prefix) - 1);
    if (lo > hi) throw new CidrError(`CIDR ${formatCidr(c)} is out of the range of cluster CIDR ${formatCidr(this.cluster)}`);
    const step = size(this.maskSize);
    return [Math.floor((lo - this.cluster.base) / step), Math.floor((hi - this.cluster.base) / step)];
  }

  /** Marks every subnet `cidr` overlaps as used (existing node CIDRs, the service range). */
  occupy(cidr: string): void {
    const [begin, end] = this.indices(cidr);
    for (let i = begin; i <= end; i++) {
      if (!this.used[i]) this.allocated++;
      this.used[i] = 1;
    }
  }

  /** Marks every subnet `cidr` overlaps as free. */
  release(cidr: string): void {
    const [begin, end] = this.indices(cidr);
    for (let i = begin; i <= end; i++) {
      if (this.used[i]) this.allocated--;
      this.used[i] = 0;
    }
  }

  /** Whether every subnet `cidr` overlaps is used; false (not an error) outside the range. */
  isOccupied(cidr: string): boolean {
    let range: [number, number];
    try {
      range = this.indices(cidr);
    } catch {
      return false;
    }
    for (let i = range[0]; i <= range[1]; i++) if (!this.used[i]) return false;
    return true;
  }
}
