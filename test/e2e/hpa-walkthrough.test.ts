import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/wait.js';
import type { KubectlProcess } from './harness.js';
import { startKubelingUp, type KubelingUp, type TtySession } from './kubeling-up.js';

/**
 * kubernetes.io's "HorizontalPodAutoscaler Walkthrough", command for command, with the
 * real kubectl against `kubeling up` (built CLI, its own process). Nothing is faked: the
 * load generator's wget loop runs in the simulated busybox as the container's main
 * process, its requests go through DNS and kube-proxy's rules to the php-apache pods,
 * whose traffic model turns them into CPU; the metrics server scrapes it, the HPA scales.
 *
 * Shortened so the story fits in a test: by `up` flags (kube's own names)
 * --metric-resolution 2s (default 15s) and --horizontal-pod-autoscaler-sync-period 2s
 * (15s); the scale-down stabilization window (5 min) by `kubectl patch` of the HPA's
 * behavior to 10 s. The scale-up policy (at most max(100 %, 4 pods) per 15 s) is kube's
 * default and kept. The manifest is php-apache.yaml from the walkthrough, given on stdin
 * (no internet here). Last, the variant: `kubectl run -i --tty load-generator
 * --image=busybox /bin/sh` with the loop typed at the prompt.
 */

const PHP_APACHE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  selector:
    matchLabels:
      run: php-apache
  template:
    metadata:
      labels:
        run: php-apache
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: 500m
          requests:
            cpu: 200m
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
  labels:
    run: php-apache
spec:
  ports:
  - port: 80
  selector:
    run: php-apache
