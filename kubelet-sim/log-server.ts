import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, TimerHandle } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { selectContainerLog, type LogTarget } from './container-log.js';
import { formatLine, lineAt, lineCount, nextLineAt, renderLog, runLines, truncateBytes, type LogQuery, type RunLogSpec } from './log-content.js';
import { parseTime } from './time.js';
import { renderResourceMetrics } from './usage/resource-metrics.js';
import { renderSummary } from './usage/summary.js';
import type { NodeSample } from './usage/usage-model.js';

/**
 * The kubelet-sim's own HTTP server, on loopback unless `kubelet-sim --address` says otherwise
 * (a container listens on 0.0.0.0 and the apiserver's container forwards its loopback port here):
 *
 *   GET  /containerLogs/{namespace}/{pod}/{container}   the kubelet's log endpoint (the
 *        apiserver's pods/log proxies here); query: follow, tailLines, timestamps,
 *        previous, sinceSeconds, sinceTime, limitBytes. 200 text/plain, or a plain-text
 *        error: 400 (container not running, no previous), 404 (unknown pod/container),
 *        503 (the node is failed: its kubelet is "down").
 *   POST /nodes/{name}/fail | /nodes/{name}/recover     the failure control
 *   GET  /nodes                                         JSON: name, failed, registered, pods
 *   GET  /healthz                                       ok
 *   GET  /node/{name}/stats/summary                     the kubelet's Summary API (JSON)
 *   GET  /node/{name}/metrics/resource                  the kubelet's resource metrics (Prometheus
 *        text; what metrics-server scrapes). 404 for a node not simulated here, 503 when
 *        it is failed. One process serves many nodes, so the node is a path prefix (the
 *        apiserver's node proxy and the metrics server add it).
 */

export interface LogServerHost {
  clock: Clock;
  logger: Logger;
  defaultIntervalMs: number;
  lookup(namespace: string, name: string): (LogTarget & { failed: boolean }) | undefined;
  /** fn runs when the pod's simulated state changes or it goes away. */
  watch(namespace: string, name: string, fn: () => void): () => void;
  failNode(name: string): void;
  recoverNode(name: string): void;
  listNodes(): Array<{ name: string; failed: boolean; registered: boolean; pods: number }>;
  /** A node's usage now; 'failed' when its kubelet is down; undefined when unknown here. */
  nodeStats?(name: string): NodeSample | 'failed' | undefined;
}

export interface LogServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on address:port (127.0.0.1 and a free port by default). onUpgrade serves the WebSocket streams
 * (exec, attach, port-forward: streams/exec-server.ts).
 */
export function startLogServer(
  host: LogServerHost,
  port = 0,
  onUpgrade?: (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void,
  address = '127.0.0.1',
): Promise<LogServer> {
  const open = new Set<http.ServerResponse>();
  const upgraded = new Set<import('node:stream').Duplex>();
  const server = http.createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    try {
      route(host, req, res);
    } catch (err) {
      host.logger.error({ err, url: req.url }, 'kubelet-sim request failed');
      if (!res.headersSent) text(res, 500, (err as Error).message);
      else res.end();
    }
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    if (onUpgrade) onUpgrade(req, socket, head);
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const res of open) res.destroy();
            for (const socket of upgraded) socket.destroy();
            server.close(() => done());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}

function text(res: http.ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function json(res: http.ServerResponse, code: number, body: unknown): void {
  const s = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(s) });
  res.end(s);
}

