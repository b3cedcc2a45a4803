import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { realClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { DataPath } from '../network/data-path.js';
import type { HostListenerSpec } from './host-addresses.js';

/**
 * Real loopback HTTP listeners for NodePorts and load balancers. Each request is answered
 * by the simulated data path from the host (`{ host: true }`) to the simulated address,
 * so it follows kube-proxy's rules like any other: the load spreads over the endpoints,
 * a refused connection is reset, a dropped one never answers. A port taken on the host is
 * reported (log + onError) and skipped, never a crash.
 */

export interface HostListenersOptions {
  readonly dataPath: () => DataPath;
  /** The simulated destination of a NodePort request: a node address (undefined: no node yet). */
  readonly nodeAddress: () => string | undefined;
  readonly logger: Logger;
  readonly onError: (spec: HostListenerSpec, err: Error) => void;
  /** How long a dropped connection is held before it is closed (Linux's connect timeout). */
  readonly dropHoldMs?: number;
  /** Waits out the simulated request latency (default: real time). */
  readonly clock?: Clock;
  /** Upper bound of that wait (default 10 s): a model's slow answer never holds a socket longer. */
  readonly maxLatencyMs?: number;
}

export const DEFAULT_MAX_LATENCY_MS = 10_000;

interface Running {
  spec: HostListenerSpec;
  server: Server;
  ready: Promise<void>;
  failed: boolean;
}

export class HostListeners {
  private readonly running = new Map<string, Running>();

  constructor(private readonly o: HostListenersOptions) {}

  /** Opens the listeners in `desired` not yet open and closes the others. A failed one is retried on the next sync. */
  sync(desired: readonly HostListenerSpec[]): void {
    const want = new Map(desired.map((d) => [d.key, d]));
    for (const [key, r] of this.running) {
      const d = want.get(key);
      if (!d || r.failed || d.namespace !== r.spec.namespace || d.service !== r.spec.service || d.lbIP !== r.spec.lbIP) {
        if (!r.failed) r.server.close();
        r.server.closeAllConnections?.();
        this.running.delete(key);
      } else {
        r.spec = d;
      }
    }
    for (const [key, d] of want) if (!this.running.has(key)) this.open(d);
  }

  private open(spec: HostListenerSpec): void {
    const server = createServer((req, res) => this.handle(entry.spec, req, res));
    const entry: Running = { spec, server, failed: false, ready: Promise.resolve() };
    entry.ready = new Promise<void>((resolve) => {
      server.once('listening', () => {
        this.o.logger.info({ address: spec.address, port: spec.port, service: `${spec.namespace}/${spec.service}`, kind: spec.kind }, 'serving on the host');
        resolve();
      });
      server.once('error', (err: Error) => {
        entry.failed = true;
        this.o.logger.warn({ err, address: spec.address, port: spec.port, service: `${spec.namespace}/${spec.service}` }, "can't open port, skipping it");
        this.o.onError(spec, err);
        resolve();
      });
    });
    this.running.set(spec.key, entry);
    server.listen(spec.port, spec.address);
  }

  private handle(spec: HostListenerSpec, req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const target = spec.kind === 'LoadBalancer' ? `http://${spec.lbIP}:${spec.port}${path}` : `http://${this.o.nodeAddress() ?? '0.0.0.0'}:${spec.port}${path}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const r = this.o.dataPath().send({ from: { host: true }, target, method: req.method ?? 'GET', headers });
    req.resume();
    if (r.outcome === 'response' && r.status !== undefined) {
      const status = r.status;
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(status, r.statusText ?? '', { ...(r.headers ?? {}), 'Content-Length': String(Buffer.byteLength(r.body ?? '')) });
        res.end(r.body ?? '');
      };
      // The answer comes after the request's simulated time (network + the app's latency), bounded.
      const wait = Math.min(Math.max(0, r.latencyMs), this.o.maxLatencyMs ?? DEFAULT_MAX_LATENCY_MS);
      if (wait >= 1) {
        const clock = this.o.clock ?? realClock;
        const t = clock.setTimeout(answer, wait);
        req.socket.once('close', () => clock.clearTimeout(t));
      } else answer();
      return;
    }
    if (r.outcome === 'timeout') {
      // Dropped: the client sees nothing until its own timeout.
      const t = setTimeout(() => req.socket.destroy(), this.o.dropHoldMs ?? 127_000);
      t.unref();
      req.socket.once('close', () => clearTimeout(t));
      return;
    }
    // Refused, unreachable or no HTTP: the connection is reset.
    req.socket.resetAndDestroy();
  }

  /** Resolves once every listener opened so far has bound or failed. */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.ready));
  }

  listening(): HostListenerSpec[] {
    return [...this.running.values()].filter((r) => !r.failed).map((r) => r.spec);
  }

  async close(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(
      all.map(
        (r) =>
          new Promise<void>((resolve) => {
            if (r.failed) return resolve();
            r.server.close(() => resolve());
            r.server.closeAllConnections?.();
          }),
      ),
    );
  }
}
