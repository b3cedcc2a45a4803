import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createWebSocketStream, type WebSocket } from 'ws';
import type { Logger } from '../../lib/logger.js';
import { parseResize } from './channel-protocol.js';
import type { ContainerTarget } from './container-host.js';
import { runAttach, runExec, type ExecChannels, type ExecInput, type StreamHost, type StreamOptions } from './exec-server.js';
import { forwardConnection, type ForwardedConnection, type PortForwardHost } from './port-forward.js';
import { SpdySession, type SpdyStream } from './spdy/session.js';

/**
 * Exec, attach and port-forward over SPDY/3.1, as the kubelet serves them to kubectl
 * 1.27–1.29 (exec/attach: `Upgrade: SPDY/3.1` with X-Stream-Protocol-Version
 * v4/v3/v2.channel.k8s.io) and to every kubectl's port-forward (plain SPDY upgrade, or —
 * kubectl ≥ 1.31 — SPDY frames tunnelled in a WebSocket whose subprotocol is
 * `SPDY/3.1+portforward.k8s.io`).
 *
 * Exec/attach: the client opens one stream per standard stream, named by the
 * `streamType` header (error, stdin, stdout, stderr, and resize with a tty from v3); the
 * command starts once all expected streams are there. The status goes on the error
 * stream (v4: a metav1.Status; v2/v3: a text only on failure), then the session ends.
 *
 * Port-forward: per local connection the client opens an `error` and a `data` stream
 * with the same `requestID` and the `port` header; once both are there the data stream
 * is one TCP connection to the container's port (the application model answers), and a
 * failure is written on the error stream.
 */

export const SPDY_EXEC_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;
export const SPDY_PORTFORWARD_PROTOCOL = 'portforward.k8s.io';
/** kubectl's WebSocket subprotocol prefix for tunnelled SPDY. */
export const SPDY_TUNNEL_PREFIX = 'SPDY/3.1+';

/** How long the kubelet waits for the client to open its streams (kubelet's streamCreationTimeout is 30 s). */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

