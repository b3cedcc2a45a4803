import dnsPacket from 'dns-packet';
import type { DnsRecord, LookupResult } from './types.js';

/**
 * dig's default output (BIND 9.18, as Debian's dnsutils prints it) for one answer: the
 * header, flags, the OPT pseudo-section (dig sends EDNS by default), the sections in
 * master-file format with BIND's tab stops, and the trailer.
 */

export interface DigOptions {
  /** The message id shown in the header. */
  id?: number;
  /** The server asked and its port. */
  server: string;
  port?: number;
  /** `(UDP)` or `(TCP)` after the server. */
  transport?: 'UDP' | 'TCP';
  /** Wall clock of the query (ms since the epoch), for the WHEN line: from the injected clock. */
  nowMs: number;
  queryTimeMs?: number;
  /** The command line as typed after `dig`, echoed in the banner. */
  args?: string;
  /** True when the server was named with `@server`: dig then says how many addresses it found. */
  serverGiven?: boolean;
  version?: string;
}

/** The display column after `text`, with tabs every 8 columns. */
function columnOf(text: string): number {
  let col = 0;
  for (const ch of text) col = ch === '\t' ? (Math.floor(col / 8) + 1) * 8 : ch === '\n' ? 0 : col + 1;
  return col;
}

/**
 * Moves to `column` as BIND's master-file printer (masterdump.c indent) does: tabs to the
 * tab stop, then spaces; when already at or past it, one step forward (a tab if that lands
 * on a tab stop, else a space).
 */
function tabTo(text: string, column: number): string {
  let from = columnOf(text);
  const to = Math.max(column, from + 1);
  const tabs = Math.floor(to / 8) - Math.floor(from / 8);
  let out = text;
  if (tabs > 0) {
    out += '\t'.repeat(tabs);
    from = Math.floor(to / 8) * 8;
  }
  return out + ' '.repeat(to - from);
}

const fqdn = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

export function rdataText(rec: DnsRecord): string {
  switch (rec.type) {
    case 'A':
    case 'AAAA':
      return rec.data;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return fqdn(rec.data);
    case 'SRV':
      return `${rec.data.priority} ${rec.data.weight} ${rec.data.port} ${fqdn(rec.data.target)}`;
    case 'SOA':
      return `${fqdn(rec.data.mname)} ${fqdn(rec.data.rname)} ${rec.data.serial} ${rec.data.refresh} ${rec.data.retry} ${rec.data.expire} ${rec.data.minimum}`;
    case 'TXT':
      return rec.data.map((s) => `"${s}"`).join(' ');
  }
}

export function recordLine(rec: DnsRecord): string {
  let line = tabTo(fqdn(rec.name), 24) + String(rec.ttl);
  line = tabTo(line, 32) + 'IN';
  line = tabTo(line, 40) + rec.type;
  return tabTo(line, 48) + rdataText(rec);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Sun Dec 06 21:20:00 UTC 2026`: dig's WHEN line (in UTC, the simulated pods' zone). */
function whenText(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

const RCODE_NUMBERS: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

/**
 * The size of the reply on the wire, as dig reports it (`MSG SIZE rcvd`): the message as
 * Kubeling's server encodes it, with dns-packet, which does not compress names (CoreDNS
 * does, so its replies are some bytes shorter).
 */
export function replySize(qname: string, qtype: string, result: LookupResult, id = 0): number {
  const buf = dnsPacket.encode({
    type: 'response',
    id,
    flags: (result.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | dnsPacket.RECURSION_DESIRED | (RCODE_NUMBERS[result.rcode] ?? 0),
    questions: [{ name: qname, type: qtype as dnsPacket.RecordType, class: 'IN' }],
    answers: result.answers as dnsPacket.Answer[],
    authorities: result.authority as dnsPacket.Answer[],
    additionals: [...(result.additionals as dnsPacket.Answer[]), { name: '.', type: 'OPT', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, options: [] } as unknown as dnsPacket.Answer],
  });
  return buf.length;
}

export function formatDig(qname: string, qtype: string, result: LookupResult, options: DigOptions): string {
  const id = options.id ?? 0;
  const type = qtype.toUpperCase();
  const flags = ['qr', ...(result.authoritative ? ['aa'] : []), 'rd'];
  const sections: [string, DnsRecord[]][] = [
    ['ANSWER', result.answers],
    ['AUTHORITY', result.authority],
    ['ADDITIONAL', result.additionals],
  ];
  let out = `\n; <<>> DiG ${options.version ?? '9.18.33-1~deb12u2-Debian'} <<>> ${options.args ?? qname}\n`;
  if (options.serverGiven) out += '; (1 server found)\n';
  out += ';; global options: +cmd\n;; Got answer:\n';
  // dig's own warning for names under .local (RFC 6762), printed on a real cluster too.
  if (/(^|\.)local\.?$/i.test(qname)) out += ';; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n';
  out += `;; ->>HEADER<<- opcode: QUERY, status: ${result.rcode}, id: ${id}\n`;
  // ADDITIONAL counts the OPT record too, as dig does.
  out += `;; flags: ${flags.join(' ')}; QUERY: 1, ANSWER: ${result.answers.length}, AUTHORITY: ${result.authority.length}, ADDITIONAL: ${result.additionals.length + 1}\n`;
  out += ';; WARNING: recursion requested but not available\n\n';
  out += ';; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n';
  out += `;; QUESTION SECTION:\n${tabTo(tabTo(';' + fqdn(qname), 32) + 'IN', 40)}${type}\n\n`;
  for (const [title, records] of sections) {
    if (records.length === 0) continue;
    out += `;; ${title} SECTION:\n${records.map(recordLine).join('\n')}\n\n`;
  }
  out += `;; Query time: ${options.queryTimeMs ?? 0} msec\n`;
  out += `;; SERVER: ${options.server}#${options.port ?? 53}(${options.server}) (${options.transport ?? 'UDP'})\n`;
  out += `;; WHEN: ${whenText(options.nowMs)}\n`;
  out += `;; MSG SIZE  rcvd: ${replySize(qname, type, result, id)}\n\n`;
  return out;
}
