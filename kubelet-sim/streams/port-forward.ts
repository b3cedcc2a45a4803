import http from 'node:http';
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { decodeFrame, encodeFrame, portPrefix, type Protocol } from './channel-protocol.js';
import type { ContainerTarget } from './container-host.js';

/**
 * Port-forward over WebSocket as the kubelet serves it (portforward.k8s.io /
 * v4.channel.k8s.io): for the i-th requested port, channel 2i carries the data and 2i+1
 * errors; the server's first message on each is the port, 2 bytes little-endian. Each
 * WebSocket is one TCP connection to those ports.
 *
 * Nothing listens in a simulated container, so the bytes are parsed as HTTP/1.1 (Node's
 * own parser, on an in-memory socket) and answered by the container's application model
 * (PortForwardHost.serve): `curl localhost:8080` through `kubectl port-forward` gets what
 * the app would answer. Bytes that are not HTTP get the error a closed port would.
 */

export interface AppResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
  /** Simulated time the request took in the container. */
  latencyMs: number;
}

export interface PortForwardHost {
  clock: Clock;
  logger: Logger;
  /** What the container answers on that port; undefined: nothing listens there. */
  serve(target: ContainerTarget, port: number, req: { method: string; path: string; headers: http.IncomingHttpHeaders; body: string }): Promise<AppResponse | undefined>;
}

/** An in-memory socket: what the HTTP parser writes goes to onWrite, push() feeds it. */
class MemorySocket extends Duplex {
  constructor(private readonly onWrite: (chunk: Buffer) => void) {
    super();
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.onWrite(chunk);
    cb();
  }
}

/** Where one forwarded connection's answers go. */
export interface ForwardSink {
  /** Bytes from the container to the client. */
  write(chunk: Buffer): void;
  /** Nothing listens on the port (or the request failed): the kubelet's error text, then the connection ends. */
  fail(message: string): void;
  /** The container closed the connection. */
  end(): void;
}

/** One forwarded TCP connection: feed it the client's bytes. */
export interface ForwardedConnection {
  push(data: Buffer): void;
  /** The client closed its side: the connection ends once the answers in flight are written. */
  clientEnd(): void;
  destroy(): void;
}

export function refusedMessage(target: ContainerTarget, port: number): string {
  const uid = target.pod.metadata.uid ?? '';
  return `error forwarding port ${port} to pod ${uid}, uid : failed to execute portforward in network namespace: failed to connect to localhost:${port} inside namespace: connection refused`;
}

/**
 * One TCP connection to the container's port: the bytes are parsed as HTTP/1.1 by
 * Node's own parser on an in-memory socket and answered by the application model after
 * its simulated latency; keep-alive works; bytes that are not HTTP close it.
 */
export function forwardConnection(host: PortForwardHost, target: ContainerTarget, port: number, sink: ForwardSink): ForwardedConnection {
  let ended = false;
  let inFlight = 0;
  let clientDone = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    sink.end();
    socket.destroy();
  };
  const socket = new MemorySocket((chunk) => {
    if (chunk.length > 0 && !ended) sink.write(chunk);
  });
  socket.on('finish', finish);
  socket.on('error', () => finish());
  const server = http.createServer((req, res) => {
    inFlight++;
    res.on('finish', () => {
      inFlight--;
      if (clientDone && inFlight === 0) finish();
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      host
        .serve(target, port, { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
        .then((answer) => {
          if (!answer) {
            if (!ended) sink.fail(refusedMessage(target, port));
            ended = true;
            socket.destroy();
            return;
          }
          const wait = answer.latencyMs > 0 ? answer.latencyMs : 0;
          const reply = () => {
            if (ended) return;
            res.writeHead(answer.status, { 'Content-Type': 'text/html', ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
            res.end(answer.body);
          };
          if (wait > 0) host.clock.setTimeout(reply, wait);
          else reply();
        })
        .catch((err: unknown) => {
          host.logger.warn({ err, port }, 'port-forward request failed');
          res.writeHead(502).end();
        });
    });
  });
  server.on('clientError', (_err, s) => {
    s.destroy();
    finish();
  });
  server.emit('connection', socket);
  return {
    push(data) {
      if (!ended && data.length > 0) socket.push(data);
    },
    clientEnd() {
      clientDone = true;
      if (inFlight === 0) finish();
    },
    destroy() {
      ended = true;
      socket.destroy();
    },
  };
}

/** Port-forward over WebSocket: one connection per requested port, for the WebSocket's life. */
export function servePortForward(host: PortForwardHost, ws: WebSocket, proto: Protocol, target: ContainerTarget, ports: number[]): void {
  const send = (channel: number, data: Buffer | string) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(proto, channel, data));
  };
  const conns: ForwardedConnection[] = ports.map((port, i) => {
    send(2 * i, portPrefix(port));
    send(2 * i + 1, portPrefix(port));
    return forwardConnection(host, target, port, {
      write: (chunk) => send(2 * i, chunk),
      fail: (message) => {
        send(2 * i + 1, message);
        ws.close(1000);
      },
      // A WebSocket stream has no half-close per port: the next request on it gets a fresh connection.
      end: () => {},
    });
  });
  ws.on('message', (raw, isBinary) => {
    try {
      const msg = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer);
      const frame = decodeFrame(proto, msg, isBinary);
      if (typeof frame === 'string') return;
      const i = frame.channel / 2;
      const conn = Number.isInteger(i) ? conns[i] : undefined;
      if (conn && frame.data.length > 0) conn.push(frame.data);
    } catch (err) {
      host.logger.warn({ err }, 'port-forward frame handling failed');
    }
  });
  ws.on('close', () => {
    for (const c of conns) c.destroy();
  });
}
