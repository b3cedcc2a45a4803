import http from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError, KubeObject } from '../../api/types.js';
import { forbidden as forbiddenField, invalid as invalidField } from '../../api/validation.js';
import type { Registries } from '../registry/registries.js';
import { ApiError, badRequest, invalid } from '../errors.js';
import { boolParam, intParam, param, type Query } from '../rest/query.js';
import { sendBody } from '../rest/respond.js';
import { KUBELET_ENDPOINT_ANNOTATION, loopbackEndpoint } from '../../api/core/kubelet-endpoint.js';

/**
 * GET /api/v1/namespaces/{ns}/pods/{name}/log — `kubectl logs`. As kube-apiserver's
 * LogREST: validate the options, read the pod, pick the container (the only one, or the
 * one named), find its node's kubelet and proxy the request there, streaming the plain
 * text back (follow keeps the stream open). Kubeling's kubelets are simulated: a Node
 * publishes its kubelet's loopback address in the kubeling.io/kubelet-endpoint annotation
 * (kubelet-sim/); only loopback endpoints are ever dialled.
 */

export { KUBELET_ENDPOINT_ANNOTATION, loopbackEndpoint } from '../../api/core/kubelet-endpoint.js';

interface PodShape {
  metadata: KubeObject['metadata'];
  spec?: {
    nodeName?: string;
    containers?: Array<{ name: string }>;
    initContainers?: Array<{ name: string }>;
    ephemeralContainers?: Array<{ name: string }>;
  };
}

export interface PodLogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
}

/** Parses and validates the query as ValidatePodLogOptions does (422 PodLogOptions "name" is invalid). */
export function parsePodLogOptions(q: Query, name: string): PodLogOptions {
  const opts: PodLogOptions = {
    container: param(q, 'container') || undefined,
    follow: boolParam(q, 'follow'),
    previous: boolParam(q, 'previous'),
    timestamps: boolParam(q, 'timestamps'),
    tailLines: intParam(q, 'tailLines'),
    sinceSeconds: intParam(q, 'sinceSeconds'),
    limitBytes: intParam(q, 'limitBytes'),
  };
  const sinceTime = param(q, 'sinceTime');
  if (sinceTime) {
    if (Number.isNaN(Date.parse(sinceTime))) throw badRequest(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}" as "2006"`);
    opts.sinceTime = sinceTime;
  }
  const errs: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) errs.push(invalidField('tailLines', opts.tailLines, 'must be greater than or equal to 0'));
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) errs.push(invalidField('limitBytes', opts.limitBytes, 'must be greater than 0'));
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errs.push(forbiddenField('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errs.push(invalidField('sinceSeconds', opts.sinceSeconds, 'must be greater than 0'));
  }
  if (errs.length > 0) throw invalid('PodLogOptions', '', name, errs);
  return opts;
}

