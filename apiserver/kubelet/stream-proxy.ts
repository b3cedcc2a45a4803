import type { Duplex } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Registries } from '../registry/registries.js';
import { ApiError, badRequest } from '../errors.js';
import { chooseContainer } from '../request/pod-log.js';
import { dialKubelet, kubeletLocation } from './kubelet-client.js';

/**
 * pods/exec, pods/attach and pods/portforward (GET or POST with an Upgrade), as
 * kube-apiserver's ExecREST/AttachREST/PortForwardREST with its upgrade-aware proxy: the
 * request is validated here (pod, container, node, options — so every client, whatever
 * its protocol, gets the same Status for a bad request), then the client's connection
 * and a new connection to the node's kubelet are joined byte for byte; the kubelet-sim
 * answers the WebSocket handshake and speaks the stream protocol (kubelet-sim/streams/).
 *
 * SPDY/3.1 upgrades (kubectl ≤ 1.29 for exec, ≤ 1.30 for port-forward) and kubectl's
 * port-forward over WebSocket, which tunnels SPDY frames (`SPDY/3.1+portforward.k8s.io`),
 * are relayed the same way: the kubelet-sim speaks SPDY (kubelet-sim/streams/spdy/).
 * Where kube-apiserver ends the tunnelling WebSocket itself and speaks SPDY to the
 * kubelet, the kubelet-sim here accepts the tunnel directly: the bytes are the same.
 */

export type StreamKind = 'exec' | 'attach' | 'portforward';

interface PodShape {
  metadata: { name?: string; namespace?: string };
  spec?: { nodeName?: string; containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
  status?: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[]; ephemeralContainerStatuses?: ContainerStatus[]; phase?: string };
}
interface ContainerStatus {
  name: string;
  state?: { running?: unknown; waiting?: unknown; terminated?: unknown };
}

const truthy = (q: URLSearchParams, n: string) => q.get(n) === 'true' || q.get(n) === '1';

/** Which transport the client asks for; undefined: a plain request (kube answers 400 "Upgrade request required"). */
export function upgradeKind(headers: FastifyRequest['headers']): 'websocket' | 'spdy' | 'other' | undefined {
  const upgrade = String(headers.upgrade ?? '').toLowerCase();
  const connection = String(headers.connection ?? '').toLowerCase();
  if (!upgrade || !connection.split(',').some((t) => t.trim() === 'upgrade')) return undefined;
  if (upgrade === 'websocket') {
    const protocols = String(headers['sec-websocket-protocol'] ?? '');
    // kubectl's port-forward over WebSocket carries SPDY inside the WebSocket.
    return /SPDY\/3\.1\+portforward/i.test(protocols) ? 'spdy' : 'websocket';
  }
  return upgrade.startsWith('spdy/') ? 'spdy' : 'other';
}

/** The request's options checked as the apiserver and kubelet check them; returns the container (exec/attach). */
export function validateStreamRequest(kind: StreamKind, pod: PodShape, q: URLSearchParams): string | undefined {
  const name = pod.metadata.name ?? '';
  if (kind === 'portforward') {
    if (!pod.spec?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    if (pod.status?.phase !== 'Running') throw badRequest(`pod ${name} is not running (phase ${pod.status?.phase ?? 'Pending'})`);
    return undefined;
  }
  const container = chooseContainer(pod as Parameters<typeof chooseContainer>[0], q.get('container') || undefined);
  if (!pod.spec?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  if (!['stdin', 'stdout', 'stderr'].some((n) => truthy(q, n))) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (kind === 'exec' && !q.getAll('command').some((c) => c !== '')) throw badRequest('you must specify at least one command for the container');
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  const st = statuses.find((s) => s.name === container);
  if (!st?.state?.running) throw badRequest(`container ${container} is not running: unable to upgrade connection: container not found ("${container}")`);
  return container;
}

/** Writes a Status answer on a raw (upgrade) connection and closes it. */
export function writeStatus(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[err.code] ?? 'Error';
  try {
    socket.end(`HTTP/1.1 ${err.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  } catch {
    socket.destroy();
  }
}

/** Headers of the handshake that the kubelet needs; credentials stay here. */
const FORWARDED = ['upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'x-stream-protocol-version'];

export async function serveStream(ctx: { registries: Registries }, req: FastifyRequest, reply: FastifyReply, namespace: string, name: string, kind: StreamKind): Promise<void> {
  const [, qs = ''] = req.url.split('?', 2);
  const q = new URLSearchParams(qs);
  const pod = (await ctx.registries.forKind('', 'Pod').get(namespace, name)) as PodShape;
  const transport = upgradeKind(req.headers);
  const socket = req.raw.socket as Duplex | null;
  const container = validateStreamRequest(kind, pod, q);
  if (transport === undefined || !socket) throw badRequest('Upgrade request required');
  if (transport === 'other') throw badRequest(`unsupported upgrade protocol "${String(req.headers.upgrade)}"`);

  const loc = await kubeletLocation(ctx.registries, pod.spec!.nodeName!);
  const upstream = await dialKubelet(loc);
  reply.hijack();
  const path =
    kind === 'portforward'
      ? `/portForward/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`
      : `/${kind}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container!)}`;
  let head = `GET ${path}${qs ? `?${qs}` : ''} HTTP/1.1\r\nHost: ${loc.host}:${loc.port}\r\n`;
  for (const h of FORWARDED) {
    const v = req.headers[h];
    if (v !== undefined) head += `${h}: ${Array.isArray(v) ? v.join(', ') : v}\r\n`;
  }
  upstream.write(`${head}\r\n`);
  const close = () => {
    socket.destroy();
    upstream.destroy();
  };
  upstream.on('error', close);
  socket.on('error', close);
  upstream.on('close', close);
  socket.on('close', close);
  upstream.pipe(socket);
  socket.pipe(upstream);
}

/** For an upgrade request, errors go on the raw connection (there is no HTTP exchange left to answer on). */
export function isUpgradeRequest(req: FastifyRequest): boolean {
  return upgradeKind(req.headers) !== undefined && req.raw.socket !== null;
}
