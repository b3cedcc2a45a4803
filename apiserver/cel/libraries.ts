/**
 * The Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library) on top of what
 * @marcbachmann/cel-js already has (size, contains, startsWith, endsWith, matches,
 * lowerAscii, upperAscii, trim, indexOf, lastIndexOf, substring, split, join, timestamps,
 * durations, has, all/exists/exists_one/map/filter, optionals). Added here:
 *
 *  strings (cel-go ext):  charAt, replace(2|3 args), reverse, format(list), strings.quote
 *  lists (kube + ext):    isSorted, sum, min, max, indexOf, lastIndexOf, slice, flatten,
 *                         distinct, reverse
 *  sets (cel-go ext):     sets.contains, sets.equivalent, sets.intersects
 *  regex (kube):          find, findAll(, n)
 *  url (kube):            url, isURL, getScheme, getHost, getHostname, getPort,
 *                         getEscapedPath, getQuery
 *  quantity (kube):       quantity, isQuantity, sign, isInteger, asInteger,
 *                         asApproximateFloat, add, sub, isGreaterThan, isLessThan, compareTo
 *  ip / cidr (kube):      ip, isIP, ip.family, isUnspecified, isLoopback,
 *                         isLinkLocalMulticast, isLinkLocalUnicast, isGlobalUnicast,
 *                         cidr, isCIDR, containsIP, containsCIDR, prefixLength, masked, cidr.ip
 *  format (kube):         format.named(name), format.dns1123Label() … .validate(s)
 *
 * Quantities are compared as floats (api/quantity.ts), not exact decimals: sub-nano
 * precision differences are not seen.
 */

import { Optional, type Environment } from '@marcbachmann/cel-js';
import { isValidQuantity, parseQuantity } from '../../api/quantity.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from '../../api/validation.js';
import { celError } from './errors.js';

// ---------- helper types ----------

export class KubeQuantity {
  constructor(readonly text: string, readonly value: number) {}
  toString(): string { return this.text; }
}

export class KubeURL {
  constructor(readonly url: URL, readonly raw: string) {}
}

export class KubeIP {
  constructor(readonly bytes: number[], readonly text: string) {}
  get family(): 4 | 6 { return this.bytes.length === 4 ? 4 : 6; }
  toString(): string { return this.text; }
}

export class KubeCIDR {
  constructor(readonly ip: KubeIP, readonly prefix: number, readonly text: string) {}
  toString(): string { return this.text; }
}

class NamedFormat {
  constructor(readonly name: string, readonly check: (s: string) => string[]) {}
}
class FormatLib {}
class SetsLib {}
class StringsLib {}

// ---------- helpers ----------

function cmp(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  const x = typeof a === 'bigint' ? a : Number(a);
  const y = typeof b === 'bigint' ? b : Number(b);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (x as any) < (y as any) ? -1 : (x as any) > (y as any) ? 1 : 0;
}

function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a && b && typeof a === 'object') {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => celEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

export function parseIP(s: string): KubeIP | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const parts = s.split('.');
    // kube's ip() refuses leading zeros (ambiguous octal)
    if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
    const bytes = parts.map(Number);
    if (bytes.some((b) => b > 255)) return undefined;
    return new KubeIP(bytes, s);
  }
  if (!s.includes(':') || s.includes('%')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const expand = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (i === groups.length - 1 && g.includes('.')) return undefined; // IPv4-mapped forms refused, as kube does
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      const n = parseInt(g, 16);
      out.push(n >> 8, n & 255);
    }
    return out;
  };
  const head = expand(halves[0]!);
  const tail = halves.length === 2 ? expand(halves[1]!) : [];
  if (!head || !tail) return undefined;
  let bytes: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 14) return undefined;
    bytes = [...head, ...new Array(16 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 16) return undefined;
    bytes = head;
  }
  return new KubeIP(bytes, formatIP(bytes));
}

function formatIP(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952: compress the longest run (≥ 2) of zero groups
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function parseCIDR(s: string): KubeCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > ip.bytes.length * 8) return undefined;
  return new KubeCIDR(ip, prefix, s);
}

function maskBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return bits === 8 ? b : b & ((0xff << (8 - bits)) & 0xff);
  });
}

