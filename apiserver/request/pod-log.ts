import http from 'node:http';
import type { KubeObject } from '../../api/types.js';
import type { Registries } from '../registry/registries.js';
import { ApiError, badRequest } from '../errors.js';
import { KUBELET_ENDPOINT_ANNOTATION, loopbackEndpoint } from '../../api/core/kubelet-endpoint.js';

/**
 * A pod's container log, transport-independent (REST's pods/log in
 * rest/pod-log-handler.ts, GraphQL's Pod.logs): as kube-apiserver's LogREST, read the pod,
 * pick the container (the only one, or the one named), find its node's kubelet and read
 * there. Kubeling's kubelets are simulated: a Node
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
