/**
 * IPv4 addresses and CIDRs as unsigned 32-bit integers: what NetworkPolicy validation
 * (ipBlock), the pod network (flannel subnets) and the data path (which address is whose)
 * compute with. The simulated cluster is IPv4-only.
 */

export interface Cidr {
  /** Network address (host bits cleared). */
  readonly base: number;
  readonly bits: number;
  /** Netmask as an unsigned integer. */
  readonly mask: number;
  readonly text: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as an unsigned integer, or undefined when it is not dotted-quad IPv4. */
export function parseIPv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.startsWith('0')) return undefined; // Go rejects leading zeros
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n >>> 0;
}

export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * Parses `a.b.c.d/n` (as Go's net.ParseCIDR does, host bits allowed and cleared), or
 * undefined when it is not an IPv4 CIDR.
 */
export function parseCidr(text: string | undefined): Cidr | undefined {
  if (!text) return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPv4(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > 32) return undefined;
  const mask = maskOf(bits);
  return { base: (ip & mask) >>> 0, bits, mask, text: `${formatIPv4((ip & mask) >>> 0)}/${bits}` };
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ((ip & cidr.mask) >>> 0) === cidr.base;
}

/** True when inner is a strict subset of outer (NetworkPolicy's ipBlock.except rule). */
export function isStrictSubset(inner: Cidr, outer: Cidr): boolean {
  return inner.bits > outer.bits && cidrContains(outer, inner.base);
}