function cidrContains(c: KubeCIDR, ip: KubeIP): boolean {
  if (ip.bytes.length !== c.ip.bytes.length) return false;
  const a = maskBytes(c.ip.bytes, c.prefix);
  const b = maskBytes(ip.bytes, c.prefix);
  return a.every((x, i) => x === b[i]);
}

function mustIP(s: string): KubeIP {
  const ip = parseIP(s);
  if (!ip) throw celError(`IP Address "${s}" parse error during conversion from string: ParseAddr("${s}"): unable to parse IP`);
  return ip;
}

function mustCIDR(s: string): KubeCIDR {
  const c = parseCIDR(s);
  if (!c) throw celError(`network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("${s}"): invalid prefix`);
  return c;
}

function mustQuantity(s: string): KubeQuantity {
  if (!isValidQuantity(s)) throw celError('quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'');
  return new KubeQuantity(s, parseQuantity(s));
}

function mustURL(s: string): KubeURL {
  const u = tryURL(s);
  if (!u) throw celError(`URL parse error during conversion from string: parse "${s}": invalid URI for request`);
  return u;
}

function tryURL(s: string): KubeURL | undefined {
  // kube's url() takes absolute URIs or absolute paths (url.ParseRequestURI)
  try {
    if (s.startsWith('/')) return new KubeURL(new URL(s, 'http://placeholder.invalid'), s);
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s)) return undefined;
    return new KubeURL(new URL(s), s);
  } catch {
    return undefined;
  }
}

function formatString(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%(\.\d+)?([sdfeEbxXo%])/g, (_m, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) throw celError(`index ${i} out of range`);
    const a = args[i++];
    const p = prec ? Number(prec.slice(1)) : 6;
    switch (verb) {
      case 's': return typeof a === 'object' && a !== null && !(a instanceof Date) ? JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)) : a instanceof Date ? a.toISOString() : String(a);
      case 'd': return String(typeof a === 'number' ? Math.trunc(a) : a);
      case 'f': return Number(a).toFixed(p);
      case 'e': case 'E': { const r = Number(a).toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2'); return verb === 'E' ? r.toUpperCase() : r; }
      case 'b': return (typeof a === 'bigint' ? a : BigInt(Math.trunc(Number(a)))).toString(2);
      case 'o': return (typeof a === 'bigint' ? a : BigInt(Math.trunc(Number(a)))).toString(8);
      case 'x': case 'X': {
        const r = typeof a === 'string' ? Buffer.from(a).toString('hex') : (typeof a === 'bigint' ? a : BigInt(Math.trunc(Number(a)))).toString(16);
        return verb === 'X' ? r.toUpperCase() : r;
      }
      default: return String(a);
    }
  });
}

const namedFormats: Record<string, (s: string) => string[]> = {
  dns1123Label: isDNS1123Label,
  dns1123Subdomain: isDNS1123Subdomain,
  dns1035Label: isDNS1035Label,
  qualifiedName: isQualifiedName,
  labelValue: isValidLabelValue,
  dns1123LabelPrefix: (s) => isDNS1123Label(s.endsWith('-') ? `${s.slice(0, -1)}a` : s),
  dns1123SubdomainPrefix: (s) => isDNS1123Subdomain(s.endsWith('-') ? `${s.slice(0, -1)}a` : s),
  dns1035LabelPrefix: (s) => isDNS1035Label(s.endsWith('-') ? `${s.slice(0, -1)}a` : s),
  uri: (s) => (tryURL(s) ? [] : ['invalid URI']),
  uuid: (s) => (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s) ? [] : ['does not match the UUID format']),
  byte: (s) => (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) ? [] : ['invalid base64']),
  date: (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? [] : ['invalid date']),
  datetime: (s) => (!Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s) ? [] : ['invalid datetime']),
};

const ipOf = (ip: KubeIP) => ip.bytes;

