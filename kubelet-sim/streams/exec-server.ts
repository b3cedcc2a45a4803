import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../lib/logger.js';
import { runProgram } from '../shell/busybox.js';
import {
  CLOSE,
  decodeFrame,
  encodeFrame,
  errorStatusFrame,
  ERROR,
  EXEC_PROTOCOLS,
  exitStatusFrame,
  negotiate,
  offeredProtocols,
  parseResize,
  PORTFORWARD_PROTOCOLS,
  RESIZE,
  STDERR,
  STDIN,
  STDOUT,
  type Protocol,
} from './channel-protocol.js';
import type { ContainerHosts, ContainerTarget } from './container-host.js';
import type { MainProcesses } from './main-process.js';
import { servePortForward, type PortForwardHost } from './port-forward.js';
import {
  acceptSpdyUpgrade,
  negotiateStreamProtocol,
  offeredStreamProtocols,
  SPDY_EXEC_PROTOCOLS,
  SPDY_PORTFORWARD_PROTOCOL,
  SPDY_TUNNEL_PREFIX,
  spdyExecHandler,
  spdyOverWebSocket,
  spdyPortForwardHandler,
} from './spdy-server.js';
import { Terminal } from './terminal.js';

/**
 * The kubelet-sim's streaming endpoints, upgrades on its loopback server (the apiserver
 * relays pods/exec, pods/attach and pods/portforward here byte for byte): WebSocket
 * channel protocols here, SPDY/3.1 (and SPDY tunnelled in a WebSocket for kubectl's
 * port-forward) in spdy-server.ts:
 *
 *   GET /exec/{ns}/{pod}/{container}?command=…&stdin=1&stdout=1&stderr=1&tty=1
 *   GET /attach/{ns}/{pod}/{container}?stdin=1&stdout=1&tty=1
 *   GET /portForward/{ns}/{pod}?ports=80
 *
 * (the kubelet's own names input/output/error are accepted too). Refusals before the
 * upgrade are HTTP answers with a Kubernetes Status body, which the apiserver passes on.
 * Nothing a client sends can throw out of here: malformed frames are ignored, oversized
 * ones close the socket (1009), every callback is guarded.
 */

export interface StreamHost {
  logger: Logger;
  /** The running container named, or why not (code: HTTP status). */
  target(namespace: string, pod: string, container: string | undefined): { ok: true; target: ContainerTarget } | { ok: false; code: number; message: string };
  hosts: ContainerHosts;
  mains: MainProcesses;
  /** The main process of the run ended by itself with this status. */
  containerExited(target: ContainerTarget, exitCode: number): void;
  portForward: PortForwardHost;
}

