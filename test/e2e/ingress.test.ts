import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestClient, loadKubeconfig, type HttpRestClient } from '../../client/rest-client.js';
import { createLogger } from '../../lib/logger.js';
import { generateCa, generateServingCert } from '../../apiserver/auth/x509.js';
import { startIngressController, type RunningIngressController } from '../../ingress-controller/controller.js';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * Ingress with the real kubectl: the controller installs the default `nginx` class,
 * publishes its address in the Ingress status, and serves two hosts on a loopback port
 * through the Services (nginx's welcome page, the bootcamp's greeting), HTTPS with the
 * Ingress's TLS Secret chosen by SNI, and nginx's 404/503 when nothing serves.
 */
const cluster = useClusterWithComponents({ nodes: 2 });

let ic: RunningIngressController;
let client: HttpRestClient;
let dir: string;

beforeAll(async () => {
  const c = cluster();
  client = createRestClient(loadKubeconfig(c.kubeconfigPath));
  ic = await startIngressController({ client, httpPort: 0, httpsPort: 0, logger: createLogger({ level: 'silent' }) });
  dir = mkdtempSync(join(tmpdir(), 'kubeling-ingress-'));
});

afterAll(async () => {
  await ic?.stop();
  client?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
}

function get(port: number, host: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function getTls(port: number, servername: string, ca: string): Promise<Answer & { subjectAlt: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/', servername, ca, headers: { host: servername } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, subjectAlt: peer.subjectaltname ?? '' }));
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

const INGRESS = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: two-hosts
spec:
  tls:
  - hosts: [secure.example]
    secretName: secure-tls
  rules:
  - host: web.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
  - host: hello.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: bootcamp
            port:
              number: 8080
  - host: secure.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
  - host: broken.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: missing
            port:
              number: 80
`;

describe('Ingress with kubectl 1.32', () => {
  it('installs the default class, serves two hosts through their Services, and reports its address', async () => {
    const c = cluster();
    expect(await ok(c, ['get', 'ingressclass'])).toMatch(/^NAME\s+CONTROLLER\s+PARAMETERS\s+AGE\nnginx\s+k8s\.io\/ingress-nginx\s+<none>\s+\d+s\n$/);
    await ok(c, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    await ok(c, ['expose', 'deployment', 'web', '--port=80']);
    await ok(c, ['create', 'deployment', 'bootcamp', '--image=gcr.io/google-samples/kubernetes-bootcamp:v1']);
    await ok(c, ['expose', 'deployment', 'bootcamp', '--port=8080']);
    await ok(c, ['apply', '-f', '-'], INGRESS);

    const row = await waitUntil(async () => {
      const out = await ok(c, ['get', 'ingress', 'two-hosts']);
      if (!/127\.0\.0\.1/.test(out)) throw new Error(out);
      return out.split('\n')[1]!;
    }, 'ingress address', 30_000);
    expect(row).toMatch(/^two-hosts\s+nginx\s+web\.example,hello\.example,secure\.example \+ 1 more\.\.\.\s+127\.0\.0\.1\s+80, 443\s+\d+s$/);

    const web = await waitUntil(async () => {
      const a = await get(ic.httpPort, 'web.example', '/');
      if (a.status !== 200) throw new Error(`${a.status} ${a.body}`);
      return a;
    }, 'web.example answers', 60_000);
    expect(web.body).toContain('<title>Welcome to nginx!</title>');
    const hello = await waitUntil(async () => {
      const a = await get(ic.httpPort, 'hello.example', '/');
      if (a.status !== 200) throw new Error(`${a.status} ${a.body}`);
      return a;
    }, 'hello.example answers', 60_000);
    expect(hello.body).toMatch(/^Hello Kubernetes bootcamp! \| Running on: bootcamp-[a-z0-9]+-[a-z0-9]{5} \| v=1\n$/);

    // Nothing for this host: nginx's 404; a backend Service that does not exist: 503.
    const none = await get(ic.httpPort, 'nobody.example', '/');
    expect(none.status).toBe(404);
    expect(none.body).toContain('<center><h1>404 Not Found</h1></center>');
    const broken = await get(ic.httpPort, 'broken.example', '/');
    expect(broken.status).toBe(503);
    expect(broken.body).toContain('503 Service Temporarily Unavailable');

    const events = await ok(c, ['get', 'events', '--field-selector', 'involvedObject.kind=Ingress']);
    expect(events).toMatch(/Normal\s+Sync\s+ingress\/two-hosts\s+Scheduled for sync/);
  });

  it('kubectl create ingress (a protobuf body) makes the Ingress the flags describe', async () => {
    const c = cluster();
    expect(await ok(c, ['create', 'ingress', 'simple', '--rule=foo.com/bar=svc1:8080,tls=my-cert', '--rule=foo.com/*=svc2:http'])).toBe('ingress.networking.k8s.io/simple created\n');
    const ing = JSON.parse(await ok(c, ['get', 'ingress', 'simple', '-o', 'json']));
    expect(ing.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'foo.com',
          http: {
            paths: [
              { path: '/bar', pathType: 'Exact', backend: { service: { name: 'svc1', port: { number: 8080 } } } },
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'svc2', port: { name: 'http' } } } },
            ],
          },
        },
      ],
      tls: [{ hosts: ['foo.com'], secretName: 'my-cert' }],
    });
    await ok(c, ['delete', 'ingress', 'simple']);
  });

  it('serves HTTPS with the TLS Secret of the host, the fake certificate otherwise', async () => {
    const c = cluster();
    const ca = generateCa(Date.now(), 'test-ca');
    const leaf = generateServingCert(ca, { dns: ['secure.example'], ips: [] }, Date.now());
    writeFileSync(join(dir, 'tls.crt'), leaf.cert);
    writeFileSync(join(dir, 'tls.key'), leaf.key);
    await ok(c, ['create', 'secret', 'tls', 'secure-tls', `--cert=${join(dir, 'tls.crt')}`, `--key=${join(dir, 'tls.key')}`]);
    const secure = await waitUntil(async () => getTls(ic.httpsPort!, 'secure.example', ca.cert), 'https with the Secret', 30_000);
    expect(secure.status).toBe(200);
    expect(secure.subjectAlt).toBe('DNS:secure.example');
    expect(secure.body).toContain('Welcome to nginx!');
    // Another name: the controller's self-signed certificate, which our CA does not trust.
    await expect(getTls(ic.httpsPort!, 'web.example', ca.cert)).rejects.toThrow(/self[- ]signed/);
  });
});