/** The container the request is about, or kube-apiserver's 400 (validateContainer). */
export function chooseContainer(pod: PodShape, requested: string | undefined): string {
  const name = pod.metadata.name ?? '';
  const names = (list?: Array<{ name: string }>) => (list ?? []).map((c) => c.name);
  const containers = names(pod.spec?.containers);
  const inits = names(pod.spec?.initContainers);
  const ephemeral = names(pod.spec?.ephemeralContainers);
  if (requested) {
    if (![...containers, ...inits, ...ephemeral].includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  if (containers.length === 1) return containers[0]!;
  let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
  if (inits.length > 0) message += ` or one of the init containers: [${inits.join(' ')}]`;
  if (ephemeral.length > 0) message += ` or one of the ephemeral containers: [${ephemeral.join(' ')}]`;
  throw badRequest(message);
}

/** A failed proxy call worded as kube-apiserver's GenericHttpResponseChecker. */
export function upstreamError(code: number, body: string, name: string): ApiError {
  const text = body.trim();
  const details = { name, kind: 'pods/log', causes: [{ reason: 'UnexpectedServerResponse', message: text }] };
  switch (code) {
    case 400:
      return badRequest(text);
    case 404:
      return new ApiError(404, 'NotFound', `the server could not find the requested resource ( pods/log ${name})`, details);
    case 500:
      return new ApiError(500, 'InternalError', `Internal error occurred: ${text}`, { causes: [{ message: text }] });
    case 503:
      return new ApiError(503, 'ServiceUnavailable', `the server is currently unable to handle the request ( pods/log ${name})`, details);
    default:
      return new ApiError(code >= 400 && code < 600 ? code : 500, 'InternalError', `an error on the server ("${text}") has prevented the request from succeeding ( pods/log ${name})`, details);
  }
}

/** A transport failure: kube-apiserver answers 500 with the dial error and no reason. */
function sendDialError(reply: FastifyReply, url: string, err: NodeJS.ErrnoException, host: string, port: number): void {
  const detail =
    err.code === 'ECONNREFUSED' ? `dial tcp ${host}:${port}: connect: connection refused` : err.code === 'ECONNRESET' ? 'read: connection reset by peer' : err.message;
  sendBody(reply, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Get "${url}": ${detail}`, code: 500 });
}

/** Where a pod's container log is read: the kubelet URL, or none (not scheduled: an empty log). */
export interface PodLogTarget {
  container: string;
  url?: string;
  endpoint?: { host: string; port: number };
}

export async function podLogTarget(registries: Registries, namespace: string, name: string, opts: PodLogOptions): Promise<PodLogTarget> {
  const pod = (await registries.forKind('', 'Pod').get(namespace, name)) as PodShape;
  const container = chooseContainer(pod, opts.container);
  const nodeName = pod.spec?.nodeName;
  // Not scheduled yet: kube-apiserver returns an empty log, not an error.
  if (!nodeName) return { container };
  const node = await registries.forKind('', 'Node').get(undefined, nodeName);
  const endpoint = loopbackEndpoint(node.metadata.annotations?.[KUBELET_ENDPOINT_ANNOTATION]);
  if (!endpoint) {
    throw new ApiError(500, 'InternalError', `Internal error occurred: node "${nodeName}" publishes no kubelet endpoint (${KUBELET_ENDPOINT_ANNOTATION}); only simulated nodes serve logs`);
  }
  const q = new URLSearchParams();
  if (opts.follow) q.set('follow', 'true');
  if (opts.previous) q.set('previous', 'true');
  if (opts.timestamps) q.set('timestamps', 'true');
  if (opts.tailLines !== undefined) q.set('tailLines', String(opts.tailLines));
  if (opts.sinceSeconds !== undefined) q.set('sinceSeconds', String(opts.sinceSeconds));
  if (opts.sinceTime !== undefined) q.set('sinceTime', opts.sinceTime);
  if (opts.limitBytes !== undefined) q.set('limitBytes', String(opts.limitBytes));
  const path = `/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}`;
  const hostPart = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return { container, endpoint, url: `http://${hostPart}:${endpoint.port}${path}${q.size > 0 ? `?${q}` : ''}` };
}

/**
 * A pod's log as one string, at most `maxBytes` (for GraphQL's Pod.logs; REST streams
 * instead). Errors are the same ApiErrors REST answers with.
 */
export async function readPodLog(registries: Registries, namespace: string, name: string, opts: PodLogOptions, maxBytes = 1 << 20): Promise<string> {
  const target = await podLogTarget(registries, namespace, name, { ...opts, follow: false });
  if (!target.url) return '';
  const url = target.url;
  return new Promise<string>((resolve, reject) => {
    const upstream = http.get(url, { timeout: 30_000 }, (res) => {
      const code = res.statusCode ?? 500;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < maxBytes) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
        if (code < 200 || code > 206) reject(upstreamError(code, body.slice(0, 16_384), name));
        else resolve(body);
      });
      res.on('error', reject);
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) =>
      reject(new ApiError(500, 'InternalError', `Get "${url}": ${err.code === 'ECONNREFUSED' ? `dial tcp ${target.endpoint!.host}:${target.endpoint!.port}: connect: connection refused` : err.message}`)),
    );
  });
}

export async function servePodLog(
  ctx: { registries: Registries },
  req: FastifyRequest,
  reply: FastifyReply,
  namespace: string,
  name: string,
): Promise<void> {
  const opts = parsePodLogOptions(req.query as Query, name);
  const target = await podLogTarget(ctx.registries, namespace, name, opts);
  if (!target.url || !target.endpoint) {
    reply.code(200).header('content-type', 'text/plain').send('');
    return;
  }
  const { url, endpoint } = target;

  await new Promise<void>((resolve) => {
    const upstream = http.get(url, { timeout: 30_000 }, (res) => {
      const code = res.statusCode ?? 500;
      if (code < 200 || code > 206) {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < 16_384) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          const api = upstreamError(code, Buffer.concat(chunks).toString('utf8').slice(0, 16_384), name);
          sendBody(reply, api.code, api.toStatus());
          resolve();
        });
        res.on('error', () => resolve());
        return;
      }
      upstream.setTimeout(0); // a follow stream may stay quiet for long
      // The client going away ends the upstream stream (and with it the kubelet's follow).
      reply.raw.on('close', () => res.destroy());
      reply.code(200).header('content-type', 'text/plain').send(res);
      resolve();
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!reply.sent && !reply.raw.headersSent) sendDialError(reply, url, err, endpoint.host, endpoint.port);
      resolve();
    });
  });
}
