import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestClient, loadKubeconfig, type HttpRestClient } from '../../client/rest-client.js';
import { createLogger } from '../../lib/logger.js';
import { startIngressController, type RunningIngressController } from '../../ingress-controller/controller.js';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * The common ingress-nginx annotations through the simulated controller, with manifests
 * from ingress-nginx's examples (rewrite, app-root, redirects, canary) against the
 * echoserver, which prints the path it received; resource backends and missing Services
 * answer 503 as ingress-nginx does.
 */
const cluster = useClusterWithComponents({ nodes: 2 });

let ic: RunningIngressController;
let client: HttpRestClient;

beforeAll(async () => {
  const c = cluster();
  client = createRestClient(loadKubeconfig(c.kubeconfigPath));
  ic = await startIngressController({ client, httpPort: 0, httpsPort: 0, logger: createLogger({ level: 'silent' }) });
});

afterAll(async () => {
  await ic?.stop();
  client?.close();
});

interface Answer {
  status: number;
  body: string;
  location?: string;
}

function get(host: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: ic.httpPort, path, headers: { host, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ok = async (c: ClusterWithComponents, args: string[], stdin?: string): Promise<string> => {
  const res = await c.kubectl(args, stdin === undefined ? {} : { stdin });
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
};

const ingress = (name: string, host: string, annotations: Record<string, string>, path: string, pathType: string, backend: string) => `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  annotations:
${Object.entries(annotations).map(([k, v]) => `    nginx.ingress.kubernetes.io/${k}: "${v}"`).join('\n') || '    {}'}
spec:
  ingressClassName: nginx
  rules:
  - host: ${host}
    http:
      paths:
      - path: ${path}
        pathType: ${pathType}
        backend: ${backend}
`;
const svc = (name: string, port = 8080) => `{service: {name: ${name}, port: {number: ${port}}}}`;

describe('ingress-nginx annotations', () => {
  it('rewrites with capture groups, redirects, and splits to a canary', async () => {
    const c = cluster();
    for (const name of ['echo', 'echo-next']) {
      await ok(c, ['create', 'deployment', name, '--image=registry.k8s.io/echoserver:1.10']);
      await ok(c, ['expose', 'deployment', name, '--port=8080']);
    }
    await ok(c, ['apply', '-f', '-'], ingress('rewrite', 'rewrite.bar.com', { 'rewrite-target': '/$2' }, '/something(/|$)(.*)', 'ImplementationSpecific', svc('echo')));
    const rewritten = await waitUntil(async () => {
      const a = await get('rewrite.bar.com', '/something/new?x=1');
      if (a.status !== 200) throw new Error(`${a.status} ${a.body}`);
      return a;
    }, 'rewrite answers', 60_000);
    expect(rewritten.body).toContain('real path=/new\n');
    expect(rewritten.body).toContain('query=x=1\n');
    expect((await get('rewrite.bar.com', '/something')).body).toContain('real path=/\n');

    await ok(c, ['apply', '-f', '-'], ingress('approot', 'approot.bar.com', { 'app-root': '/app1' }, '/', 'Prefix', svc('echo')));
    await ok(c, ['apply', '-f', '-'], ingress('moved', 'moved.bar.com', { 'permanent-redirect': 'https://www.example.org' }, '/', 'Prefix', svc('echo')));
    await ok(c, ['apply', '-f', '-'], ingress('secure', 'secure.bar.com', { 'force-ssl-redirect': 'true' }, '/', 'Prefix', svc('echo')));
    await waitUntil(async () => {
      const a = await get('approot.bar.com', '/');
      if (a.status !== 302) throw new Error(`${a.status}`);
      return a;
    }, 'app-root', 30_000);
    expect(await get('approot.bar.com', '/')).toMatchObject({ status: 302, location: 'http://approot.bar.com/app1' });
    expect((await get('approot.bar.com', '/app1')).body).toContain('real path=/app1\n');
    expect(await get('moved.bar.com', '/anything')).toMatchObject({ status: 301, location: 'https://www.example.org' });
    const secure = await get('secure.bar.com', '/a?b=c');
    expect(secure.status).toBe(308);
    expect(secure.location).toBe(`https://secure.bar.com:${ic.httpsPort}/a?b=c`);
    expect(secure.body).toContain('<center><h1>308 Permanent Redirect</h1></center>');

    await ok(c, ['apply', '-f', '-'], ingress('production', 'canary.bar.com', {}, '/', 'Prefix', svc('echo')));
    await ok(c, ['apply', '-f', '-'], ingress('canary', 'canary.bar.com', { canary: 'true', 'canary-by-header': 'X-Canary' }, '/', 'Prefix', svc('echo-next')));
    const toCanary = await waitUntil(async () => {
      const a = await get('canary.bar.com', '/', { 'x-canary': 'always' });
      if (!a.body.includes('Hostname: echo-next-')) throw new Error(`${a.status} ${a.body.slice(0, 80)}`);
      return a;
    }, 'canary by header', 30_000);
    expect(toCanary.status).toBe(200);
    expect((await get('canary.bar.com', '/')).body).toMatch(/Hostname: echo-[a-z0-9]+-[a-z0-9]{5}\n/);
    expect((await get('canary.bar.com', '/', { 'x-canary': 'never' })).body).not.toContain('Hostname: echo-next-');
  });

  it('answers 503 for a resource backend and a missing Service; rejects bad backends', async () => {
    const c = cluster();
    await ok(c, ['apply', '-f', '-'], ingress('bucket', 'static.bar.com', {}, '/', 'Prefix', '{resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static-assets}}'));
    await ok(c, ['apply', '-f', '-'], ingress('gone', 'gone.bar.com', {}, '/', 'Prefix', svc('nowhere', 80)));
    const bucket = await waitUntil(async () => {
      const a = await get('static.bar.com', '/');
      if (a.status === 404) throw new Error('not served yet');
      return a;
    }, 'bucket served', 30_000);
    expect(bucket.status).toBe(503);
    const gone = await waitUntil(async () => {
      const a = await get('gone.bar.com', '/');
      if (a.status === 404) throw new Error('not served yet');
      return a;
    }, 'gone served', 30_000);
    expect(gone.status).toBe(503);
    expect(gone.body).toContain('503 Service Temporarily Unavailable');
    const described = await ok(c, ['describe', 'ingress', 'bucket']);
    expect(described).toMatch(/APIGroup: k8s\.example\.com, Kind: StorageBucket, Name: static-assets/);

    const both = await c.kubectl(['apply', '-f', '-'], { stdin: ingress('both', 'x.bar.com', {}, '/', 'Prefix', '{service: {name: a, port: {number: 80}}, resource: {kind: K, name: other}}') });
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends');
    const noPort = await c.kubectl(['apply', '-f', '-'], { stdin: ingress('noport', 'x.bar.com', {}, '/', 'Prefix', '{service: {name: a}}') });
    expect(noPort.code).toBe(1);
    expect(noPort.stderr).toContain('spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required');
  });
});