`;

const FLAGS = ['--metric-resolution', '2s', '--horizontal-pod-autoscaler-sync-period', '2s'];

/** `kubectl get hpa` rows: name, reference, targets, minpods, maxpods, replicas, age. */
const ROW = /^php-apache\s+Deployment\/php-apache\s+cpu: (\S+)\/50%\s+1\s+10\s+(\d+)\s+\S+\s*$/gm;

function rows(text: string): Array<{ target: string; replicas: number }> {
  return [...text.matchAll(ROW)].map((m) => ({ target: m[1]!, replicas: Number(m[2]) }));
}

describe('HPA walkthrough (kubernetes.io) on kubeling up, with the real kubectl', () => {
  let up: KubelingUp;
  let watch: KubectlProcess | undefined;
  let load: TtySession | undefined;

  beforeAll(async () => {
    up = await startKubelingUp(FLAGS);
    await waitUntil(async () => (await up.ok(['get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].status}'])) === 'True', 'metrics API available', 30_000);
  }, 90_000);

  afterAll(async () => {
    await watch?.stop();
    await up?.stop();
  });

  it('php-apache runs; the HPA shows cpu 0%/50% and 1 replica', async () => {
    expect(await up.ok(['apply', '-f', '-'], PHP_APACHE)).toBe('deployment.apps/php-apache created\nservice/php-apache created\n');
    expect(await up.ok(['autoscale', 'deployment', 'php-apache', '--cpu-percent=50', '--min=1', '--max=10'])).toBe('horizontalpodautoscaler.autoscaling/php-apache autoscaled\n');
    const idle = await waitUntil(async () => {
      const r = rows(await up.ok(['get', 'hpa']));
      return r[0] && /^\d+%$/.test(r[0].target) && Number.parseInt(r[0].target) < 10 ? r[0] : undefined;
    }, 'kubectl get hpa: cpu N%/50% with N small', 40_000, 1000);
    expect(idle.replicas).toBe(1);
    expect(await up.ok(['patch', 'hpa', 'php-apache', '--type=merge', '-p', '{"spec":{"behavior":{"scaleDown":{"stabilizationWindowSeconds":10}}}}'])).toBe('horizontalpodautoscaler.autoscaling/php-apache patched\n');
  }, 60_000);

  it('the load generator, typed as in the walkthrough, drives REPLICAS up to where the load settles, 6 or 7 (kubectl get hpa --watch)', async () => {
    watch = up.spawnKubectl(['get', 'hpa', 'php-apache', '--watch']);
    load = up.tty(['run', '-i', '--tty', 'load-generator', '--rm', '--image=busybox:1.28', '--restart=Never', '--', '/bin/sh', '-c', 'while sleep 0.01; do wget -q -O- http://php-apache; done']);
    await load.waitFor(/OK!OK!OK!/, 30_000);
    // First the single replica runs above the target (its usage climbs to its 500m limit,
    // 250% of its 200m request, as the loop's requests fill the kubelet's usage window).
    const hot = await watch.waitFor((out) => rows(out).some((r) => r.replicas === 1 && Number.parseInt(r.target) > 50), 30_000);
    expect(rows(hot).some((r) => r.replicas === 1 && Number.parseInt(r.target) > 50)).toBe(true);
    // kubectl top: a php-apache pod well above its 200m request (up to its 500m limit).
    const top = await waitUntil(async () => {
      const out = await up.ok(['top', 'pod', '-l', 'run=php-apache', '--no-headers']);
      return Math.max(...[...out.matchAll(/\s(\d+)m\s/g)].map((m) => Number(m[1]))) > 200 ? out : undefined;
    }, 'kubectl top pod: php-apache above 200m', 30_000, 1000);
    expect(top).toMatch(/^php-apache-\S+\s+\d+m\s+\d+Mi\s*$/m);
    // kube's algorithm on the model: REPLICAS only grows while the load holds, to where
    // the average is back near the 50% target. One loop is ~0.63 cores of php-apache
    // (kubelet-sim/usage/calibration.test.ts): 6 replicas read ~52% (inside kube's 10%
    // tolerance) and 7 ~45% (ceil(7 × 0.89) = 7): both hold; which one is reached depends
    // on the readings on the way up (the walkthrough's page shows 7).
    const settled = await watch.waitFor((out) => rows(out).some((r) => r.replicas >= 6), 60_000);
    const seen = rows(settled).map((r) => r.replicas);
    if (process.env.KUBELING_SHOW_HPA) console.log(rows(settled));
    expect(seen.every((n, i) => i === 0 || n >= seen[i - 1]!)).toBe(true);
    const n = seen.slice(-1)[0]!;
    expect([6, 7]).toContain(n);
    const describe = await up.ok(['describe', 'hpa', 'php-apache']);
    expect(describe).toContain(`New size: ${n}; reason: cpu resource utilization (percentage of request) above target`);
    // It holds there while the load goes on.
    await new Promise((r) => setTimeout(r, 8000));
    const held = rows(await up.ok(['get', 'hpa', 'php-apache']))[0]!;
    expect(held.replicas).toBe(n);
    expect(Number.parseInt(held.target)).toBeGreaterThan(35);
    expect(Number.parseInt(held.target)).toBeLessThan(60);
    await waitUntil(async () => (await up.ok(['get', 'deployment', 'php-apache', '-o', 'jsonpath={.status.readyReplicas}'])) === String(n), `${n} ready php-apache pods`, 30_000);
  }, 150_000);

  it('Ctrl-C stops the load generator (--rm deletes it); REPLICAS goes back to 1', async () => {
    load!.type('\x03');
    expect(await load!.exited(30_000)).not.toBeNull();
    await waitUntil(async () => (await up.ok(['get', 'pod', 'load-generator', '--ignore-not-found', '-o', 'name'])) === '', 'load-generator deleted', 30_000);
    const down = await watch!.waitFor((out) => rows(out).slice(-1)[0]?.replicas === 1, 60_000);
    expect(rows(down).slice(-1)[0]).toMatchObject({ replicas: 1 });
    const describe = await up.ok(['describe', 'hpa', 'php-apache']);
    expect(describe).toContain('New size: 1; reason: All metrics below target');
  }, 90_000);

  it('the loop typed into `kubectl run -i --tty load-generator --image=busybox /bin/sh` loads php-apache too', async () => {
    const shell = up.tty(['run', '-i', '--tty', 'load-generator', '--image=busybox', '/bin/sh']);
    // As on a real cluster the first prompt may be written before kubectl listens: enter, as its hint says.
    await shell.waitFor(/try pressing enter\./, 30_000);
    shell.type('\r');
    await shell.waitFor(/\/ # /, 10_000);
    shell.type('while true; do wget -q -O- http://php-apache.default.svc.cluster.local; done\r');
    await shell.waitFor(/OK!OK!OK!/, 20_000);
    await waitUntil(async () => (rows(await up.ok(['get', 'hpa', 'php-apache']))[0]?.replicas ?? 0) > 1, 'the HPA scaling up again', 60_000, 1000);
    shell.type('\x03');
    await shell.waitFor(/\/ # /, 10_000);
    shell.type('exit\r');
    await shell.exited(30_000);
    expect(up.stderr()).not.toMatch(/"level":50/);
  }, 120_000);
});
