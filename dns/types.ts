/**
 * The data the cluster DNS answers with. Records use dns-packet's answer shape so the
 * loopback server encodes them as they are, and the simulated shell (nslookup, dig, wget)
 * formats the same objects: one computation, two presentations.
 */

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

/** The query types the cluster zone gives answers for; any other type is asked as `string`. */
export type QType = 'A' | 'AAAA' | 'SRV' | 'PTR' | 'CNAME' | 'SOA' | 'NS' | 'TXT' | 'MX' | 'ANY' | string;

export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

interface RecordBase {
  /** Owner name without the trailing dot, as dns-packet writes names. */
  name: string;
  ttl: number;
  class: 'IN';
}

export type DnsRecord =
  | (RecordBase & { type: 'A' | 'AAAA' | 'CNAME' | 'PTR' | 'NS'; data: string })
  | (RecordBase & { type: 'SRV'; data: SrvData })
  | (RecordBase & { type: 'SOA'; data: SoaData })
  | (RecordBase & { type: 'TXT'; data: string[] });

/** What a DNS server says about one question (CoreDNS's kubernetes plugin, as configured by kubeadm). */
export interface LookupResult {
  rcode: Rcode;
  /** The AA bit: true for names in the zones this server holds. */
  authoritative: boolean;
  answers: DnsRecord[];
  /** SOA of the zone on NXDOMAIN and NODATA answers (negative caching, RFC 2308). */
  authority: DnsRecord[];
  /** A/AAAA of SRV targets and of the NS name, as CoreDNS adds them. */
  additionals: DnsRecord[];
}