/** Registers every library above on env (mutates and returns it). */
export function registerKubernetesLibraries(env: Environment): Environment {
  env
    .registerType('kubernetes.Quantity', KubeQuantity)
    .registerType('kubernetes.URL', KubeURL)
    .registerType('net.IP', KubeIP)
    .registerType('net.CIDR', KubeCIDR)
    .registerType('kubernetes.NamedFormat', NamedFormat)
    .registerType('kubernetes.FormatLib', FormatLib)
    .registerType('kubernetes.SetsLib', SetsLib)
    .registerType('kubernetes.StringsLib', StringsLib)
    .registerConstant('format', 'kubernetes.FormatLib', new FormatLib())
    .registerConstant('sets', 'kubernetes.SetsLib', new SetsLib())
    .registerConstant('strings', 'kubernetes.StringsLib', new StringsLib());

  // strings
  env
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
      const cps = [...s];
      if (i < 0n || i > BigInt(cps.length)) throw celError(`index out of range: ${i}`);
      return cps[Number(i)] ?? '';
    })
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b))
    .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
      if (n < 0n) return s.split(a).join(b);
      let out = s;
      let from = 0;
      for (let k = 0n; k < n; k++) {
        const at = out.indexOf(a, from);
        if (at < 0) break;
        out = out.slice(0, at) + b + out.slice(at + a.length);
        from = at + b.length;
      }
      return out;
    })
    .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''))
    .registerFunction('string.format(list): string', (s: string, l: unknown[]) => formatString(s, l))
    .registerFunction('kubernetes.StringsLib.quote(string): string', (_l: unknown, s: string) => JSON.stringify(s));

  // lists
  env
    .registerFunction('list<A>.isSorted(): bool', (l: unknown[]) => l.every((x, i) => i === 0 || cmp(l[i - 1], x) <= 0))
    .registerFunction('list<A>.indexOf(A): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((y) => celEquals(y, x))))
    .registerFunction('list<A>.lastIndexOf(A): int', (l: unknown[], x: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (celEquals(l[i], x)) return BigInt(i);
      return -1n;
    })
    .registerFunction('list<A>.slice(int, int): list<A>', (l: unknown[], a: bigint, b: bigint) => {
      if (a < 0n || b < a || b > BigInt(l.length)) throw celError(`cannot slice(${a}, ${b}), invalid range`);
      return l.slice(Number(a), Number(b));
    })
    .registerFunction('list<dyn>.flatten(): list<dyn>', (l: unknown[]) => l.flatMap((x) => (Array.isArray(x) ? x : [x])))
    .registerFunction('list<A>.distinct(): list<A>', (l: unknown[]) => l.filter((x, i) => l.findIndex((y) => celEquals(x, y)) === i))
    .registerFunction('list<A>.reverse(): list<A>', (l: unknown[]) => [...l].reverse());

  // sum/min/max per element type: a generic `A` result leaves dyn lists ambiguous in the
  // library's checker (`l.min() + l.max()` would not compile).
  const sum = (l: unknown[]) => {
    if (l.length === 0) return 0n;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return l.reduce((a: any, b: any) => a + b);
  };
  const min = (l: unknown[]) => {
    if (l.length === 0) throw celError('min called on empty list');
    return l.reduce((a, b) => (cmp(b, a) < 0 ? b : a));
  };
  const max = (l: unknown[]) => {
    if (l.length === 0) throw celError('max called on empty list');
    return l.reduce((a, b) => (cmp(b, a) > 0 ? b : a));
  };
  for (const t of ['int', 'uint', 'double', 'dyn']) env.registerFunction(`list<${t}>.sum(): ${t}`, sum);
  for (const t of ['int', 'uint', 'double', 'string', 'bool', 'bytes', 'google.protobuf.Timestamp', 'google.protobuf.Duration', 'dyn']) {
    env.registerFunction(`list<${t}>.min(): ${t}`, min).registerFunction(`list<${t}>.max(): ${t}`, max);
  }

  // sets
  env
    .registerFunction('kubernetes.SetsLib.contains(list, list): bool', (_s: unknown, a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => celEquals(x, y))))
    .registerFunction('kubernetes.SetsLib.equivalent(list, list): bool', (_s: unknown, a: unknown[], b: unknown[]) =>
      b.every((x) => a.some((y) => celEquals(x, y))) && a.every((x) => b.some((y) => celEquals(x, y))))
    .registerFunction('kubernetes.SetsLib.intersects(list, list): bool', (_s: unknown, a: unknown[], b: unknown[]) => b.some((x) => a.some((y) => celEquals(x, y))));

  // regex
  env
    .registerFunction('string.find(string): string', (s: string, re: string) => new RegExp(re, 'u').exec(s)?.[0] ?? '')
    .registerFunction('string.findAll(string): list<string>', (s: string, re: string) => [...s.matchAll(new RegExp(re, 'gu'))].map((m) => m[0]))
    .registerFunction('string.findAll(string, int): list<string>', (s: string, re: string, n: bigint) => {
      const all = [...s.matchAll(new RegExp(re, 'gu'))].map((m) => m[0]);
      return n < 0n ? all : all.slice(0, Number(n));
    });

  // url
  env
    .registerFunction('url(string): kubernetes.URL', (s: string) => mustURL(s))
    .registerFunction('isURL(string): bool', (s: string) => tryURL(s) !== undefined)
    .registerFunction('kubernetes.URL.getScheme(): string', (u: KubeURL) => (u.raw.startsWith('/') ? '' : u.url.protocol.replace(/:$/, '')))
    .registerFunction('kubernetes.URL.getHost(): string', (u: KubeURL) => (u.raw.startsWith('/') ? '' : u.url.host))
    .registerFunction('kubernetes.URL.getHostname(): string', (u: KubeURL) => (u.raw.startsWith('/') ? '' : u.url.hostname.replace(/^\[(.*)\]$/, '$1')))
    .registerFunction('kubernetes.URL.getPort(): string', (u: KubeURL) => {
      if (u.raw.startsWith('/')) return '';
      // WHATWG URL drops default ports; kube keeps what was written
      const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?/.exec(u.raw);
      return m?.[2] ?? '';
    })
    .registerFunction('kubernetes.URL.getEscapedPath(): string', (u: KubeURL) => u.url.pathname)
    .registerFunction('kubernetes.URL.getQuery(): map<string, list<string>>', (u: KubeURL) => {
      const out: Record<string, string[]> = {};
      for (const [k, v] of u.url.searchParams) (out[k] ??= []).push(v);
      return out;
    });

  // quantity
  const qv = (q: KubeQuantity | bigint): number => (typeof q === 'bigint' ? Number(q) : q.value);
  env
    .registerFunction('quantity(string): kubernetes.Quantity', (s: string) => mustQuantity(s))
    .registerFunction('isQuantity(string): bool', (s: string) => isValidQuantity(s))
    .registerFunction('kubernetes.Quantity.sign(): int', (q: KubeQuantity) => BigInt(Math.sign(q.value)))
    .registerFunction('kubernetes.Quantity.isInteger(): bool', (q: KubeQuantity) => Number.isInteger(q.value) && Number.isSafeInteger(q.value))
    .registerFunction('kubernetes.Quantity.asInteger(): int', (q: KubeQuantity) => {
      if (!Number.isInteger(q.value) || !Number.isSafeInteger(q.value)) throw celError('cannot convert value to integer');
      return BigInt(q.value);
    })
    .registerFunction('kubernetes.Quantity.asApproximateFloat(): double', (q: KubeQuantity) => q.value)
    .registerFunction('kubernetes.Quantity.add(kubernetes.Quantity): kubernetes.Quantity', (a: KubeQuantity, b: KubeQuantity) => new KubeQuantity(String(a.value + b.value), a.value + b.value))
    .registerFunction('kubernetes.Quantity.add(int): kubernetes.Quantity', (a: KubeQuantity, b: bigint) => new KubeQuantity(String(a.value + qv(b)), a.value + qv(b)))
    .registerFunction('kubernetes.Quantity.sub(kubernetes.Quantity): kubernetes.Quantity', (a: KubeQuantity, b: KubeQuantity) => new KubeQuantity(String(a.value - b.value), a.value - b.value))
    .registerFunction('kubernetes.Quantity.sub(int): kubernetes.Quantity', (a: KubeQuantity, b: bigint) => new KubeQuantity(String(a.value - qv(b)), a.value - qv(b)))
    .registerFunction('kubernetes.Quantity.isGreaterThan(kubernetes.Quantity): bool', (a: KubeQuantity, b: KubeQuantity) => a.value > b.value)
    .registerFunction('kubernetes.Quantity.isLessThan(kubernetes.Quantity): bool', (a: KubeQuantity, b: KubeQuantity) => a.value < b.value)
    .registerFunction('kubernetes.Quantity.compareTo(kubernetes.Quantity): int', (a: KubeQuantity, b: KubeQuantity) => BigInt(Math.sign(a.value - b.value)));

  // ip / cidr
  const isPrivateLinkLocalUnicast = (ip: KubeIP) => (ip.family === 4 ? ip.bytes[0] === 169 && ip.bytes[1] === 254 : ip.bytes[0] === 0xfe && (ip.bytes[1]! & 0xc0) === 0x80);
  env
    .registerFunction('ip(string): net.IP', (s: string) => mustIP(s))
    .registerFunction('isIP(string): bool', (s: string) => parseIP(s) !== undefined)
    .registerFunction('net.IP.family(): int', (ip: KubeIP) => BigInt(ip.family))
    .registerFunction('net.IP.isUnspecified(): bool', (ip: KubeIP) => ipOf(ip).every((b) => b === 0))
    .registerFunction('net.IP.isLoopback(): bool', (ip: KubeIP) => (ip.family === 4 ? ip.bytes[0] === 127 : ip.bytes.slice(0, 15).every((b) => b === 0) && ip.bytes[15] === 1))
    .registerFunction('net.IP.isLinkLocalMulticast(): bool', (ip: KubeIP) => (ip.family === 4 ? ip.bytes[0] === 224 && ip.bytes[1] === 0 && ip.bytes[2] === 0 : ip.bytes[0] === 0xff && (ip.bytes[1]! & 0x0f) === 0x02))
    .registerFunction('net.IP.isLinkLocalUnicast(): bool', (ip: KubeIP) => isPrivateLinkLocalUnicast(ip))
    .registerFunction('net.IP.isGlobalUnicast(): bool', (ip: KubeIP) => {
      const b = ip.bytes;
      if (b.every((x) => x === 0)) return false;
      if (ip.family === 4) return !(b[0] === 127 || b[0]! >= 224 || (b[0] === 169 && b[1] === 254) || b.every((x) => x === 255));
      return !(b[0] === 0xff || isPrivateLinkLocalUnicast(ip) || (b.slice(0, 15).every((x) => x === 0) && b[15] === 1));
    })
    .registerFunction('string(net.IP): string', (ip: KubeIP) => ip.text)
    .registerFunction('cidr(string): net.CIDR', (s: string) => mustCIDR(s))
    .registerFunction('isCIDR(string): bool', (s: string) => parseCIDR(s) !== undefined)
    .registerFunction('net.CIDR.containsIP(net.IP): bool', (c: KubeCIDR, ip: KubeIP) => cidrContains(c, ip))
    .registerFunction('net.CIDR.containsIP(string): bool', (c: KubeCIDR, s: string) => cidrContains(c, mustIP(s)))
    .registerFunction('net.CIDR.containsCIDR(net.CIDR): bool', (c: KubeCIDR, o: KubeCIDR) => o.prefix >= c.prefix && cidrContains(c, o.ip))
    .registerFunction('net.CIDR.containsCIDR(string): bool', (c: KubeCIDR, s: string) => { const o = mustCIDR(s); return o.prefix >= c.prefix && cidrContains(c, o.ip); })
    .registerFunction('net.CIDR.prefixLength(): int', (c: KubeCIDR) => BigInt(c.prefix))
    .registerFunction('net.CIDR.ip(): net.IP', (c: KubeCIDR) => c.ip)
    .registerFunction('net.CIDR.masked(): net.CIDR', (c: KubeCIDR) => {
      const ip = new KubeIP(maskBytes(c.ip.bytes, c.prefix), formatIP(maskBytes(c.ip.bytes, c.prefix)));
      return new KubeCIDR(ip, c.prefix, `${ip.text}/${c.prefix}`);
    })
    .registerFunction('string(net.CIDR): string', (c: KubeCIDR) => c.text);

  // format
  env.registerFunction('kubernetes.FormatLib.named(string): optional<kubernetes.NamedFormat>', (_f: unknown, name: string) =>
    namedFormats[name] ? Optional.of(new NamedFormat(name, namedFormats[name]!)) : Optional.none());
  for (const [name, check] of Object.entries(namedFormats)) {
    env.registerFunction(`kubernetes.FormatLib.${name}(): kubernetes.NamedFormat`, () => new NamedFormat(name, check));
  }
  env.registerFunction('kubernetes.NamedFormat.validate(string): optional<list<string>>', (f: NamedFormat, s: string) => {
    const errs = f.check(s);
    return errs.length ? Optional.of(errs) : Optional.none();
  });
  return env;
}
