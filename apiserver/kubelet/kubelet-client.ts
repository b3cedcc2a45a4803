import net from 'node:net';
import type { Duplex } from 'node:stream';
import { KUBELET_ENDPOINT_ANNOTATION, loopbackEndpoint } from '../../api/core/kubelet-endpoint.js';
import type { Registries } from '../registry/registries.js';
import { ApiError } from '../errors.js';

/**
 * How the apiserver reaches a node's kubelet (kube-apiserver's kubeletclient): the Node's
 * published endpoint, then a connection to it. Logs (rest/pod-log.ts) read the same
 * annotation; exec, attach and port-forward relay their upgraded connection through here.
 */

export interface KubeletLocation {
  host: string;
  port: number;
  node: string;
}

/** The kubelet of a node, or a 500 worded as kube-apiserver's when there is none to dial. */
export async function kubeletLocation(registries: Registries, nodeName: string): Promise<KubeletLocation> {
  const node = await registries.forKind('', 'Node').get(undefined, nodeName);
  const endpoint = loopbackEndpoint(node.metadata.annotations?.[KUBELET_ENDPOINT_ANNOTATION]);
  if (!endpoint) {
    throw new ApiError(500, 'InternalError', `Internal error occurred: node "${nodeName}" publishes no kubelet endpoint (${KUBELET_ENDPOINT_ANNOTATION}); only simulated nodes serve exec, attach, port-forward and logs`);
  }
  return { ...endpoint, node: nodeName };
}

/** Connects to the kubelet; rejects with the dial error kube-apiserver reports ("error dialing backend: …"). */
export function dialKubelet(loc: KubeletLocation, timeoutMs = 10_000): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: loc.host, port: loc.port });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const detail = err.code === 'ECONNREFUSED' ? `dial tcp ${loc.host}:${loc.port}: connect: connection refused` : err.message;
      reject(new ApiError(500, 'InternalError', `error dialing backend: ${detail}`));
    });
  });
}
