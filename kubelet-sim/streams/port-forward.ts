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

export function servePortForward(host: PortForwardHost, ws: WebSocket, proto: Protocol, target: ContainerTarget, ports: number[]): void {
  const send = (channel: number, data: Buffer | string) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(proto, channel, data));
  };
  const sockets: MemorySocket[] = [];
  ports.forEach((port, i) => {
    send(2 * i, portPrefix(port));
    send(2 * i + 1, portPrefix(port));
    const socket = new MemorySocket((chunk) => {
      if (chunk.length > 0) send(2 * i, chunk);
    });
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        host
          .serve(target, port, { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
          .then((answer) => {
            if (!answer) {
              send(2 * i + 1, `error forwarding port ${port} to pod ${target.pod.metadata.uid}, uid : failed to execute portforward in network namespace: failed to connect to localhost:${port} inside namespace: connection refused`);
              ws.close(1000);
              return;
            }
            const wait = answer.latencyMs > 0 ? answer.latencyMs : 0;
            const reply = () => {
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
    server.on('clientError', (_err, s) => s.destroy());
    server.emit('connection', socket);
    sockets.push(socket);
  });
  ws.on('message', (raw, isBinary) => {
    try {
      const msg = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer);
      const frame = decodeFrame(proto, msg, isBinary);
      if (typeof frame === 'string') return;
      const i = frame.channel / 2;
      const socket = Number.isInteger(i) ? sockets[i] : undefined;
      if (socket && frame.data.length > 0) socket.push(frame.data);
    } catch (err) {
      host.logger.warn({ err }, 'port-forward frame handling failed');
    }
  });
  ws.on('close', () => {
    for (const s of sockets) s.destroy();
  });
}
