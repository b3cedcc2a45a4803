import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useE2eCluster } from './harness.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * `kubeling hpa` as a user runs it (the built CLI in a child process, connected through
 * the kubeconfig) against an apiserver with no metrics API registered: as on a cluster
 * without metrics-server, the HPA reads `cpu: <unknown>/50%` and describe says why.
 * Needs dist/ (`npm run build`). Sync period 1 s for speed (kube: 15 s).
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin/kubeling.js');
const cluster = useE2eCluster();

let child: ChildProcess | undefined;
let stderr = '';

beforeAll(() => {
  child = spawn(
    process.execPath,
    [BIN, 'hpa', '--kubeconfig', cluster().kubeconfigPath, '--horizontal-pod-autoscaler-sync-period=1s', '--log-level', 'warn'],
    { cwd: REPO, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
});

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child!.once('exit', r));
  child.kill('SIGTERM');
  await exited;
});

describe('kubeling hpa (the built CLI)', () => {
  it('holds the kubeling-hpa Lease and reports a missing metrics API as kube does', async () => {
    const c = cluster();
    const ok = async (args: string[]) => {
      const r = await c.kubectl(args);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    await ok(['create', 'deployment', 'php-apache', '--image=registry.k8s.io/hpa-example']);
    await ok(['autoscale', 'deployment', 'php-apache', '--cpu-percent=50', '--min=1', '--max=10']);

    await waitUntil(async () => (await ok(['get', 'lease', '-n', 'kube-system', 'kubeling-hpa', '-o', 'jsonpath={.spec.holderIdentity}'])) !== '', 'the Lease kubeling-hpa held', 30_000);
    const describe = await waitUntil(
      async () => {
        const d = await ok(['describe', 'hpa', 'php-apache']);
        return d.includes('FailedGetResourceMetric') ? d : undefined;
      },
      `FailedGetResourceMetric (kubeling hpa stderr: ${stderr})`,
      30_000,
    );
    expect(describe).toMatch(/AbleToScale\s+True\s+SucceededGetScale/);
    expect(describe).toMatch(/ScalingActive\s+False\s+FailedGetResourceMetric\s+the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: /);
    expect(describe).toContain('FailedComputeMetricsReplicas');
    const row = (await ok(['get', 'hpa', 'php-apache', '--no-headers'])).trim().split(/\s{2,}/);
    expect(row.slice(0, 6)).toEqual(['php-apache', 'Deployment/php-apache', 'cpu: <unknown>/50%', '1', '10', '1']);
    expect(child?.exitCode).toBeNull();
  }, 60_000);
});