/** The X-Stream-Protocol-Version values offered (one header or several, comma-joined by Node). */
export function offeredStreamProtocols(req: http.IncomingMessage): string[] {
  const raw = req.headers['x-stream-protocol-version'];
  const all = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return all
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The protocol to answer, as apimachinery's httpstream.Handshake chooses: the first
 * server protocol the client offers; a client that offers none gets the legacy one.
 */
export function negotiateStreamProtocol(offered: readonly string[], supported: readonly string[]): string | { error: string } {
  if (offered.length === 0) return supported[supported.length - 1]!;
  const found = supported.find((p) => offered.includes(p));
  if (found) return found;
  return { error: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${supported.join(' ')}]` };
}

/** Answers the upgrade and hands the socket to a SPDY session. */
export function acceptSpdyUpgrade(socket: Duplex, head: Buffer, protocol: string, onStream: (s: SpdyStream, session: SpdySession) => boolean | void, log: Logger): SpdySession {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  const session: SpdySession = new SpdySession(socket, {
    onStream: (s) => onStream(s, session),
    onError: (err) => log.debug({ err }, 'SPDY session error'),
  });
  session.feed(head);
  return session;
}

/** A WebSocket carrying SPDY (kubectl's tunnelled port-forward) as a byte stream. */
export function spdyOverWebSocket(ws: WebSocket, onStream: (s: SpdyStream, session: SpdySession) => boolean | void, log: Logger): SpdySession {
  const duplex = createWebSocketStream(ws);
  duplex.on('error', () => duplex.destroy());
  const session: SpdySession = new SpdySession(duplex, {
    onStream: (s) => onStream(s, session),
    onError: (err) => log.debug({ err }, 'tunnelled SPDY session error'),
  });
  return session;
}

const versionOf = (protocol: string): number => (protocol === 'channel.k8s.io' ? 1 : Number(/^v(\d)\./.exec(protocol)?.[1] ?? 1));

/**
 * The streams of one exec/attach session: collects the client's streams, then runs fn
 * with them as ExecChannels. Returns the onStream handler for the session.
 */
export function spdyExecStreams(o: {
  protocol: string;
  opts: StreamOptions;
  log: Logger;
  clock: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(t: unknown): void };
  run: (ch: ExecChannels) => void;
}): (s: SpdyStream, session: SpdySession) => boolean {
  const version = versionOf(o.protocol);
  const expected = new Set<string>(['error']);
  if (o.opts.stdin) expected.add('stdin');
  if (o.opts.stdout) expected.add('stdout');
  if (o.opts.stderr) expected.add('stderr');
  if (o.opts.tty && version >= 3) expected.add('resize');
  const streams = new Map<string, SpdyStream>();
  let started = false;
  let timer: unknown;
  let sessionRef: SpdySession | undefined;

  const start = (session: SpdySession) => {
    started = true;
    if (timer !== undefined) o.clock.clearTimeout(timer);
    let input: ExecInput | undefined;
    const early: Array<(h: ExecInput) => void> = [];
    const deliver = (fn: (h: ExecInput) => void) => (input ? fn(input) : early.push(fn));
    const stdin = streams.get('stdin');
    // One decoder for the stream: a UTF-8 character may straddle two frames (kubectl cp's tar).
    const utf8 = new StringDecoder('utf8');
    let encoding: 'utf8' | 'latin1' = 'utf8';
    stdin?.on('data', (d: Buffer) => {
      const text = encoding === 'latin1' ? d.toString('latin1') : utf8.write(d);
      if (text) deliver((h) => h.stdin(text));
    });
    stdin?.on('end', () => deliver((h) => h.stdinEnd()));
    let resizeBuf = '';
    streams.get('resize')?.on('data', (d: Buffer) => {
      resizeBuf += d.toString('utf8');
      // A stream of JSON objects (Go's json.Encoder): take each complete {...}.
      for (;;) {
        const open = resizeBuf.indexOf('{');
        const close = resizeBuf.indexOf('}', open);
        if (open < 0 || close < 0) break;
        const size = parseResize(Buffer.from(resizeBuf.slice(open, close + 1)));
        resizeBuf = resizeBuf.slice(close + 1);
        if (size) deliver((h) => h.resize(size));
      }
      if (resizeBuf.length > 4096) resizeBuf = '';
    });
    session.on('close', () => deliver((h) => h.closed()));
    const ch: ExecChannels = {
      version,
      binary() {
        encoding = 'latin1';
      },
      send(stream, text) {
        streams.get(stream)?.write(Buffer.from(text, encoding));
      },
      listen(h) {
        input = h;
        for (const fn of early.splice(0)) fn(h);
      },
      finish(status) {
        const err = streams.get('error');
        if (status !== undefined && err) err.write(status);
        for (const s of streams.values()) s.end();
        session.close();
      },
    };
    o.run(ch);
  };

  return (s, session) => {
    sessionRef = session;
    const type = s.header('streamtype');
    if (started || !type || !expected.has(type) || streams.has(type)) {
      o.log.debug({ type }, 'unexpected SPDY stream refused');
      return false;
    }
    streams.set(type, s);
    if (timer === undefined) {
      timer = o.clock.setTimeout(() => {
        if (started) return;
        const err = streams.get('error');
        const missing = [...expected].filter((t) => !streams.has(t));
        err?.end(`timed out waiting for client to create streams: missing ${missing.join(', ')}`);
        sessionRef?.close();
      }, STREAM_CREATION_TIMEOUT_MS);
    }
    if (streams.size === expected.size) start(session);
    return true;
  };
}

/** Runs `kubectl exec` / `attach` over SPDY streams. */
export function spdyExecHandler(host: StreamHost, kind: 'exec' | 'attach', target: ContainerTarget, argv: string[], opts: StreamOptions, protocol: string, clock: PortForwardHost['clock']) {
  return spdyExecStreams({
    protocol,
    opts,
    log: host.logger,
    clock,
    run: (ch) => (kind === 'exec' ? runExec(host, ch, target, argv, opts) : runAttach(host, ch, target, opts)),
  });
}

/** The onStream handler of a port-forward session: pairs error/data streams by requestID. */
export function spdyPortForwardHandler(host: PortForwardHost, target: ContainerTarget): (s: SpdyStream) => boolean {
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream; conn?: ForwardedConnection }>();
  return (s) => {
    const type = s.header('streamtype');
    const requestID = s.header('requestid') ?? '';
    const portText = s.header('port') ?? '';
    if (type !== 'error' && type !== 'data') return false;
    const pair = pairs.get(requestID) ?? {};
    if (pair[type]) return false;
    pair[type] = s;
    pairs.set(requestID, pair);
    if (!pair.error || !pair.data) return true;
    const { error, data } = pair;
    const port = Number(portText);
    const forget = () => void pairs.delete(requestID);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      error.end(`invalid port "${portText}"`);
      data.end();
      forget();
      return true;
    }
    // The client's error stream carries nothing (it half-closes it at once).
    const conn = forwardConnection(host, target, port, {
      write: (chunk) => data.write(chunk),
      fail: (message) => {
        error.end(message);
        data.end();
        forget();
      },
      end: () => {
        data.end();
        error.end();
        forget();
      },
    });
    pair.conn = conn;
    data.on('data', (d: Buffer) => conn.push(d));
    data.on('end', () => conn.clientEnd());
    data.on('reset', () => {
      conn.destroy();
      error.end();
      forget();
    });
    return true;
  };
}
