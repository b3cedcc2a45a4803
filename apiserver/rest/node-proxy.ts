import http from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KUBELET_ENDPOINT_ANNOTATION, loopbackEndpoint } from '../request/pod-log.js';
import type { RestContext } from './resource-handler.js';
import { ApiError } from '../errors.js';
import { sendBody } from './respond.js';
import { admitSubresource } from '../admission/subresource-admission.js';

/**
 * /api/v1/nodes/{name}/proxy/{path}: kube-apiserver's node proxy, to the node's kubelet
 * (`kubectl get --raw /api/v1/nodes/N/proxy/stats/summary`, `/metrics/resource`).
 *
 * One kubelet-sim process serves many nodes on one loopback port (the Node's
 * kubeling.io/kubelet-endpoint annotation); the node is named by a `/node/{name}` path
 * prefix on that server. Nothing but loopback is dialled.
 */

/** `/api/v1/nodes/n1/proxy/stats/summary?x=1` → node and the kubelet path (with query). */
export function parseNodeProxyPath(url: string): { node: string; path: string } | undefined {
  const [path, qs] = url.split('?', 2);
  const m = /^\/api\/v1\/nodes\/([^/]+)\/proxy(\/.*)?$/.exec(path!);
  if (!m) return undefined;
  let node: string;
  try {
    node = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  return { node, path: `${m[2] ?? '/'}${qs !== undefined ? `?${qs}` : ''}` };
}

/** The kubelet-sim URL of a kubelet path on a node. */
export function kubeletUrl(endpoint: { host: string; port: number }, node: string, path: string): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `http://${host}:${endpoint.port}/node/${encodeURIComponent(node)}${path}`;
}

/**
 * Returns the reply: an async fastify handler that resolves to undefined while a stream
 * is still being piped would make fastify answer an empty 200 on top of it.
 */
export async function serveNodeProxy(ctx: RestContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const parsed = parseNodeProxyPath(req.url);
  if (!parsed) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (!['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not supported`);
  // NotFound with kube's wording: nodes "x" not found.
  const nodes = ctx.registries.forKind('', 'Node');
  const node = await nodes.get(undefined, parsed.node);
  // CONNECT admission of the v1 NodeProxyOptions, as kube admits nodes/proxy.
  await admitSubresource(
    { chain: ctx.registries.admission, request: { user: req.user ?? { username: 'system:anonymous', groups: ['system:unauthenticated'] }, requestVersion: 'v1', warnings: [] } },
    { operation: 'CONNECT', rt: nodes.rt, namespace: undefined, name: parsed.node, subresource: 'proxy', kind: { group: '', version: 'v1', kind: 'NodeProxyOptions' }, object: { kind: 'NodeProxyOptions', apiVersion: 'v1', path: parsed.path.split('?', 1)[0] } as never, oldObject: null, dryRun: false },
  );
  const endpoint = loopbackEndpoint(node.metadata.annotations?.[KUBELET_ENDPOINT_ANNOTATION]);
  if (!endpoint) {
    throw new ApiError(503, 'ServiceUnavailable', `no kubelet endpoint for node "${parsed.node}" (${KUBELET_ENDPOINT_ANNOTATION}); only simulated nodes serve kubelet endpoints`);
  }
  const url = kubeletUrl(endpoint, parsed.node, parsed.path);
  await new Promise<void>((resolve) => {
    const upstream = http.request(url, { method: req.method, timeout: 30_000, headers: { accept: req.headers.accept ?? '*/*' } }, (res) => {
      reply.code(res.statusCode ?? 502);
      const type = res.headers['content-type'];
      if (type) reply.header('content-type', type);
      reply.raw.on('close', () => res.destroy());
      reply.send(res);
      resolve();
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!reply.sent && !reply.raw.headersSent) {
        // kube answers a dial failure with 503 and the error text in the Status message.
        const detail = err.code === 'ECONNREFUSED' ? `dial tcp ${endpoint.host}:${endpoint.port}: connect: connection refused` : err.message;
        sendBody(reply, 503, new ApiError(503, 'ServiceUnavailable', `error trying to reach service: ${detail}`).toStatus());
      }
      resolve();
    });
    const body = req.body;
    upstream.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : undefined);
  });
  return reply;
}
