import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/wait.js';
import { startKubelingUp, type KubelingUp } from './kubeling-up.js';

/**
 * The whole autoscaling story (issues 9 + 10) with the real kubectl against
 * `kubeling up`: the HPA walkthrough's php-apache on a node group of small machines
 * (1 CPU each). Load (the walkthrough's wget loop, here as a plain Deployment with no
 * terminal: the container's own command) makes the HPA add pods; those that no node
 * can hold go Pending (Unschedulable); the cluster autoscaler adds machines from the
 * simulated cloud; the pods run. Load stops: the HPA scales back to 1; the idle node is
 * drained and removed.
 *
 * Shortened by flags (kube's and cluster-autoscaler's own names): --metric-resolution 2s,
 * --horizontal-pod-autoscaler-sync-period 2s, --horizontal-pod-autoscaler-downscale-stabilization 10s,
 * --scan-interval 1s, --scale-down-unneeded-time 5s, --scale-down-delay-after-add 5s,
 * --scale-down-delay-after-delete 1s; machines boot in 2 s (node group file).
 */

const GROUPS = `nodeGroups:
- name: small-pool
  minSize: 1
  maxSize: 4
  machine:
    capacity: { cpu: "1", memory: 4Gi, pods: "110" }
    instanceType: kubeling.small
  provisioning: { delay: 2s, jitter: 0s, deleteDelay: 1s }
`;

const PHP_APACHE = `apiVersion: apps/v1
kind: Deployment
metadata: { name: php-apache }
spec:
  selector: { matchLabels: { run: php-apache } }
  template:
    metadata: { labels: { run: php-apache } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports: [{ containerPort: 80 }]
        resources: { limits: { cpu: 500m }, requests: { cpu: 200m } }
---
apiVersion: v1
kind: Service
metadata: { name: php-apache, labels: { run: php-apache } }
spec:
  ports: [{ port: 80 }]
  selector: { run: php-apache }
`;

