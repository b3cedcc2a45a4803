import { isIP } from 'node:net';
import { findPods, findServices, isAddressOfFamily, NO_ITEMS, parseRequest, type RecordItem } from './cluster-records.js';
import { addressFromReverse, namesForAddress } from './reverse.js';
import type { DnsRecord, LookupResult, QType, SrvData } from './types.js';
import type { DnsView } from './view.js';
import { DEFAULT_CLUSTER_DOMAIN, DEFAULT_TTL, DNS_SCHEMA_VERSION, normalizeName, soaRecord, trimZone, type ZoneOptions } from './zone.js';

/** CNAME chains longer than this stop being followed (CoreDNS's limit on in-zone chasing). */
const MAX_CNAME_CHAIN = 8;

/**
 * Answers one question as the cluster's CoreDNS does with kubeadm's Corefile, for the
 * zones it is authoritative for (the cluster domain, in-addr.arpa, ip6.arpa). Any other
 * name gets REFUSED: Kubeling forwards nowhere (a real cluster forwards to the node's
 * resolver; no simulated name may be dialled out of the machine), and REFUSED is what a
 * resolver says when it will not answer, so `dig` prints `status: REFUSED` and a shell's
 * resolver gives up at once instead of waiting for a timeout.
 *
 * Pure: the same view, name and type always give the same answer.
 */
