import dnsPacket from 'dns-packet';
import { lookup } from './lookup.js';
import type { LookupResult } from './types.js';
import type { DnsView } from './view.js';
import type { ZoneOptions } from './zone.js';

/**
 * One DNS message in, one reply out (or none): the decisions a DNS server makes before and
 * after the lookup, as CoreDNS (miekg/dns's message acceptance + the kubernetes plugin)
 * makes them. Pure apart from dns-packet's encoding; the UDP/TCP server is a loop around it.
 *
 * - fewer than 12 bytes (no header), or a message with QR set (a response): dropped;
 * - a header but a body that does not parse (truncated, garbage, names over 255 bytes,
 *   more records than the counts allow): FORMERR, header only;
 * - opcode other than QUERY (NOTIFY, UPDATE, IQUERY…): NOTIMP;
 * - zero or several questions, more than one answer/authority or two additionals: FORMERR;
 * - class other than IN, zone transfers: REFUSED;
 * - otherwise the cluster zone's answer (dns/lookup.ts).
 *
 * UDP replies larger than the client's EDNS buffer (512 bytes without EDNS) are sent
 * empty with TC set, so the client retries over TCP, as RFC 1035/6891 ask.
 */

const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
/** The EDNS buffer size CoreDNS advertises (the 2020 DNS flag day value). */
export const EDNS_BUFFER_SIZE = 1232;
const OPCODE_MASK = 0x7800;

export interface HandleOptions extends ZoneOptions {
  transport: 'udp' | 'tcp';
}

/** What the handler decided, for the caller's logs and counters. */
export interface Handled {
  reply: Buffer | undefined;
  rcode: keyof typeof RCODES | 'DROPPED';
}

function opt(): dnsPacket.Answer {
  return { name: '.', type: 'OPT', udpPayloadSize: EDNS_BUFFER_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as unknown as dnsPacket.Answer;
}

/** A header-only reply carrying `rcode`, for messages that cannot be answered as asked. */
function headerOnly(id: number, requestFlags: number, rcode: keyof typeof RCODES): Handled {
  const flags = (requestFlags & OPCODE_MASK) | (requestFlags & dnsPacket.RECURSION_DESIRED) | RCODES[rcode];
  return { reply: dnsPacket.encode({ type: 'response', id, flags, questions: [], answers: [], authorities: [], additionals: [] }), rcode };
}

/** Names a reply can carry back unchanged: printable ASCII labels of at most 63 bytes. */
function isEchoableName(name: string): boolean {
  if (name.length > 253) return false;
  if (!/^[\x21-\x7e]*$/.test(name)) return false;
  return name === '' || name.split('.').every((l) => l.length > 0 && l.length <= 63);
}

export function handleQuery(view: DnsView, message: Buffer, options: HandleOptions): Handled {
  if (message.length < 12) return { reply: undefined, rcode: 'DROPPED' };
  let request: dnsPacket.Packet;
  try {
    request = dnsPacket.decode(message);
  } catch {
    // The header is readable (12 bytes checked): answer FORMERR with its id and opcode.
    if (message.readUInt16BE(2) & 0x8000) return { reply: undefined, rcode: 'DROPPED' };
    return headerOnly(message.readUInt16BE(0), message.readUInt16BE(2), 'FORMERR');
  }
  const id = request.id ?? 0;
  const flags = request.flags ?? 0;
  if (request.type === 'response') return { reply: undefined, rcode: 'DROPPED' };
  if ((flags & OPCODE_MASK) !== 0) return headerOnly(id, flags, 'NOTIMP');
  const questions = request.questions ?? [];
  const answersIn = request.answers ?? [];
  const authoritiesIn = request.authorities ?? [];
  const additionalsIn = request.additionals ?? [];
  if (questions.length !== 1 || answersIn.length > 1 || authoritiesIn.length > 1 || additionalsIn.length > 2) return headerOnly(id, flags, 'FORMERR');
  const question = questions[0]!;
  if (!isEchoableName(question.name)) return headerOnly(id, flags, 'FORMERR');

  const edns = additionalsIn.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  let result: LookupResult;
  if ((question.class ?? 'IN') !== 'IN' || question.type === 'AXFR' || question.type === 'IXFR') {
    result = { rcode: 'REFUSED', authoritative: false, answers: [], authority: [], additionals: [] };
  } else {
    result = lookup(view, question.name, question.type, options);
  }

  const replyFlags = (flags & dnsPacket.RECURSION_DESIRED) | (result.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | RCODES[result.rcode];
  const packet = {
    type: 'response' as const,
    id,
    flags: replyFlags,
    questions: [question],
    answers: result.answers as dnsPacket.Answer[],
    authorities: result.authority as dnsPacket.Answer[],
    additionals: [...(result.additionals as dnsPacket.Answer[]), ...(edns ? [opt()] : [])],
  };
  let reply: Buffer;
  try {
    reply = dnsPacket.encode(packet);
  } catch {
    return headerOnly(id, flags, 'SERVFAIL');
  }
  if (options.transport === 'udp') {
    const limit = edns ? Math.max(512, Math.min(edns.udpPayloadSize ?? 512, 65535)) : 512;
    if (reply.length > limit) {
      reply = dnsPacket.encode({ ...packet, flags: replyFlags | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: edns ? [opt()] : [] });
    }
  }
  return { reply, rcode: result.rcode };
}
