import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/random.js';
import { startDnsServer, type RunningDnsServer } from './server.js';
import { clusterView } from './testing.js';
import type { DnsView } from './view.js';

let server: RunningDnsServer;
let client: dgram.Socket;
const waiting = new Map<number, (b: Buffer) => void>();

beforeAll(async () => {
  server = await startDnsServer(clusterView(), { port: 0 });
  client = dgram.createSocket('udp4');
  client.on('message', (msg) => {
    if (msg.length < 2) return;
    const id = msg.readUInt16BE(0);
    waiting.get(id)?.(msg);
    waiting.delete(id);
  });
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
});

afterAll(async () => {
  client.close();
  await server.close();
});

/** Sends raw bytes over UDP; resolves with the reply, or undefined after `ms` (a dropped message). */
function sendUdp(bytes: Buffer, id = bytes.length >= 2 ? bytes.readUInt16BE(0) : -1, ms = 1000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      resolve(undefined);
    }, ms);
    waiting.set(id, (b) => {
      clearTimeout(timer);
      resolve(b);
    });
    client.send(bytes, server.port, '127.0.0.1');
  });
}

/** dns-packet decodes the rcode, its type declarations do not list it. */
const rcodeOf = (p: dnsPacket.Packet): string | undefined => (p as { rcode?: string }).rcode;

let nextId = 1;
function query(name: string, type: string, extra: Partial<dnsPacket.Packet> = {}): Buffer {
  return dnsPacket.encode({ type: 'query', id: nextId++, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as dnsPacket.RecordType, class: 'IN' }], ...extra });
}

async function ask(name: string, type: string, extra: Partial<dnsPacket.Packet> = {}) {
  const reply = await sendUdp(query(name, type, extra));
  expect(reply).toBeDefined();
  return dnsPacket.decode(reply!);
}

function askTcp(messages: Buffer[]): Promise<dnsPacket.Packet[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const replies: dnsPacket.Packet[] = [];
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const p = buf.length >= 2 ? dnsPacket.streamDecode(buf) : null;
        if (!p) break;
        replies.push(p);
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (replies.length === messages.length) {
        socket.end();
        resolve(replies);
      }
    });
    socket.on('error', reject);
    // All framed messages in one write: the server must split them.
    socket.write(Buffer.concat(messages.map((m) => dnsPacket.streamEncode(dnsPacket.decode(m)))));
  });
}