describe('HPA + cluster autoscaler: php-apache on a small node group (kubeling up, real kubectl)', () => {
  let up: KubelingUp;
  let dir: string;
  let firstNode = '';

  const nodes = async () => (await up.ok(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').filter(Boolean);
  const readyNodes = async () =>
    (await up.ok(['get', 'nodes', '--no-headers']))
      .split('\n')
      .filter((l) => /\sReady\s/.test(l))
      .map((l) => l.split(/\s+/)[0]!);
  const phases = async () => (await up.ok(['get', 'pods', '-l', 'run=php-apache', '-o', 'jsonpath={.items[*].status.phase}'])).split(' ').filter(Boolean);
  const events = (reason: string) => up.ok(['get', 'events', '-A', '--field-selector', `reason=${reason}`, '-o', 'jsonpath={range .items[*]}{.involvedObject.kind}/{.involvedObject.name}: {.message}{"\\n"}{end}']);
  const replicas = async () => Number(await up.ok(['get', 'hpa', 'php-apache', '-o', 'jsonpath={.status.desiredReplicas}']));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeling-hpa-ca-'));
    writeFileSync(join(dir, 'groups.yaml'), GROUPS);
    up = await startKubelingUp([
      '--nodes', '0',
      '--node-groups', join(dir, 'groups.yaml'),
      '--metric-resolution', '2s',
      '--horizontal-pod-autoscaler-sync-period', '2s',
      '--horizontal-pod-autoscaler-downscale-stabilization', '10s',
      '--scan-interval', '1s',
      '--scale-down-unneeded-time', '5s',
      '--scale-down-delay-after-add', '5s',
      '--scale-down-delay-after-delete', '1s',
    ]);
    const ready = await waitUntil(async () => {
      const r = await readyNodes();
      return r.length === 1 ? r : undefined;
    }, 'the group\'s first node Ready', 60_000);
    firstNode = ready[0]!;
  }, 120_000);

  afterAll(async () => {
    await up?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('load → HPA adds pods → some Pending (Unschedulable) → TriggeredScaleUp → new node → all Running', async () => {
    await up.ok(['apply', '-f', '-'], PHP_APACHE);
    await up.ok(['autoscale', 'deployment', 'php-apache', '--cpu-percent=50', '--min=1', '--max=10']);
    await waitUntil(async () => (await phases()).join() === 'Running', 'php-apache Running', 60_000);
    // The walkthrough's loop, as a Deployment's own command: no terminal, no exec.
    await up.ok(['create', 'deployment', 'load-generator', '--image=busybox:1.28', '--', '/bin/sh', '-c', 'while sleep 0.01; do wget -q -O- http://php-apache; done']);
    await waitUntil(async () => (await replicas()) >= 5, 'the HPA scaling php-apache up', 90_000, 1000);
    const unschedulable = await waitUntil(async () => {
      const out = await events('FailedScheduling');
      return /Pod\/php-apache-\S+: 0\/\d+ nodes are available: \d+ Insufficient cpu/.test(out) ? out : undefined;
    }, 'FailedScheduling: Insufficient cpu', 60_000, 1000);
    expect(unschedulable).toContain('Insufficient cpu');
    const triggered = await waitUntil(async () => {
      const out = await events('TriggeredScaleUp');
      return out.includes('pod triggered scale-up') ? out : undefined;
    }, 'TriggeredScaleUp', 60_000, 1000);
    expect(triggered).toMatch(/Pod\/php-apache-\S+: pod triggered scale-up: \[\{small-pool 1->\d \(max: 4\)\}\]/);
    await waitUntil(async () => (await readyNodes()).length >= 2, 'a second Ready node', 60_000, 1000);
    const target = await waitUntil(async () => {
      const want = await replicas();
      const p = await phases();
      return want >= 5 && p.length === want && p.every((x) => x === 'Running') ? want : undefined;
    }, 'every php-apache replica Running', 90_000, 1000);
    expect(target).toBeGreaterThanOrEqual(5);
    // The load generator's log is its loop's output.
    expect(await up.ok(['logs', 'deployment/load-generator', '--limit-bytes=30'])).toMatch(/^(OK!)+/);
  }, 240_000);

  it('load stops → HPA back to 1 → the idle node drained and removed, down to the group minimum', async () => {
    await up.ok(['delete', 'deployment', 'load-generator']);
    await waitUntil(async () => (await replicas()) === 1, 'the HPA back to 1 replica', 90_000, 1000);
    await waitUntil(async () => (await nodes()).length === 1, 'one node left', 120_000, 1000);
    const scaleDown = (await events('ScaleDownEmpty')) + (await events('ScaleDown'));
    expect(scaleDown).toMatch(/Scale-down: removing (empty )?node/);
    await waitUntil(async () => (await phases()).join() === 'Running', 'php-apache Running on the remaining node', 60_000);
    expect(await nodes()).toEqual([firstNode]);
  }, 240_000);

  it('the cloud controller manager gives a LoadBalancer Service an address from the cloud, and releases it', async () => {
    await up.ok(['expose', 'deployment', 'php-apache', '--type=LoadBalancer', '--name=php-lb', '--port=80']);
    const ip = await waitUntil(async () => (await up.ok(['get', 'svc', 'php-lb', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])) || undefined, 'an ingress IP', 30_000, 500);
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await up.ok(['get', 'svc', 'php-lb', '-o', 'jsonpath={.metadata.finalizers}'])).toContain('service.kubernetes.io/load-balancer-cleanup');
    const ensured = await waitUntil(async () => {
      const out = (await events('EnsuringLoadBalancer')) + (await events('EnsuredLoadBalancer'));
      return out.includes('Ensured load balancer') ? out : undefined;
    }, 'EnsuringLoadBalancer/EnsuredLoadBalancer events', 30_000, 500);
    expect(ensured).toContain('Service/php-lb: Ensuring load balancer');
    await up.ok(['delete', 'svc', 'php-lb', '--timeout=30s']);
    expect(await up.ok(['get', 'svc', 'php-lb', '--ignore-not-found', '-o', 'name'])).toBe('');
    expect(await events('DeletedLoadBalancer')).toContain('Service/php-lb: Deleted load balancer');
    expect(up.stderr()).not.toMatch(/"level":50/);
  }, 90_000);
});
