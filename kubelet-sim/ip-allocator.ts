/**
 * Pod IPs inside a node's spec.podCIDR, as the host-local IPAM plugin hands them out
 * behind a bridge CNI: the first address is the bridge gateway, the last the broadcast,
 * so a /24 gives .2–.254 (253 pods). Allocation is round-robin from the last address
 * handed out, so a released address is not reused at once (host-local does the same).
 *
 * State is one bit per address: 32 bytes for a /24, whatever the pod count.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
  text: string;
}

export function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function intToIp(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses an IPv4 CIDR (`100.96.3.0/24`); undefined for IPv6 or malformed text. */
export function parseCidr(text: string | undefined): Cidr | undefined {
  if (!text) return undefined;
  const [ip, bits] = text.split('/');
  const addr = ipToInt(ip ?? '');
  const prefix = Number(bits);
  if (addr === undefined || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: addr - (addr % size), prefix, text };
}

export class IpAllocator {
  readonly size: number;
  private readonly used: Uint8Array;
  private cursor: number;
  private count = 0;

  constructor(readonly cidr: Cidr) {
    this.size = 2 ** (32 - cidr.prefix);
    this.used = new Uint8Array(Math.ceil(this.size / 8));
    this.cursor = 1; // the last offset handed out: the gateway, so the first pod gets .2
  }

  /** How many addresses pods can get: all but network, gateway and broadcast. */
  capacity(): number {
    return this.size - 3;
  }

  inUse(): number {
    return this.count;
  }

  /** The usable range as host-local prints it in errors: `a.b.c.1-a.b.c.254`. */
  rangeText(): string {
    return `${intToIp(this.cidr.base + 1)}-${intToIp(this.cidr.base + this.size - 2)}`;
  }

  /** The next free address, or undefined when the range is exhausted. */
  allocate(): string | undefined {
    const n = this.size - 3; // usable offsets are 2 … size-2
    for (let i = 0; i < n; i++) {
      const off = 2 + ((this.cursor - 1 + i) % n);
      if (!this.isUsed(off)) {
        this.mark(off, true);
        this.cursor = off;
        return intToIp(this.cidr.base + off);
      }
    }
    return undefined;
  }

  /** Marks an address taken (rebuilding state from existing pods); false if outside the range or taken. */
  reserve(ip: string): boolean {
    const off = this.offsetOf(ip);
    if (off === undefined || this.isUsed(off)) return false;
    this.mark(off, true);
    return true;
  }

  release(ip: string): void {
    const off = this.offsetOf(ip);
    if (off !== undefined && this.isUsed(off)) this.mark(off, false);
  }

  contains(ip: string): boolean {
    return this.offsetOf(ip) !== undefined;
  }

  private offsetOf(ip: string): number | undefined {
    const n = ipToInt(ip);
    if (n === undefined) return undefined;
    const off = n - this.cidr.base;
    return off >= 2 && off <= this.size - 2 ? off : undefined;
  }

  private isUsed(off: number): boolean {
    return (this.used[off >> 3]! & (1 << (off & 7))) !== 0;
  }

  private mark(off: number, on: boolean): void {
    if (on) {
      this.used[off >> 3]! |= 1 << (off & 7);
      this.count++;
    } else {
      this.used[off >> 3]! &= ~(1 << (off & 7));
      this.count--;
    }
  }
}

/**
 * The message kubelet records (event FailedCreatePodSandBox) when containerd's CNI call
 * fails because host-local has no address left.
 */
export function sandboxExhaustedMessage(sandboxId: string, range: string): string {
  return (
    `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandboxId}": ` +
    `plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${range}`
  );
}
