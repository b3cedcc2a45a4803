import { isIP } from 'node:net';
import { formatDig, rdataText } from './format-dig.js';
import { busyboxNslookup, type CommandOutput } from './format-nslookup.js';
import { lookup } from './lookup.js';
import { resolvConfFor, type PodForDns, type ResolvConf, type ResolvConfOptions } from './resolv-conf.js';
import { reverseName } from './reverse.js';
import { resolveWithSearch } from './search.js';
import type { DnsView } from './view.js';
import type { ZoneOptions } from './zone.js';

/**
 * `nslookup …` and `dig …` as command lines, for the simulated shell (kubelet-sim's
 * NetHost.nslookup / NetHost.dig): argument parsing in the programs' own terms, then the
 * pure lookups and formatters. Only the cluster DNS answers; any other server times out,
 * as it would from a pod whose network reaches nothing else.
 */

export interface CommandOptions extends ZoneOptions {
  /** The cluster DNS Service IP (kubelet --cluster-dns); default 10.96.0.10. */
  clusterDNS?: string;
  /** Wall clock for dig's WHEN line (the injected clock). */
  nowMs?: () => number;
  /** [0, 1) for dig's message ids (seed it for replayable output). */
  random?: () => number;
}

const NSLOOKUP_USAGE = 'BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,any\n';
const QUERY_TYPES = ['A', 'AAAA', 'SRV', 'PTR', 'CNAME', 'SOA', 'NS', 'TXT', 'MX', 'ANY'];

/** busybox `nslookup [-type=T] HOST [SERVER]`. */
export function nslookupCommand(view: DnsView, args: string[], conf: ResolvConf, options: CommandOptions = {}): CommandOutput {
  let type: string | undefined;
  const positional: string[] = [];
  for (const a of args) {
    const m = /^-(?:type|querytype|query|q|t)=(.*)$/i.exec(a);
    if (m) {
      type = m[1]!.toUpperCase();
      if (!QUERY_TYPES.includes(type)) return { stdout: `nslookup: invalid query type "${m[1]}"\n`, exitCode: 1 };
    } else if (a === '-debug' || a.startsWith('-retry=') || a.startsWith('-timeout=') || a.startsWith('-port=')) continue;
    else if (a.startsWith('-')) return { stdout: NSLOOKUP_USAGE, exitCode: 1 };
    else positional.push(a);
  }
  if (positional.length < 1 || positional.length > 2) return { stdout: NSLOOKUP_USAGE, exitCode: 1 };
  return busyboxNslookup(view, positional[0]!, conf, {
    ...options,
    ...(positional[1] ? { server: positional[1] } : {}),
    ...(type ? { type } : {}),
  });
}

/** `dig [@server] [-p port] [-t type] [-x addr] [+short] [+tcp] [+search] name [type]` (BIND 9.18). */
export function digCommand(view: DnsView, args: string[], conf: ResolvConf, options: CommandOptions = {}): CommandOutput {
  let server: string | undefined;
  let port = 53;
  let type: string | undefined;
  let name: string | undefined;
  let short = false;
  let tcp = false;
  let search = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('@')) server = a.slice(1);
    else if (a === '-p') port = Number(args[++i]);
    else if (a === '-t') type = (args[++i] ?? '').toUpperCase();
    else if (a === '-x') {
      const addr = args[++i] ?? '';
      const rev = reverseName(addr);
      if (!rev) return { stdout: `dig: '${addr}' is not a legal IPv4 or IPv6 address\n`, exitCode: 1 };
      name = rev;
      type ??= 'PTR';
    } else if (a === '+short') short = true;
    else if (a === '+tcp' || a === '+vc') tcp = true;
    else if (a === '+search') search = true;
    else if (a.startsWith('+')) continue; // display options this simulation does not vary
    else if (a.startsWith('-')) return { stdout: `Invalid option: ${a}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n`, exitCode: 1 };
    else if (name !== undefined && QUERY_TYPES.includes(a.toUpperCase())) type = a.toUpperCase();
    else if (a.toUpperCase() === 'IN') continue;
    else name ??= a;
  }
  // dig with no name asks the root NS: outside the cluster zone, so REFUSED here.
  const qname = name ?? '.';
  const qtype = type ?? (name ? 'A' : 'NS');
  if (!QUERY_TYPES.includes(qtype)) return { stdout: `;; Warning, ignoring invalid type ${qtype}\n`, exitCode: 1 };
  const target = server ?? conf.nameservers[0] ?? '127.0.0.1';
  const clusterDNS = options.clusterDNS ?? '10.96.0.10';
  const banner = args.join(' ');
  if (target !== clusterDNS || !Number.isInteger(port) || port !== 53) {
    const where = `${target}#${port}`;
    return {
      stdout: `;; communications error to ${where}: timed out\n;; communications error to ${where}: timed out\n;; communications error to ${where}: timed out\n\n; <<>> DiG 9.18.33-1~deb12u2-Debian <<>> ${banner}\n${server ? '; (1 server found)\n' : ''};; global options: +cmd\n;; no servers could be reached\n`,
      exitCode: 9,
    };
  }
  const asked = search && name && isIP(name) === 0 ? resolveWithSearch(view, name, conf, qtype, { ...options, resolver: 'glibc' }).final.name : qname === '.' ? '' : qname;
  const result = lookup(view, asked, qtype, options);
  if (short) return { stdout: result.answers.map((r) => `${rdataText(r)}\n`).join(''), exitCode: 0 };
  return {
    stdout: formatDig(asked === '' ? '.' : asked, qtype, result, {
      server: target,
      port,
      transport: tcp ? 'TCP' : 'UDP',
      nowMs: options.nowMs?.() ?? 0,
      id: Math.floor((options.random?.() ?? 0) * 65536),
      args: banner,
      serverGiven: server !== undefined,
    }),
    exitCode: 0,
  };
}

/**
 * The request path's `resolveName(name, fromPod)` (network/data-path-types.ts): the pod's
 * resolv.conf and the musl search rules; without a pod (a request from the node) only
 * address literals resolve, since the node's resolver is not simulated.
 */
export function clusterResolver(view: DnsView, options: CommandOptions & ResolvConfOptions = {}): (name: string, fromPod: PodForDns | undefined) => string[] | undefined {
  const clusterDNS = options.clusterDNS ?? options.nameserver ?? '10.96.0.10';
  return (name, fromPod) => {
    if (isIP(name)) return [name];
    if (fromPod === undefined) return undefined;
    const conf = resolvConfFor(fromPod, { ...options, nameserver: clusterDNS });
    if (!conf.nameservers.includes(clusterDNS)) return undefined;
    const r = resolveWithSearch(view, name, conf, 'A', options);
    const ips = r.final.result.answers.flatMap((rec) => (rec.type === 'A' ? [rec.data] : []));
    return ips.length > 0 ? ips : undefined;
  };
}
