import { isIP } from 'node:net';
import { lookup } from './lookup.js';
import type { ResolvConf } from './resolv-conf.js';
import { namesForAddress, reverseName } from './reverse.js';
import { resolveWithSearch } from './search.js';
import type { DnsRecord, LookupResult } from './types.js';
import type { DnsView } from './view.js';
import type { ZoneOptions } from './zone.js';

/**
 * busybox's `nslookup` (the "big" applet of busybox 1.30–1.37, the one in the busybox
 * images): it sends its own queries instead of using the C library, so it has its own
 * search rule: a name without a dot is asked once under every search domain, a name with a
 * dot only as it is (ndots is ignored). With no type given it asks A and AAAA, and an IP
 * address is asked as PTR. Each reply is printed as it comes.
 */

export interface NslookupOptions extends ZoneOptions {
  /** The server given on the command line (`nslookup NAME SERVER`); default the first nameserver of resolv.conf. */
  server?: string;
  /** `-type=X`; default A then AAAA (PTR for an address). */
  type?: string;
  /** The cluster DNS Service IP: the only server that answers in the simulation; default 10.96.0.10. */
  clusterDNS?: string;
}

export interface CommandOutput {
  stdout: string;
  exitCode: number;
}

/** The queries busybox sends for `nslookup name`, in order. */
export function nslookupQueries(name: string, conf: ResolvConf, type?: string): { name: string; type: string }[] {
  const ptr = isIP(name) ? reverseName(name) : undefined;
  if (!type && ptr) return [{ name: ptr, type: 'PTR' }];
  const withSearch = (t: string): { name: string; type: string }[] => {
    if (t === 'PTR' || conf.searches.length === 0 || name.includes('.')) return [{ name, type: t }];
    return conf.searches.map((d) => ({ name: `${name}.${d}`, type: t }));
  };
  if (type) return withSearch(type.toUpperCase());
  return [...withSearch('A'), ...withSearch('AAAA')];
}

/** One answer record as busybox's parse_reply prints it ('' for types it does not print). */
function formatRecord(rec: DnsRecord): string {
  switch (rec.type) {
    case 'A':
    case 'AAAA':
      return `Name:\t${rec.name}\nAddress: ${rec.data}\n`;
    case 'NS':
      return `${rec.name}\tnameserver = ${rec.data}\n`;
    case 'CNAME':
      return `${rec.name}\tcanonical name = ${rec.data}\n`;
    case 'PTR':
      return `${rec.name}\tname = ${rec.data}\n`;
    case 'TXT':
      return `${rec.name}\ttext = "${rec.data.join('')}"\n`;
    case 'SOA':
      return (
        `${rec.name}\n\torigin = ${rec.data.mname}\n\tmail addr = ${rec.data.rname}\n\tserial = ${rec.data.serial}\n` +
        `\trefresh = ${rec.data.refresh}\n\tretry = ${rec.data.retry}\n\texpire = ${rec.data.expire}\n\tminimum = ${rec.data.minimum}\n`
      );
    default:
      // busybox prints nothing for SRV answers (it only counts them).
      return '';
  }
}

/** The printed reply to one query: an rcode line, the records, or "No answer". */
export function formatNslookupReply(name: string, result: LookupResult): string {
  if (result.rcode !== 'NOERROR') return `** server can't find ${name}: ${result.rcode}\n\n`;
  let out = result.authoritative ? '' : 'Non-authoritative answer:\n';
  if (result.answers.length === 0) return `${out}*** Can't find ${name}: No answer\n\n`;
  for (const rec of result.answers) out += formatRecord(rec);
  return out + '\n';
}

export function busyboxNslookup(view: DnsView, name: string, conf: ResolvConf, options: NslookupOptions = {}): CommandOutput {
  const server = options.server ?? conf.nameservers[0] ?? '127.0.0.1';
  const clusterDNS = options.clusterDNS ?? '10.96.0.10';
  // Only the cluster DNS answers inside the simulation; any other server never replies.
  if (server !== clusterDNS) return { stdout: ';; connection timed out; no servers could be reached\n\n', exitCode: 1 };
  let out = `Server:\t\t${server}\nAddress:\t${server.includes(':') ? `[${server}]` : server}:53\n\n`;
  let answered = false;
  for (const q of nslookupQueries(name, conf, options.type)) {
    const result = lookup(view, q.name, q.type, options);
    if (result.rcode === 'NOERROR' && result.answers.length > 0) answered = true;
    out += formatNslookupReply(q.name, result);
  }
  return { stdout: out, exitCode: answered ? 0 : 1 };
}