export function lookup(view: DnsView, qname: string, qtype: QType, options: ZoneOptions = {}): LookupResult {
  const zone = normalizeName(options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
  const ttl = options.ttl ?? DEFAULT_TTL;
  const name = normalizeName(qname);
  const asked = qname.endsWith('.') ? qname.slice(0, -1) : qname;
  const type = qtype.toUpperCase();

  for (const reverseZone of ['in-addr.arpa', 'ip6.arpa']) {
    if (trimZone(name, reverseZone) !== undefined) return reverseLookup(view, asked, name, type, reverseZone, zone, ttl);
  }
  const base = trimZone(name, zone);
  if (base === undefined) return { rcode: 'REFUSED', authoritative: false, answers: [], authority: [], additionals: [] };
  return zoneLookup(view, asked, base, type, zone, ttl, options, 0);
}

function negative(rcode: 'NXDOMAIN' | 'NOERROR', zone: string, ttl: number, view: DnsView): LookupResult {
  return { rcode, authoritative: true, answers: [], authority: [soaRecord(zone, ttl, view.serial())], additionals: [] };
}

function positive(answers: DnsRecord[], additionals: DnsRecord[] = []): LookupResult {
  return { rcode: 'NOERROR', authoritative: true, answers, authority: [], additionals };
}

function nameserverIP(view: DnsView, options: ZoneOptions): string | undefined {
  if (options.nameserverIP) return options.nameserverIP;
  const ip = view.service('kube-system', 'kube-dns')?.spec?.clusterIP;
  return ip && ip !== 'None' ? ip : undefined;
}

function zoneLookup(view: DnsView, asked: string, base: string, type: string, zone: string, ttl: number, options: ZoneOptions, depth: number): LookupResult {
  // The apex: SOA and NS exist, everything else is NODATA.
  if (base === '') {
    if (type === 'SOA') return positive([soaRecord(zone, ttl, view.serial())]);
    if (type === 'NS') {
      const ns = `ns.dns.${zone}`;
      const ip = nameserverIP(view, options);
      const glue: DnsRecord[] = ip ? [{ name: ns, type: isIP(ip) === 6 ? 'AAAA' : 'A', ttl, class: 'IN', data: ip }] : [];
      return positive([{ name: zone, type: 'NS', ttl, class: 'IN', data: ns }], glue);
    }
    return negative('NOERROR', zone, ttl, view);
  }
  if (base === 'dns-version') {
    return type === 'TXT' ? positive([{ name: asked, type: 'TXT', ttl, class: 'IN', data: [DNS_SCHEMA_VERSION] }]) : negative('NOERROR', zone, ttl, view);
  }
  if (base === 'ns.dns') {
    const ip = nameserverIP(view, options);
    if (!ip) return negative('NXDOMAIN', zone, ttl, view);
    const family = isIP(ip) === 6 ? 'AAAA' : 'A';
    return type === family ? positive([{ name: asked, type: family, ttl, class: 'IN', data: ip }]) : negative('NOERROR', zone, ttl, view);
  }

  const r = parseRequest(base);
  if (r === NO_ITEMS) return negative('NXDOMAIN', zone, ttl, view);
  if (r.podOrSvc === '') return negative('NOERROR', zone, ttl, view);
  const items = r.podOrSvc === 'pod' ? findPods(view, r, zone) : findServices(view, r, zone);
  if (items === NO_ITEMS) return negative('NXDOMAIN', zone, ttl, view);

  const answers: DnsRecord[] = [];
  const additionals: DnsRecord[] = [];
  switch (type) {
    case 'A':
    case 'AAAA': {
      const seen = new Set<string>();
      for (const item of items) {
        if (isIP(item.host) === 0) {
          chaseCname(view, asked, item.host, type, zone, ttl, options, depth, answers);
          continue;
        }
        if (!isAddressOfFamily(item.host, type) || seen.has(item.host)) continue;
        seen.add(item.host);
        answers.push({ name: asked, type, ttl, class: 'IN', data: item.host });
      }
      break;
    }
    case 'SRV':
      srvRecords(asked, items, ttl, answers, additionals);
      break;
    case 'CNAME':
      for (const item of items) if (isIP(item.host) === 0) answers.push({ name: asked, type: 'CNAME', ttl, class: 'IN', data: item.host });
      break;
    default:
      // Every other type: the name exists, so NODATA (CoreDNS decides NXDOMAIN vs NODATA with a fake A lookup).
      break;
  }
  return answers.length > 0 ? positive(answers, additionals) : negative('NOERROR', zone, ttl, view);
}

/** An ExternalName's CNAME, followed inside the zone; a target outside it is left to the client (no upstream here). */
function chaseCname(view: DnsView, asked: string, target: string, type: string, zone: string, ttl: number, options: ZoneOptions, depth: number, answers: DnsRecord[]): void {
  answers.push({ name: asked, type: 'CNAME', ttl, class: 'IN', data: target });
  if (depth >= MAX_CNAME_CHAIN) return;
  const base = trimZone(normalizeName(target), zone);
  if (base === undefined) return;
  const next = zoneLookup(view, target, base, type, zone, ttl, options, depth + 1);
  answers.push(...next.answers);
}

/**
 * SRV answers as CoreDNS's plugin.SRV builds them: priority 0, weights splitting 100 among
 * the records (floor(100/n*100)/100, at least 1), target the owner name, and the target's
 * address in the additional section. Items without ports (-1) give no SRV.
 */
function srvRecords(asked: string, items: RecordItem[], ttl: number, answers: DnsRecord[], additionals: DnsRecord[]): void {
  const withPorts = items.filter((i) => i.port !== -1);
  const seen = new Set<string>();
  const unique = withPorts.filter((i) => {
    const k = `${i.owner}|${i.host}|${i.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  // Weights are shared out before duplicates (same target and port, e.g. 53/UDP and 53/TCP) are dropped, as CoreDNS does.
  const weight = Math.max(1, Math.floor((100 / (withPorts.length * 100)) * 100));
  const glue = new Set<string>();
  for (const item of unique) {
    const cname = isIP(item.host) === 0;
    const data: SrvData = { priority: 0, weight, port: item.port, target: cname ? item.host : item.owner };
    answers.push({ name: asked, type: 'SRV', ttl, class: 'IN', data });
    if (cname) continue;
    const k = `${item.owner}|${item.host}`;
    if (glue.has(k)) continue;
    glue.add(k);
    additionals.push({ name: item.owner, type: isIP(item.host) === 6 ? 'AAAA' : 'A', ttl, class: 'IN', data: item.host });
  }
}

function reverseLookup(view: DnsView, asked: string, name: string, type: string, reverseZone: string, zone: string, ttl: number): LookupResult {
  const nx = (): LookupResult => ({ rcode: 'NXDOMAIN', authoritative: true, answers: [], authority: [soaRecord(reverseZone, ttl, view.serial())], additionals: [] });
  // Only PTR questions have answers here; any other type on a reverse name is NXDOMAIN in CoreDNS.
  if (type !== 'PTR') return nx();
  const ip = addressFromReverse(name);
  if (!ip) return nx();
  const names = namesForAddress(view, ip, zone);
  if (names.length === 0) return nx();
  return positive(names.map((data) => ({ name: asked, type: 'PTR' as const, ttl, class: 'IN' as const, data })));
}
