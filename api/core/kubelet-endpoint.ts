/**
 * Where a simulated Node's kubelet serves logs, exec, attach and port-forward: the Node
 * carries `kubeling.io/kubelet-endpoint: 127.0.0.1:PORT` (written by kubelet-sim, read by
 * the apiserver's kubelet client). Defined once here for both sides. Only loopback
 * endpoints are ever dialled: nothing simulated is reached over a real network.
 */
export const KUBELET_ENDPOINT_ANNOTATION = 'kubeling.io/kubelet-endpoint';

/** `127.0.0.1:PORT` → host and port, only for loopback hosts. */
export function loopbackEndpoint(value: string | undefined): { host: string; port: number } | undefined {
  if (!value) return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim());
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  return loopback && port > 0 && port < 65536 ? { host, port } : undefined;
}
