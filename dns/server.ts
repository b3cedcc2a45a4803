import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import net from 'node:net';
import { rootLogger, type Logger } from '../lib/logger.js';
import { handleQuery } from './handle-query.js';
import type { DnsView } from './view.js';
import type { ZoneOptions } from './zone.js';

/**
 * The cluster DNS on a real socket: UDP and TCP on one loopback port, answering from a
 * DnsView (the informer caches of `kubeling dns`). It never sends a packet anywhere but
 * back to the client that asked: there is no upstream.
 */

export interface DnsServerOptions extends ZoneOptions {
  /** Default 127.0.0.1. */
  address?: string;
  /** Default 10053; 0 picks a free port (the same one for UDP and TCP). */
  port?: number;
  logger?: Logger;
}

export interface RunningDnsServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** CoreDNS closes TCP connections idle this long (its read timeout). */
const TCP_IDLE_MS = 10_000;
/** How often to retry finding a port free for both UDP and TCP when asked for port 0. */
const PORT_ATTEMPTS = 10;

function bindUdp(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

function listenTcp(server: net.Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Encoded replies by request (everything after the message id, and the transport), kept
 * while the view's generation stays the same: CoreDNS runs its `cache` plugin for the
 * same reason, but this one never serves an answer older than the caches it came from.
 * The same request bytes always get the same reply bytes but for the id, which is copied
 * from the request into a copy of the cached reply.
 */
class ReplyCache {
  private readonly entries = new Map<string, Buffer>();
  private generation: number;
  constructor(private readonly current: () => number) {
    this.generation = current();
  }

  private key(message: Buffer, transport: string): string | undefined {
    if (message.length < 12 || message.length > 512) return undefined;
    return transport + message.toString('latin1', 2);
  }

  get(message: Buffer, transport: string): Buffer | undefined {
    const g = this.current();
    if (g !== this.generation) {
      this.entries.clear();
      this.generation = g;
      return undefined;
    }
    const k = this.key(message, transport);
    const hit = k === undefined ? undefined : this.entries.get(k);
    if (!hit) return undefined;
    const reply = Buffer.from(hit);
    message.copy(reply, 0, 0, 2);
    return reply;
  }

  put(message: Buffer, transport: string, reply: Buffer): void {
    const k = this.key(message, transport);
    if (k === undefined) return;
    // A bound on memory: random names (a scan, a fuzzer) must not grow it without end.
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(k, reply);
  }
}

/** The bind failures a user can act on, worded as the apiserver words its own. */
function bindError(err: NodeJS.ErrnoException, address: string, port: number): Error {
  if (err.code === 'EADDRINUSE') return new Error(`DNS port ${port} is already in use on ${address}: use --dns-port (0 picks a free port, none runs no DNS)`);
  if (err.code === 'EADDRNOTAVAIL') return new Error(`cannot listen on ${address}:${port} for DNS: no local interface has address ${address}`);
  if (err.code === 'EACCES') return new Error(`cannot listen on ${address}:${port} for DNS: permission denied (ports below 1024 need privileges)`);
  return err;
}

export async function startDnsServer(view: DnsView, options: DnsServerOptions = {}): Promise<RunningDnsServer> {
  const address = options.address ?? '127.0.0.1';
  const log = (options.logger ?? rootLogger).child({ component: 'dns' });
  const connections = new Set<net.Socket>();

  const tcp = net.createServer((socket) => {
    connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // Messages are framed by a two-byte length (RFC 1035 4.2.2); several may arrive at once.
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        const { reply } = safeHandle(message, 'tcp');
        if (!reply) continue;
        const frame = Buffer.alloc(2 + reply.length);
        frame.writeUInt16BE(reply.length, 0);
        reply.copy(frame, 2);
        socket.write(frame);
      }
    });
  });

  const cache = new ReplyCache(() => view.generation?.() ?? 0);
  const safeHandle = (message: Buffer, transport: 'udp' | 'tcp'): { reply: Buffer | undefined } => {
    try {
      const cached = cache.get(message, transport);
      if (cached) return { reply: cached };
      const handled = handleQuery(view, message, { ...options, transport });
      if (handled.reply && handled.rcode !== 'DROPPED') cache.put(message, transport, handled.reply);
      return handled;
    } catch (err) {
      // handleQuery is meant never to throw; if it does, the query is dropped, not the server.
      log.error({ err, transport }, 'query handler failed');
      return { reply: undefined };
    }
  };

  let udp: dgram.Socket | undefined;
  const wanted = options.port ?? 10053;
  for (let attempt = 0; ; attempt++) {
    udp = await bindUdp(address, wanted).catch((err: NodeJS.ErrnoException) => {
      throw bindError(err, address, wanted);
    });
    const port = udp.address().port;
    try {
      await listenTcp(tcp, address, port);
      break;
    } catch (err) {
      udp.close();
      if (wanted !== 0 || attempt >= PORT_ATTEMPTS) throw bindError(err as NodeJS.ErrnoException, address, wanted);
    }
  }
  const socket = udp;
  socket.on('message', (message, rinfo) => {
    const { reply } = safeHandle(message, 'udp');
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  socket.on('error', (err) => log.error({ err }, 'udp socket error'));
  const port = socket.address().port;
  log.info({ address, port }, 'DNS server listening (udp+tcp)');

  let closing: Promise<void> | undefined;
  return {
    address,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const c of connections) c.destroy();
        socket.close(() => tcp.close(() => resolve()));
      })),
  };
}