/**
 * Which `nslookup` an image has, which decides whether `nslookup kubernetes.default`
 * resolves:
 * - `busybox`: busybox ≥ 1.29 (busybox:latest, 1.36…): its own queries, a dotted name is
 *   asked only as it is, so `kubernetes.default` is NXDOMAIN — the well-known failure;
 * - `busybox-libc`: busybox ≤ 1.28 (`busybox:1.28`, the image Kubernetes' DNS debugging
 *   page uses): the C library's resolver, resolv.conf's search list with ndots:5, so
 *   `kubernetes.default` resolves as `kubernetes.default.svc.cluster.local`;
 * - `bind`: BIND's nslookup (dnsutils, jessie-dnsutils, debian/ubuntu images with
 *   dnsutils): the search list with ndots as well, in BIND's output format.
 */
export type NslookupFlavour = 'busybox' | 'busybox-libc' | 'bind';

export function nslookupFlavour(image: string): NslookupFlavour {
  const ref = image.split('@')[0]!;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const repo = colon > slash ? ref.slice(0, colon) : ref;
  const tag = colon > slash ? ref.slice(colon + 1) : 'latest';
  const name = repo.slice(repo.lastIndexOf('/') + 1);
  if (/dnsutils|dnstools|netshoot|debian|ubuntu/.test(name)) return 'bind';
  if (name === 'busybox') {
    const m = /^(\d+)\.(\d+)/.exec(tag);
    if (m && (Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) <= 28))) return 'busybox-libc';
  }
  return 'busybox';
}

/** `nslookup NAME` as the image's nslookup prints it (see NslookupFlavour). */
export function imageNslookup(view: DnsView, image: string, name: string, conf: ResolvConf, options: NslookupOptions = {}): CommandOutput {
  const flavour = nslookupFlavour(image);
  if (flavour === 'busybox' || options.type || isIP(name)) return busyboxNslookup(view, name, conf, options);
  const server = options.server ?? conf.nameservers[0] ?? '127.0.0.1';
  const clusterDNS = options.clusterDNS ?? '10.96.0.10';
  const zone = options.clusterDomain ?? 'cluster.local';
  if (server !== clusterDNS) {
    return flavour === 'bind'
      ? { stdout: ';; connection timed out; no servers could be reached\n\n', exitCode: 1 }
      : { stdout: `Server:    ${server}\nAddress 1: ${server}\n\nnslookup: can't resolve '${name}'\n`, exitCode: 1 };
  }
  const found = resolveWithSearch(view, name, conf, 'A', { ...options, resolver: 'glibc' });
  const addresses = found.found ? found.final.result.answers.filter((r) => r.type === 'A').map((r) => r.data as string) : [];
  const fqdn = found.final.name.replace(/\.$/, '');
  if (flavour === 'bind') {
    let out = `Server:\t\t${server}\nAddress:\t${server}#53\n\n`;
    if (addresses.length === 0) return { stdout: `${out}** server can't find ${name}: NXDOMAIN\n\n`, exitCode: 1 };
    for (const a of addresses) out += `Name:\t${fqdn}\nAddress: ${a}\n`;
    return { stdout: `${out}\n`, exitCode: 0 };
  }
  // busybox 1.28: "Address N: IP NAME", the names from reverse lookups (PTR) of each address.
  const ptrName = (ip: string): string => namesForAddress(view, ip, zone)[0] ?? '';
  const addrLine = (i: number, ip: string): string => `Address ${i}: ${ip}${ptrName(ip) ? ` ${ptrName(ip)}` : ''}\n`;
  let out = `Server:    ${server}\n${addrLine(1, server)}\n`;
  if (addresses.length === 0) return { stdout: `${out}nslookup: can't resolve '${name}'\n`, exitCode: 1 };
  out += `Name:      ${name}\n`;
  addresses.forEach((a, i) => (out += addrLine(i + 1, a)));
  return { stdout: out, exitCode: 0 };
}
