import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Instance } from './cloud-state.js';
import { CloudError, type CloudErrorCode, type CloudProvider, type NodeGroupView } from './cloud-provider.js';

/**
 * The simulated cloud's API over HTTP, for when the cloud (`kubeling cloud`), the cloud
 * controller manager and the cluster autoscaler run as separate processes: a small JSON
 * API on loopback, and `HttpCloud`, the CloudProvider that calls it. In `kubeling up`
 * everything is in one process and the cloud object is used directly.
 *
 *   GET    /v1/nodegroups                    → NodeGroupView[]
 *   GET    /v1/instances[?group=G]           → Instance[]
 *   POST   /v1/nodegroups/G/increase {delta}
 *   POST   /v1/nodegroups/G/delete   {ids}
 *   PUT    /v1/loadbalancers/NS%2FNAME       → {ip}
 *   DELETE /v1/loadbalancers/NS%2FNAME
 *   GET    /v1/routes                        → {node: cidr}
 *   PUT    /v1/routes/NODE {cidr} · DELETE /v1/routes/NODE
 *
 * Refusals answer 4xx with {code, message} (CloudError on the client side).
 */

const STATUS: Record<CloudErrorCode, number> = {
  NotFound: 404,
  MaxSizeReached: 409,
  MinSizeReached: 409,
  QuotaExceeded: 403,
  OutOfResources: 503,
  PoolExhausted: 503,
  Invalid: 400,
};

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  if (text === '') return {};
  const v: unknown = JSON.parse(text);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new CloudError('Invalid', 'request body must be a JSON object');
  return v as Record<string, unknown>;
}

function send(res: ServerResponse, code: number, value: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value ?? {}));
}

async function route(cloud: CloudProvider, req: IncomingMessage): Promise<unknown> {
  const url = new URL(req.url ?? '/', 'http://cloud');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const m = req.method ?? 'GET';
  if (parts[0] !== 'v1') throw new CloudError('NotFound', `no such path ${url.pathname}`);
  const [, what, id, verb] = parts;
  if (what === 'nodegroups' && !id && m === 'GET') return cloud.nodeGroups();
  if (what === 'instances' && !id && m === 'GET') return cloud.instances(url.searchParams.get('group') ?? undefined);
  if (what === 'nodegroups' && id && verb === 'increase' && m === 'POST') {
    const b = await body(req);
    return cloud.increaseSize(id, Number(b['delta']));
  }
  if (what === 'nodegroups' && id && verb === 'delete' && m === 'POST') {
    const ids = (await body(req))['ids'];
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw new CloudError('Invalid', 'ids must be a list of instance ids');
    return cloud.deleteInstances(id, ids);
  }
  if (what === 'loadbalancers' && id && m === 'PUT') return { ip: await cloud.ensureLoadBalancer(id) };
  if (what === 'loadbalancers' && id && m === 'DELETE') return cloud.deleteLoadBalancer(id);
  if (what === 'routes' && !id && m === 'GET') return cloud.routes();
  if (what === 'routes' && id && m === 'PUT') {
    const cidr = (await body(req))['cidr'];
    if (typeof cidr !== 'string') throw new CloudError('Invalid', 'cidr must be a string');
    return cloud.createRoute(id, cidr);
  }
  if (what === 'routes' && id && m === 'DELETE') return cloud.deleteRoute(id);
  throw new CloudError('NotFound', `no route for ${m} ${url.pathname}`);
}

export async function serveCloud(cloud: CloudProvider, host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    route(cloud, req)
      .then((v) => send(res, 200, v))
      .catch((err: unknown) => {
        if (err instanceof CloudError) send(res, STATUS[err.code], { code: err.code, message: err.message });
        else if (err instanceof SyntaxError) send(res, 400, { code: 'Invalid', message: `invalid JSON: ${err.message}` });
        else send(res, 500, { code: 'Internal', message: (err as Error).message });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A CloudProvider talking to `kubeling cloud` at baseUrl (e.g. http://127.0.0.1:8086). */
export class HttpCloud implements CloudProvider {
  constructor(private readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, payload?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      ...(payload !== undefined ? { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } } : {}),
    });
    const v = (await res.json()) as T & { code?: CloudErrorCode; message?: string };
    if (!res.ok) throw new CloudError((v.code ?? 'Invalid') as CloudErrorCode, v.message ?? `cloud answered ${res.status}`);
    return v;
  }

  nodeGroups(): Promise<NodeGroupView[]> {
    return this.call('GET', '/v1/nodegroups');
  }
  instances(group?: string): Promise<Instance[]> {
    return this.call('GET', `/v1/instances${group ? `?group=${encodeURIComponent(group)}` : ''}`);
  }
  async increaseSize(group: string, delta: number): Promise<void> {
    await this.call('POST', `/v1/nodegroups/${encodeURIComponent(group)}/increase`, { delta });
  }
  async deleteInstances(group: string, ids: readonly string[]): Promise<void> {
    await this.call('POST', `/v1/nodegroups/${encodeURIComponent(group)}/delete`, { ids });
  }
  async ensureLoadBalancer(serviceKey: string): Promise<string> {
    return (await this.call<{ ip: string }>('PUT', `/v1/loadbalancers/${encodeURIComponent(serviceKey)}`)).ip;
  }
  async deleteLoadBalancer(serviceKey: string): Promise<void> {
    await this.call('DELETE', `/v1/loadbalancers/${encodeURIComponent(serviceKey)}`);
  }
  async createRoute(nodeName: string, cidr: string): Promise<void> {
    await this.call('PUT', `/v1/routes/${encodeURIComponent(nodeName)}`, { cidr });
  }
  async deleteRoute(nodeName: string): Promise<void> {
    await this.call('DELETE', `/v1/routes/${encodeURIComponent(nodeName)}`);
  }
  routes(): Promise<Record<string, string>> {
    return this.call('GET', '/v1/routes');
  }
}
