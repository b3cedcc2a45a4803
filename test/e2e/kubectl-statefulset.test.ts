import { describe, expect, it } from 'vitest';
import type { KubectlResult } from './harness.js';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * The StatefulSet Basics tutorial (kubernetes.io/docs/tutorials/stateful-application/
 * basic-stateful-set) with the real kubectl: the headless Service and the `web`
 * StatefulSet, pods created in order, claims provisioned by the default `standard`
 * class and bound, scale up and down with the claims kept, a rolling update.
 */
const cluster = useClusterWithComponents({ nodes: 3 });

function ok(res: KubectlResult, what: string): string {
  if (res.code !== 0) throw new Error(`kubectl ${what} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res.stdout;
}
const run = async (c: ClusterWithComponents, args: string[], timeoutMs?: number) => ok(await c.kubectl(args, { timeoutMs }), args.join(' '));

const MANIFEST = `
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

async function readyPods(c: ClusterWithComponents, n: number): Promise<string> {
  return waitUntil(async () => {
    const out = await run(c, ['get', 'pods', '-l', 'app=nginx', '--no-headers']);
    const lines = out.trim().split('\n').filter(Boolean);
    if (lines.length === n && lines.every((l) => /\s1\/1\s+Running\s/.test(l))) return out;
    throw new Error(out);
  }, `${n} ready web pods`, 60_000);
}

describe('StatefulSet basics with kubectl 1.32', () => {
  it('creates web-0 then web-1 with bound claims from the default class', async () => {
    const c = cluster();
    const applied = ok(await c.kubectl(['apply', '-f', '-'], { stdin: MANIFEST }), 'apply');
    expect(applied).toBe('service/nginx created\nstatefulset.apps/web created\n');
    const pods = await readyPods(c, 2);
    expect(pods).toMatch(/^web-0\s/m);
    expect(pods).toMatch(/^web-1\s/m);
    const sts = await run(c, ['get', 'statefulset', 'web']);
    expect(sts).toMatch(/^NAME\s+READY\s+AGE\nweb\s+2\/2\s+\d+s\n$/);
    const pvc = await waitUntil(async () => {
      const out = await run(c, ['get', 'pvc', '-l', 'app=nginx']);
      if ((out.match(/\sBound\s/g) ?? []).length === 2) return out;
      throw new Error(out);
    }, 'two bound claims', 60_000);
    expect(pvc.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/);
    expect(pvc).toMatch(/^www-web-0\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+RWO\s+standard\s+<unset>\s+\d+s$/m);
    const sc = await run(c, ['get', 'storageclass']);
    expect(sc).toMatch(/^standard \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+/m);
    const web0 = JSON.parse(await run(c, ['get', 'pod', 'web-0', '-o', 'json'])) as { spec: { hostname: string; subdomain: string } };
    expect(web0.spec).toMatchObject({ hostname: 'web-0', subdomain: 'nginx' });
    const events = await run(c, ['get', 'events', '--field-selector', 'involvedObject.name=web']);
    expect(events).toMatch(/create Claim www-web-0 Pod web-0 in StatefulSet web success/);
    expect(events).toMatch(/create Pod web-1 in StatefulSet web successful/);
  });

  // busybox ≥ 1.29's nslookup (what the simulated shell is) asks a dotted name only as
  // it is, so the tutorial's `nslookup web-0.nginx` (run from busybox:1.28, whose libc
  // resolver searches) is asked here with its full name.
  it('resolves each pod by its stable name through the headless Service', async () => {
    const c = cluster();
    const ip = (await run(c, ['get', 'pod', 'web-0', '-o', 'jsonpath={.status.podIP}'])).trim();
    const out = await waitUntil(async () => {
      const res = await c.kubectl(['exec', 'web-1', '--', 'nslookup', 'web-0.nginx.default.svc.cluster.local']);
      if (!res.stdout.includes(`Address: ${ip}`)) throw new Error(`${res.code} ${res.stdout} ${res.stderr}`);
      return res.stdout;
    }, 'web-0.nginx.default.svc.cluster.local resolves', 30_000);
    expect(out).toMatch(/Name:\s+web-0\.nginx\.default\.svc\.cluster\.local/);
    expect(out).toContain(`Address: ${ip}`);
  });

  it('scales up and down; claims are kept', async () => {
    const c = cluster();
    expect(await run(c, ['scale', 'sts', 'web', '--replicas=5'])).toBe('statefulset.apps/web scaled\n');
    await readyPods(c, 5);
    expect(await run(c, ['patch', 'sts', 'web', '-p', '{"spec":{"replicas":3}}'])).toBe('statefulset.apps/web patched\n');
    const pods = await readyPods(c, 3);
    expect(pods.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['web-0', 'web-1', 'web-2']);
    const pvc = await run(c, ['get', 'pvc', '-l', 'app=nginx', '--no-headers']);
    expect(pvc.trim().split('\n').map((l) => l.split(/\s+/)[0]).sort()).toEqual(['www-web-0', 'www-web-1', 'www-web-2', 'www-web-3', 'www-web-4']);
  });

  it('rolls out a new image in reverse ordinal order', async () => {
    const c = cluster();
    ok(await c.kubectl(['patch', 'statefulset', 'web', '--type=json', '-p', '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"registry.k8s.io/nginx-slim:0.24"}]']), 'patch');
    const status = await run(c, ['rollout', 'status', 'sts/web', '--timeout=60s'], 70_000);
    expect(status.trim().split('\n').pop()).toMatch(/^partitioned roll out complete: 3 new pods have been updated\.\.\.$|^statefulset rolling update complete 3 pods at revision web-\w+\.\.\.$/);
    const images = await run(c, ['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={.items[*].spec.containers[0].image}']);
    expect(images.trim().split(' ')).toEqual(Array(3).fill('registry.k8s.io/nginx-slim:0.24'));
    const history = await run(c, ['rollout', 'history', 'sts/web']);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
  }, 120_000);
});