function route(host: LogServerHost, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (req.method === 'GET' && parts[0] === 'containerLogs' && parts.length === 4) {
    serveLogs(host, req, res, parts[1]!, parts[2]!, parts[3]!, url.searchParams);
    return;
  }
  if (req.method === 'POST' && parts[0] === 'nodes' && parts.length === 3 && (parts[2] === 'fail' || parts[2] === 'recover')) {
    try {
      if (parts[2] === 'fail') host.failNode(parts[1]!);
      else host.recoverNode(parts[1]!);
    } catch (err) {
      json(res, 404, { error: (err as Error).message });
      return;
    }
    json(res, 200, { node: parts[1], failed: parts[2] === 'fail' });
    return;
  }
  if (req.method === 'GET' && url.pathname === '/nodes') {
    json(res, 200, { nodes: host.listNodes() });
    return;
  }
  if (['exec', 'attach', 'portForward', 'portforward'].includes(parts[0] ?? '')) {
    text(res, 400, 'Upgrade request required');
    return;
  }
  if (req.method === 'GET' && parts[0] === 'node' && parts.length >= 3 && host.nodeStats) {
    const kubeletPath = `/${parts.slice(2).join('/')}`;
    if (kubeletPath !== '/stats/summary' && kubeletPath !== '/metrics/resource' && kubeletPath !== '/healthz') return text(res, 404, '404 page not found\n');
    const sample = host.nodeStats(parts[1]!);
    if (sample === undefined) return text(res, 404, `node "${parts[1]}" is not simulated here\n`);
    if (sample === 'failed') return text(res, 503, `kubelet on node "${parts[1]}" is not responding (simulated node failure)\n`);
    if (kubeletPath === '/healthz') return text(res, 200, 'ok');
    if (kubeletPath === '/stats/summary') return json(res, 200, renderSummary(sample));
    const body = renderResourceMetrics(sample);
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (req.method === 'GET' && url.pathname === '/healthz') {
    text(res, 200, 'ok');
    return;
  }
  text(res, 404, '404 page not found\n');
}

/** Query parameters of a log request; a message for the first malformed one. */
export function parseLogQuery(q: URLSearchParams, now: number): { query: LogQuery; follow: boolean; previous: boolean } | string {
  const bool = (name: string) => q.get(name) === 'true' || q.get(name) === '1';
  const int = (name: string): number | undefined | string => {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    return /^-?\d+$/.test(v) ? Number(v) : `invalid ${name}: "${v}"`;
  };
  const tailLines = int('tailLines');
  const sinceSeconds = int('sinceSeconds');
  const limitBytes = int('limitBytes');
  for (const v of [tailLines, sinceSeconds, limitBytes]) if (typeof v === 'string') return v;
  const query: LogQuery = { timestamps: bool('timestamps') };
  if (typeof tailLines === 'number' && tailLines >= 0) query.tailLines = tailLines;
  if (typeof limitBytes === 'number' && limitBytes > 0) query.limitBytes = limitBytes;
  if (typeof sinceSeconds === 'number') query.since = now - sinceSeconds * 1000;
  const sinceTime = parseTime(q.get('sinceTime'));
  if (sinceTime !== undefined) query.since = sinceTime;
  return { query, follow: bool('follow'), previous: bool('previous') };
}

function serveLogs(
  host: LogServerHost,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  namespace: string,
  name: string,
  container: string,
  params: URLSearchParams,
): void {
  const now = host.clock.now();
  const target = host.lookup(namespace, name);
  if (!target) return text(res, 404, `pod "${name}" does not exist`);
  if (target.failed) return text(res, 503, `kubelet on node "${target.node}" is not responding (simulated node failure)`);
  const parsed = parseLogQuery(params, now);
  if (typeof parsed === 'string') return text(res, 400, parsed);
  const sel = selectContainerLog(target, container, parsed.previous, host.defaultIntervalMs);
  if (!sel.ok) return text(res, sel.code, sel.message);
  const { query } = parsed;
  const ended = sel.spec.finishedAt !== undefined && sel.spec.finishedAt <= now;
  if (!parsed.follow || parsed.previous || ended) {
    const body = renderLog(runLines(sel.spec, now), query);
    return text(res, 200, body);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Transfer-Encoding': 'chunked' });
  const initial = renderLog(runLines(sel.spec, now), query);
  res.write(initial);
  const left = query.limitBytes !== undefined ? query.limitBytes - Buffer.byteLength(initial) : Infinity;
  if (left <= 0) {
    res.end();
    return;
  }
  followRun(host, req, res, namespace, name, container, sel.spec, lineCount(sel.spec, now), left, query.timestamps ?? false);
}

/**
 * Streams a running container's new lines as they are "printed" (on the injected clock)
 * and ends, as kubelet does, when the container stops, the pod goes, or limitBytes is spent.
 */
function followRun(
  host: LogServerHost,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  namespace: string,
  name: string,
  container: string,
  first: RunLogSpec,
  sentLines: number,
  bytesLeft: number,
  timestamps: boolean,
): void {
  let spec = first;
  let sent = sentLines;
  let left = bytesLeft;
  let timer: TimerHandle | undefined;
  let done = false;

  const finish = (): void => {
    if (done) return;
    done = true;
    if (timer) host.clock.clearTimeout(timer);
    unwatch();
    res.end();
  };

  const pump = (): void => {
    if (done) return;
    timer = undefined;
    const now = host.clock.now();
    const total = lineCount(spec, now);
    for (; sent < total; sent++) {
      let chunk = formatLine(lineAt(spec, sent, now), timestamps);
      const size = Buffer.byteLength(chunk);
      if (size >= left) {
        chunk = truncateBytes(chunk, left);
        res.write(chunk);
        finish();
        return;
      }
      left -= size;
      res.write(chunk);
    }
    if (spec.finishedAt !== undefined && spec.finishedAt <= now) {
      finish();
      return;
    }
    const next = nextLineAt(spec, now);
    if (next !== undefined) timer = host.clock.setTimeout(pump, next - now);
  };

  const onChange = (): void => {
    if (done) return;
    const target = host.lookup(namespace, name);
    if (!target || target.failed) return finish();
    const sel = selectContainerLog(target, container, false, host.defaultIntervalMs);
    if (sel.ok && sel.spec.startedAt === spec.startedAt) spec = sel.spec;
    else {
      // The run we follow is over (the container restarted or the pod stopped): print its end.
      const last = target.sim.last?.startedAt === spec.startedAt ? target.sim.last : undefined;
      spec = last
        ? { ...spec, finishedAt: last.finishedAt, exitCode: last.exitCode, endedBy: last.killed ? 'stop' : 'exit' }
        : { ...spec, finishedAt: spec.finishedAt ?? host.clock.now() };
    }
    if (timer) host.clock.clearTimeout(timer);
    pump();
  };

  const unwatch = host.watch(namespace, name, onChange);
  req.on('close', finish);
  res.on('close', finish);
  pump();
}
