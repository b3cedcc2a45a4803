import { isIP } from 'node:net';
import { lookup } from './lookup.js';
import { ndotsOf, resolvConfFor, type PodForDns, type ResolvConf, type ResolvConfOptions } from './resolv-conf.js';
import type { LookupResult, QType } from './types.js';
import type { DnsView } from './view.js';
import type { ZoneOptions } from './zone.js';

/** One name a resolver asked, and the answer it got. */
export interface SearchAttempt {
  name: string;
  result: LookupResult;
}

export interface SearchResult {
  /** The attempt that decided the outcome (the last one). */
  final: SearchAttempt;
  /** Every name tried, in order. */
  attempts: SearchAttempt[];
  /** True when the final answer holds records of the type asked (or a CNAME to follow). */
  found: boolean;
}

export interface SearchOptions extends ZoneOptions {
  /**
   * Which C library's search rules: `musl` (busybox and alpine images, what the simulated
   * shell is) or `glibc` (debian, ubuntu…). Default musl.
   */
  resolver?: 'musl' | 'glibc';
}

const hasAnswers = (r: LookupResult): boolean => r.rcode === 'NOERROR' && r.answers.length > 0;

/**
 * Resolves `name` through the search list and ndots of a resolv.conf, with the cluster DNS
 * as the only server (what every pod's resolver talks to).
 *
 * musl (lookup_name.c name_from_dns_search): a name ending in a dot, or with at least
 * ndots dots, is asked as it is and only so; otherwise each search domain is appended in
 * turn, moving on only after NXDOMAIN; any other answer (records, NODATA, REFUSED) ends the
 * search; after the list, the name is asked as it is.
 *
 * glibc (res_search): a name with at least ndots dots is asked as it is first; then (for
 * names that are not absolute) the search domains, moving on after NXDOMAIN and NODATA;
 * then the bare name if not tried yet. REFUSED or SERVFAIL ends the search.
 */
export function resolveWithSearch(view: DnsView, name: string, conf: ResolvConf, qtype: QType = 'A', options: SearchOptions = {}): SearchResult {
  const attempts: SearchAttempt[] = [];
  const ask = (n: string): SearchAttempt => {
    const a = { name: n, result: lookup(view, n, qtype, options) };
    attempts.push(a);
    return a;
  };
  const done = (a: SearchAttempt): SearchResult => ({ final: a, attempts, found: hasAnswers(a.result) });

  const absolute = name.endsWith('.');
  const bare = absolute ? name.slice(0, -1) : name;
  const dots = (bare.match(/\./g) ?? []).length;
  const ndots = ndotsOf(conf);

  if (options.resolver === 'glibc') {
    let triedAsIs = false;
    if (absolute || dots >= ndots) {
      const a = ask(bare);
      triedAsIs = true;
      if (hasAnswers(a.result) || absolute) return done(a);
      if (a.result.rcode !== 'NXDOMAIN' && a.result.rcode !== 'NOERROR') return done(a);
    }
    for (const domain of conf.searches) {
      const a = ask(`${bare}.${domain}`);
      if (hasAnswers(a.result)) return done(a);
      if (a.result.rcode !== 'NXDOMAIN' && a.result.rcode !== 'NOERROR') return done(a);
    }
    if (!triedAsIs) return done(ask(bare));
    return done(attempts[attempts.length - 1]!);
  }

  if (!absolute && dots < ndots) {
    for (const domain of conf.searches) {
      const a = ask(`${bare}.${domain}`);
      if (a.result.rcode !== 'NXDOMAIN') return done(a);
    }
  }
  return done(ask(bare));
}

/** The addresses a resolver returns for `name` ([] when it does not resolve): what `wget`/`curl` connect to. */
export function resolveAddresses(view: DnsView, name: string, conf: ResolvConf, options: SearchOptions = {}): string[] {
  // An address literal is not looked up (getaddrinfo with AI_NUMERICHOST semantics).
  if (isIP(name)) return [name];
  const r = resolveWithSearch(view, name, conf, 'A', options);
  return r.final.result.answers.flatMap((rec) => (rec.type === 'A' ? [rec.data] : []));
}

/**
 * `resolveName(name, fromPod)` for the simulated request path: the pod's resolv.conf
 * (its dnsPolicy and dnsConfig), then the search rules, then the A records found.
 * A pod whose resolver does not point at the cluster DNS (dnsPolicy Default, None without
 * the cluster nameserver) resolves nothing but address literals: the node's upstream is
 * not simulated.
 */
export function resolveNameFor(view: DnsView, name: string, pod: PodForDns, options: SearchOptions & ResolvConfOptions = {}): string[] {
  if (isIP(name)) return [name];
  const conf = resolvConfFor(pod, options);
  const clusterDNS = options.nameserver ?? '10.96.0.10';
  if (!conf.nameservers.includes(clusterDNS)) return [];
  return resolveAddresses(view, name, conf, options);
}