describe('DNS server on loopback', () => {
  it('answers A over UDP, authoritative, TTL 5', async () => {
    const r = await ask('web.default.svc.cluster.local', 'A');
    expect(rcodeOf(r)).toBe('NOERROR');
    expect(r.flag_aa).toBe(true);
    expect(r.flag_rd).toBe(true);
    expect(r.answers).toEqual([{ name: 'web.default.svc.cluster.local', type: 'A', ttl: 5, class: 'IN', flush: false, data: '10.96.12.34' }]);
  });

  it('answers NXDOMAIN with the SOA, SRV with glue, PTR, and REFUSED outside the zone', async () => {
    const nx = await ask('nope.default.svc.cluster.local', 'A');
    expect(rcodeOf(nx)).toBe('NXDOMAIN');
    expect(nx.authorities?.[0]).toMatchObject({ type: 'SOA', name: 'cluster.local', data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } });
    const srv = await ask('_pg._tcp.db.default.svc.cluster.local', 'SRV');
    expect(srv.answers?.map((a) => (a as { data: { target: string } }).data.target)).toEqual(['db-0.db.default.svc.cluster.local', '100-96-2-21.db.default.svc.cluster.local']);
    expect(srv.additionals).toHaveLength(2);
    const ptr = await ask('10.0.96.10.in-addr.arpa', 'PTR');
    expect(ptr.answers?.[0]).toMatchObject({ type: 'PTR', data: 'kube-dns.kube-system.svc.cluster.local' });
    const refused = await ask('example.com', 'A');
    expect(rcodeOf(refused)).toBe('REFUSED');
    expect(refused.flag_aa).toBe(false);
  });

  it('echoes EDNS and answers over TCP, several messages on one connection', async () => {
    const withEdns = await ask('web.default.svc.cluster.local', 'A', { additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 4096, flags: 0 } as unknown as dnsPacket.Answer] });
    expect(withEdns.additionals?.find((a) => a.type === 'OPT')).toMatchObject({ udpPayloadSize: 1232 });
    const replies = await askTcp([query('web.default.svc.cluster.local', 'A'), query('kube-dns.kube-system.svc.cluster.local', 'SRV'), query('nope.cluster.local', 'A')]);
    expect(replies.map((r) => rcodeOf(r))).toEqual(['NOERROR', 'NOERROR', 'NXDOMAIN']);
    // 53/UDP and 53/TCP give one SRV (same target and port); the weight was shared among three.
    expect(replies[1]!.answers?.map((a) => (a as { data: { port: number; weight: number } }).data)).toMatchObject([{ port: 53, weight: 33 }, { port: 9153, weight: 33 }]);
  });

  it('serves repeated questions from its reply cache until the view changes', async () => {
    const { memoryDnsView } = await import('./view.js');
    const { service } = await import('./testing.js');
    let current = memoryDnsView({ services: [service('default', 'api', { clusterIP: '10.96.1.1', ports: [{ name: 'http', port: 80 }] })] });
    let generation = 0;
    const view: DnsView = {
      service: (ns, n) => current.service(ns, n),
      services: () => current.services(),
      endpointSlicesFor: (ns, n) => current.endpointSlicesFor(ns, n),
      endpointSlices: () => current.endpointSlices(),
      pods: () => current.pods(),
      namespaceExists: (n) => current.namespaceExists(n),
      serial: () => 0,
      generation: () => generation,
    };
    const s = await startDnsServer(view, { port: 0 });
    try {
      const r = new Resolver({ timeout: 1000, tries: 1 });
      r.setServers([`127.0.0.1:${s.port}`]);
      expect(await r.resolve4('api.default.svc.cluster.local')).toEqual(['10.96.1.1']);
      expect(await r.resolve4('api.default.svc.cluster.local')).toEqual(['10.96.1.1']);
      current = memoryDnsView({ services: [service('default', 'api', { clusterIP: '10.96.2.2', ports: [{ name: 'http', port: 80 }] })] });
      generation++;
      expect(await r.resolve4('api.default.svc.cluster.local')).toEqual(['10.96.2.2']);
    } finally {
      await s.close();
    }
  });

  it("is usable from Node's resolver (c-ares), as any client library would", async () => {
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
    expect(await resolver.resolve4('web.default.svc.cluster.local')).toEqual(['10.96.12.34']);
    expect(await resolver.resolveSrv('_http._tcp.web.default.svc.cluster.local')).toEqual([{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
    expect(await resolver.reverse('10.96.0.10')).toEqual(['kube-dns.kube-system.svc.cluster.local']);
    await expect(resolver.resolve4('nope.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  });
});

describe('DNS server: bad input gets what CoreDNS answers, never a crash', () => {
  const header = (id: number, flags: number, qd: number, an = 0, ns = 0, ar = 0): Buffer => {
    // A bare header for counts dns-packet would refuse to write (test input, not how replies are built).
    const b = Buffer.alloc(12);
    b.writeUInt16BE(id, 0);
    b.writeUInt16BE(flags, 2);
    b.writeUInt16BE(qd, 4);
    b.writeUInt16BE(an, 6);
    b.writeUInt16BE(ns, 8);
    b.writeUInt16BE(ar, 10);
    return b;
  };

  it.each<{ name: string; bytes: () => Buffer; rcode: string | undefined }>([
    { name: 'zero questions', bytes: () => header(501, 0x0100, 0), rcode: 'FORMERR' },
    { name: 'two questions', bytes: () => dnsPacket.encode({ type: 'query', id: 502, questions: [{ name: 'a.cluster.local', type: 'A' }, { name: 'b.cluster.local', type: 'A' }] }), rcode: 'FORMERR' },
    { name: 'truncated question', bytes: () => query('web.default.svc.cluster.local', 'A').subarray(0, 20), rcode: 'FORMERR' },
    { name: 'counts promising records that are not there', bytes: () => header(503, 0x0100, 1, 3, 0, 0), rcode: 'FORMERR' },
    { name: 'a name over 255 bytes (label pointer loop-free)', bytes: () => Buffer.concat([header(504, 0x0100, 1), ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)])), Buffer.from([0, 0, 1, 0, 1])]), rcode: 'FORMERR' },
    { name: 'a compression pointer loop', bytes: () => Buffer.concat([header(505, 0x0100, 1), Buffer.from([0xc0, 12, 0, 1, 0, 1])]), rcode: 'FORMERR' },
    { name: 'a label of raw bytes', bytes: () => Buffer.concat([header(506, 0x0100, 1), Buffer.from([4, 0xff, 0x00, 0xfe, 0x01, 0, 0, 1, 0, 1])]), rcode: 'FORMERR' },
    { name: 'opcode UPDATE', bytes: () => dnsPacket.encode({ type: 'query', id: 507, flags: 5 << 11, questions: [{ name: 'cluster.local', type: 'SOA' }] }), rcode: 'NOTIMP' },
    { name: 'opcode IQUERY', bytes: () => dnsPacket.encode({ type: 'query', id: 508, flags: 1 << 11, questions: [{ name: 'cluster.local', type: 'A' }] }), rcode: 'NOTIMP' },
    { name: 'class CH', bytes: () => dnsPacket.encode({ type: 'query', id: 509, questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }] }), rcode: 'REFUSED' },
    { name: 'AXFR of the zone', bytes: () => dnsPacket.encode({ type: 'query', id: 510, questions: [{ name: 'cluster.local', type: 'AXFR' }] }), rcode: 'REFUSED' },
    { name: 'an unknown type (65280) in the zone: NODATA', bytes: () => dnsPacket.encode({ type: 'query', id: 511, questions: [{ name: 'web.default.svc.cluster.local', type: 'UNKNOWN_65280' as dnsPacket.RecordType }] }), rcode: 'NOERROR' },
    { name: 'an unknown type for a missing name: NXDOMAIN', bytes: () => dnsPacket.encode({ type: 'query', id: 512, questions: [{ name: 'x.default.svc.cluster.local', type: 'UNKNOWN_999' as dnsPacket.RecordType }] }), rcode: 'NXDOMAIN' },
    { name: 'bad characters in a name', bytes: () => dnsPacket.encode({ type: 'query', id: 513, questions: [{ name: 'we*b!.default.svc.cluster.local', type: 'A' }] }), rcode: 'NXDOMAIN' },
    { name: 'a response sent to the server: ignored', bytes: () => dnsPacket.encode({ type: 'response', id: 514, questions: [{ name: 'cluster.local', type: 'A' }] }), rcode: undefined },
    { name: 'fewer than 12 bytes: ignored', bytes: () => Buffer.from([2, 3, 0, 0, 0]), rcode: undefined },
  ])('$name → $rcode', async ({ bytes, rcode }) => {
    const b = bytes();
    const reply = await sendUdp(b, b.readUInt16BE(0), rcode ? 1000 : 200);
    if (rcode === undefined) {
      expect(reply).toBeUndefined();
      return;
    }
    expect(reply).toBeDefined();
    const decoded = dnsPacket.decode(reply!);
    expect(decoded.id).toBe(b.readUInt16BE(0));
    expect(decoded.type).toBe('response');
    expect(rcodeOf(decoded)).toBe(rcode);
  });

  it('a port in use is reported in words a user can act on', async () => {
    await expect(startDnsServer(clusterView(), { port: server.port })).rejects.toThrow(`DNS port ${server.port} is already in use on 127.0.0.1: use --dns-port (0 picks a free port, none runs no DNS)`);
  });

  it('sets TC when a UDP reply would exceed 512 bytes without EDNS', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ addresses: [`100.96.9.${i}`], conditions: { ready: true } }));
    const { memoryDnsView } = await import('./view.js');
    const { slice, service } = await import('./testing.js');
    const big = await startDnsServer(memoryDnsView({ services: [service('default', 'big', { clusterIP: 'None', ports: [{ name: 'p', port: 1 }] })], endpointSlices: [slice('default', 'big', many, [{ name: 'p', port: 1 }])] }), { port: 0 });
    try {
      const c = dgram.createSocket('udp4');
      const reply = await new Promise<Buffer>((resolve) => {
        c.on('message', resolve);
        c.send(query('big.default.svc.cluster.local', 'A'), big.port, '127.0.0.1');
      });
      c.close();
      const decoded = dnsPacket.decode(reply);
      expect(decoded.flag_tc).toBe(true);
      expect(decoded.answers).toEqual([]);
      const viaTcp = new Resolver({ timeout: 2000, tries: 1 });
      viaTcp.setServers([`127.0.0.1:${big.port}`]);
      // c-ares retries over TCP on TC and gets all 60 records.
      expect(await viaTcp.resolve4('big.default.svc.cluster.local')).toHaveLength(60);
    } finally {
      await big.close();
    }
  });

  it('survives a seeded fuzz of malformed packets over UDP and TCP and still answers', async () => {
    const random = seededRandom(0xd115);
    const valid = query('web.default.svc.cluster.local', 'A');
    const packets: Buffer[] = [];
    for (let i = 0; i < 1500; i++) {
      const kind = random();
      let p: Buffer;
      if (kind < 0.4) {
        // Random bytes of random length.
        p = Buffer.from(Array.from({ length: Math.floor(random() * 80) }, () => Math.floor(random() * 256)));
      } else if (kind < 0.8) {
        // A valid query with a few bytes flipped.
        p = Buffer.from(valid);
        for (let f = 0; f < 1 + Math.floor(random() * 4); f++) p[Math.floor(random() * p.length)] = Math.floor(random() * 256);
      } else {
        // A valid query cut short or padded with junk.
        p = random() < 0.5 ? valid.subarray(0, Math.floor(random() * valid.length)) : Buffer.concat([valid, Buffer.from([Math.floor(random() * 256)])]);
      }
      packets.push(p);
    }
    for (const p of packets) client.send(p, server.port, '127.0.0.1');
    // The same garbage over TCP, framed and unframed.
    await new Promise<void>((resolve) => {
      const s = net.connect(server.port, '127.0.0.1', () => {
        for (const p of packets.slice(0, 300)) {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(p.length);
          s.write(Buffer.concat([len, p]));
        }
        s.end(Buffer.from([0xff, 0xff, 1, 2, 3]));
      });
      s.on('close', () => resolve());
      s.on('error', () => resolve());
      s.resume();
    });
    const r = await ask('web.default.svc.cluster.local', 'A');
    expect(r.answers?.[0]).toMatchObject({ data: '10.96.12.34' });
    const [viaTcp] = await askTcp([query('kube-dns.kube-system.svc.cluster.local', 'A')]);
    expect(viaTcp!.answers?.[0]).toMatchObject({ data: '10.96.0.10' });
  });
});