/** Bigger client messages close the stream (kubectl sends stdin in chunks of at most 32 KiB). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

const REASONS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** Answers an upgrade request with an HTTP error and a Status body, then closes. */
export function refuseUpgrade(socket: Duplex, code: number, message: string): void {
  const reason = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 503: 'ServiceUnavailable' }[code] ?? 'InternalError';
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  try {
    socket.end(`HTTP/1.1 ${code} ${REASONS[code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  } catch {
    socket.destroy();
  }
}

const flag = (q: URLSearchParams, ...names: string[]) => names.some((n) => q.get(n) === 'true' || q.get(n) === '1');

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Parses exec/attach options as kubelet's NewOptions does; a string is the 400 message. */
export function streamOptions(q: URLSearchParams): StreamOptions | string {
  const o = { stdin: flag(q, 'stdin', 'input'), stdout: flag(q, 'stdout', 'output'), stderr: flag(q, 'stderr', 'error'), tty: flag(q, 'tty') };
  if (o.tty && o.stderr) o.stderr = false; // a terminal merges stderr into stdout
  if (!o.stdin && !o.stdout && !o.stderr) return 'you must specify at least 1 of stdin, stdout, stderr';
  return o;
}

export function createStreamUpgradeHandler(host: StreamHost): (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      route(host, wss, req, socket, head);
    } catch (err) {
      host.logger.error({ err, url: req.url }, 'stream upgrade failed');
      refuseUpgrade(socket, 500, (err as Error).message);
    }
  };
}

function route(host: StreamHost, wss: WebSocketServer, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let parts: string[];
  try {
    parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return refuseUpgrade(socket, 400, 'malformed path');
  }
  const kind = parts[0];
  const isPortForward = kind === 'portForward' || kind === 'portforward';
  if (!(((kind === 'exec' || kind === 'attach') && parts.length === 4) || (isPortForward && parts.length === 3))) {
    return refuseUpgrade(socket, 404, `the server could not find the requested resource`);
  }
  const upgradeTo = (req.headers.upgrade ?? '').toLowerCase();
  if (upgradeTo.startsWith('spdy/')) return routeSpdy(host, req, socket, head, url, parts, isPortForward);
  if (upgradeTo !== 'websocket') {
    return refuseUpgrade(socket, 400, `unsupported upgrade protocol "${req.headers.upgrade ?? ''}"`);
  }
  const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
  if (isPortForward && offered.includes(SPDY_TUNNEL_PREFIX + SPDY_PORTFORWARD_PROTOCOL)) {
    // kubectl ≥ 1.31: SPDY frames inside the WebSocket.
    const found = host.target(parts[1]!, parts[2]!, undefined);
    if (!found.ok) return refuseUpgrade(socket, found.code, found.message);
    const tunnel = { name: SPDY_TUNNEL_PREFIX + SPDY_PORTFORWARD_PROTOCOL, base64: false, version: 1 };
    // `/` and `+` are not token characters (RFC 6455), so ws refuses the offer as written;
    // the answer names it as kube-apiserver does (gorilla on the client side accepts it).
    req.headers['sec-websocket-protocol'] = 'kubeling-spdy-tunnel';
    return upgrade(wss, req, socket, head, tunnel, (ws) => {
      spdyOverWebSocket(ws, spdyPortForwardHandler(host.portForward, found.target), host.logger);
    });
  }
  const proto = negotiate(offered, isPortForward ? PORTFORWARD_PROTOCOLS : EXEC_PROTOCOLS);
  if (!proto) {
    return refuseUpgrade(socket, 400, `none of the requested subprotocols is supported: ${req.headers['sec-websocket-protocol']}; supported: ${(isPortForward ? PORTFORWARD_PROTOCOLS : EXEC_PROTOCOLS).map((p) => p.name).join(', ')}`);
  }
  const found = host.target(parts[1]!, parts[2]!, isPortForward ? undefined : parts[3]);
  if (!found.ok) return refuseUpgrade(socket, found.code, found.message);

  if (isPortForward) {
    const ports = [...url.searchParams.getAll('ports'), ...url.searchParams.getAll('port')].flatMap((p) => p.split(',')).filter(Boolean);
    const parsed = ports.map(Number);
    if (parsed.length === 0 || parsed.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
      return refuseUpgrade(socket, 400, ports.length === 0 ? 'at least one port must be specified' : `invalid port "${ports.find((p) => !(Number(p) >= 1 && Number(p) <= 65535))}"`);
    }
    return upgrade(wss, req, socket, head, proto, (ws) => servePortForward(host.portForward, ws, proto, found.target, parsed));
  }
  const opts = streamOptions(url.searchParams);
  if (typeof opts === 'string') return refuseUpgrade(socket, 400, opts);
  if (kind === 'exec') {
    const argv = url.searchParams.getAll('command');
    if (argv.length === 0 || argv[0] === '') return refuseUpgrade(socket, 400, 'you must specify at least one command for the container');
    return upgrade(wss, req, socket, head, proto, (ws) => runExec(host, wsChannels(ws, proto, host.logger), found.target, argv, opts));
  }
  return upgrade(wss, req, socket, head, proto, (ws) => runAttach(host, wsChannels(ws, proto, host.logger), found.target, opts));
}

function upgrade(wss: WebSocketServer, req: http.IncomingMessage, socket: Duplex, head: Buffer, proto: Protocol, fn: (ws: WebSocket) => void): void {
  // The protocol was chosen above; ws only echoes it in the 101 answer (handleUpgrade
  // calls handleProtocols synchronously, so the shared server's option is ours here).
  (wss.options as { handleProtocols?: unknown }).handleProtocols = () => proto.name;
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => ws.terminate());
    fn(ws);
  });
}

/** exec/attach/portForward with `Upgrade: SPDY/3.1` (kubectl ≤ 1.29 exec, ≤ 1.30 port-forward). */
function routeSpdy(host: StreamHost, req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL, parts: string[], isPortForward: boolean): void {
  if (!/^spdy\/3\.1$/i.test(req.headers.upgrade ?? '')) return refuseUpgrade(socket, 400, `unsupported upgrade protocol "${req.headers.upgrade ?? ''}": only SPDY/3.1 is spoken`);
  const chosen = negotiateStreamProtocol(offeredStreamProtocols(req), isPortForward ? [SPDY_PORTFORWARD_PROTOCOL] : SPDY_EXEC_PROTOCOLS);
  if (typeof chosen !== 'string') return refuseUpgrade(socket, 403, chosen.error);
  const found = host.target(parts[1]!, parts[2]!, isPortForward ? undefined : parts[3]);
  if (!found.ok) return refuseUpgrade(socket, found.code, found.message);
  if (isPortForward) {
    acceptSpdyUpgrade(socket, head, chosen, spdyPortForwardHandler(host.portForward, found.target), host.logger);
    return;
  }
  const opts = streamOptions(url.searchParams);
  if (typeof opts === 'string') return refuseUpgrade(socket, 400, opts);
  const argv = url.searchParams.getAll('command');
  if (parts[0] === 'exec' && (argv.length === 0 || argv[0] === '')) return refuseUpgrade(socket, 400, 'you must specify at least one command for the container');
  const kind = parts[0] === 'exec' ? 'exec' : 'attach';
  acceptSpdyUpgrade(socket, head, chosen, spdyExecHandler(host, kind, found.target, argv, opts, chosen, host.portForward.clock), host.logger);
}

/**
 * What exec and attach need of a transport (WebSocket channels here, SPDY streams in
 * spdy-server.ts): output on stdout/stderr, the client's input, and the final status.
 */
export interface ExecChannels {
  /** The channel protocol's version (1…5): what the status on the error channel looks like. */
  readonly version: number;
  /** From now on stdin and stdout carry bytes as latin1 strings (Io.binary); called before any input arrives. */
  binary(): void;
  send(stream: 'stdout' | 'stderr', text: string): void;
  listen(h: ExecInput): void;
  /** Writes the status (if any) on the error channel and ends the session. */
  finish(status: string | undefined): void;
}

export interface ExecInput {
  stdin(text: string): void;
  resize(size: { width: number; height: number }): void;
  /** The client closed its stdin (v5's close frame, SPDY's FIN). */
  stdinEnd(): void;
  /** The client went away. */
  closed(): void;
}

/** A WebSocket as exec channels: stdin (channel 0), resize (4), v5's close of stdin (255 + channel 0). */
export function wsChannels(ws: WebSocket, proto: Protocol, log: Logger): ExecChannels {
  let encoding: 'utf8' | 'latin1' = 'utf8';
  return {
    version: proto.version,
    binary() {
      encoding = 'latin1';
    },
    send(stream, text) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(encodeFrame(proto, stream === 'stdout' ? STDOUT : STDERR, Buffer.from(text, encoding)));
    },
    listen(h) {
      // One decoder for the stream: a UTF-8 character may straddle two messages (kubectl cp's tar).
      const utf8 = new StringDecoder('utf8');
      ws.on('message', (raw, isBinary) => {
        try {
          const msg = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer);
          const frame = decodeFrame(proto, msg, isBinary);
          if (typeof frame === 'string') return log.debug({ reason: frame }, 'ignored malformed stream frame');
          if (frame.channel === STDIN) {
            const text = encoding === 'latin1' ? frame.data.toString('latin1') : utf8.write(frame.data);
            if (text) h.stdin(text);
          }
          else if (frame.channel === RESIZE) {
            const size = parseResize(frame.data);
            if (size) h.resize(size);
          } else if (frame.channel === CLOSE && proto.version >= 5 && frame.data[0] === STDIN) h.stdinEnd();
        } catch (err) {
          log.warn({ err }, 'stream frame handling failed');
        }
      });
      ws.on('close', () => h.closed());
    },
    finish(status) {
      if (ws.readyState !== ws.OPEN) return;
      if (status !== undefined) ws.send(encodeFrame(proto, ERROR, status));
      ws.close(1000);
    },
  };
}

/** `tar …` or `/bin/tar …` run directly (kubectl cp's `tar cf - PATH` and `tar xmf - -C DIR`). */
function isTar(argv: readonly string[]): boolean {
  const prog = argv[0] ?? '';
  return prog === 'tar' || prog.endsWith('/tar');
}

/** One `kubectl exec`: runs argv in the container with the client's streams; the status goes on the error channel. */
export function runExec(host: StreamHost, ch: ExecChannels, target: ContainerTarget, argv: string[], opts: StreamOptions): void {
  // `kubectl cp` runs tar without a tty: its archives are bytes, not text.
  const binary = !opts.tty && isTar(argv);
  if (binary) ch.binary();
  const term = new Terminal(opts.tty, binary);
  const ctrl = new AbortController();
  // Ctrl-C reaches the process itself until a shell makes a command the foreground.
  term.io.tty?.setForeground(ctrl);
  term.attach((stream, text) => {
    if (stream === 'stdout' && opts.stdout) ch.send('stdout', text);
    else if (stream === 'stderr' && opts.stderr) ch.send('stderr', text);
  });
  if (!opts.stdin) term.endInput();
  ch.listen({
    stdin: (text) => {
      if (opts.stdin) term.input(text);
    },
    resize: (size) => void (term.size = size),
    stdinEnd: () => term.endInput(),
    closed: () => {
      ctrl.abort();
      term.endInput();
    },
  });
  const { host: shellHost, env } = host.hosts.hostFor(target, opts.tty);
  runProgram(argv, shellHost, env, term.io, ctrl.signal)
    .then((code) => ch.finish(exitStatusFrame(ch, code, argv)))
    .catch((err: unknown) => {
      host.logger.error({ err, argv }, 'simulated exec failed');
      ch.finish(errorStatusFrame(ch, (err as Error).message));
    });
}

/**
 * One `kubectl attach` (and the attach of `kubectl run -it`): the client joins the
 * container's main process. An interactive container (stdin: true) runs its shell
 * (started here at the first attach); the container exits when that shell does. A
 * container without stdin has no input to give: its attach stays open, silent, until
 * the client leaves.
 */
export function runAttach(host: StreamHost, ch: ExecChannels, target: ContainerTarget, opts: StreamOptions): void {
  const c = target.container;
  if (!c.stdin) {
    ch.listen({ stdin: () => {}, resize: () => {}, stdinEnd: () => {}, closed: () => {} });
    return;
  }
  // The image's default command is its shell (busybox, alpine…: the only interactive images simulated).
  const given = [...(c.command ?? []), ...(c.args ?? [])];
  const argv = given.length > 0 ? given : ['sh'];
  const { host: shellHost, env } = host.hosts.hostFor(target, Boolean(c.tty));
  const key = `${target.pod.metadata.uid}/${c.name}/${target.startedAt}`;
  // An ephemeral container's end does not end the pod's run (its own terminated state is not simulated).
  const ephemeral = (target.pod.spec?.ephemeralContainers ?? []).some((e) => e.name === c.name);
  const onExit = (code: number) => {
    if (!ephemeral) host.containerExited(target, code);
  };
  const proc = host.mains.getOrStart(key, { argv, tty: Boolean(c.tty), stdinOnce: Boolean(c.stdinOnce), host: shellHost, env, onExit });
  const detach = proc.terminal.attach((stream, text) => {
    if (stream === 'stdout' && opts.stdout) ch.send('stdout', text);
    else if (stream === 'stderr' && opts.stderr) ch.send('stderr', text);
  });
  ch.listen({
    stdin: (text) => {
      if (opts.stdin) proc.terminal.input(text);
    },
    resize: (size) => void (proc.terminal.size = size),
    stdinEnd: () => proc.terminal.endInput(),
    closed: () => {
      detach();
      // stdinOnce (kubectl run -i): the first attach's end closes the container's stdin.
      if (proc.stdinOnce && opts.stdin) proc.terminal.endInput();
    },
  });
  // An attach ends with success when the process ends, whatever its status (CRI attach
  // reports no exit code): kubectl learns it from the container's terminated state.
  void proc.done.then(() => {
    detach();
    ch.finish(exitStatusFrame(ch, 0, argv));
  });
}
