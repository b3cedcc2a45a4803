import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerTopology } from './docker-topology.js';
import type { Topology } from './topology.js';

/**
 * The docker-compose cluster end to end: `compose/up.sh` brings it up (several minutes:
 * opt in with KUBELING_COMPOSE_SMOKE=1 on a machine with Docker; CI runs the shared fault
 * scenario against Docker instead), then through the published LB port: N Ready nodes,
 * kubectl logs/exec into a simulated pod, an apiserver killed while kubectl keeps answering, the leading controller manager
 * killed and its Lease taken by the standby. KUBELING_SKIP_BUILD=1 reuses kubeling:local.
 */
const enabled = process.env.KUBELING_COMPOSE_SMOKE === '1';
const NODES = 3;

function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=5s', ...args], (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)));
  });
}

describe.runIf(enabled)('docker-compose cluster (KUBELING_COMPOSE_SMOKE=1)', () => {
  let t: Topology;
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-compose-smoke-'));

  beforeAll(async () => {
    t = await createDockerTopology({ dir, nodes: NODES, skipBuild: process.env.KUBELING_SKIP_BUILD === '1', log: (l) => console.log(l) });
  }, 900_000);
  afterAll(async () => {
    await t?.down({ removeVolumes: true });
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('shows N Ready nodes through the load balancer', async () => {
    const out = await kubectl(t.kubeconfigPath, 'get', 'nodes', '--no-headers');
    const ready = out.split('\n').filter((l) => /^kubeling-node-\d+\s+Ready\s/.test(l));
    expect(ready).toHaveLength(NODES);
  });

  it('reaches a simulated pod through the kubelets’ relayed port: kubectl logs and exec', async () => {
    await kubectl(t.kubeconfigPath, 'run', 'smoke-shell', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'echo hello from $(hostname); sleep 3600');
    let logs = '';
    for (let i = 0; i < 60 && !logs.includes('hello from smoke-shell'); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      logs = await kubectl(t.kubeconfigPath, 'logs', 'smoke-shell').catch(() => '');
    }
    expect(logs).toContain('hello from smoke-shell');
    expect(await kubectl(t.kubeconfigPath, 'exec', 'smoke-shell', '--', 'cat', '/etc/hostname')).toBe('smoke-shell\n');
  }, 90_000);

  it('keeps answering through the LB while an apiserver is killed, and after it returns', async () => {
    await t.kill('apiserver', 0);
    let failures = 0;
    for (let i = 0; i < 20; i++) {
      try {
        await kubectl(t.kubeconfigPath, 'get', '--raw=/api/v1/namespaces/default');
      } catch {
        failures++;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(failures).toBe(0);
    await t.start('apiserver', 0);
  }, 60_000);

  it('moves the controller-manager Lease to the standby when the leader is killed', async () => {
    const holder = (await kubectl(t.kubeconfigPath, 'get', 'lease', '-n', 'kube-system', 'kube-controller-manager', '-o', 'jsonpath={.spec.holderIdentity}')).trim();
    const ids = await Promise.all([0, 1].map((i) => t.leaseIdentity!('controller-manager', i)));
    const leader = ids.indexOf(holder);
    expect(leader).toBeGreaterThanOrEqual(0);
    await t.kill('controller-manager', leader);
    const killedAt = Date.now();
    let now = holder;
    while (now === holder && Date.now() - killedAt < 40_000) {
      await new Promise((r) => setTimeout(r, 500));
      now = (await kubectl(t.kubeconfigPath, 'get', 'lease', '-n', 'kube-system', 'kube-controller-manager', '-o', 'jsonpath={.spec.holderIdentity}')).trim();
    }
    console.log(`controller-manager Lease moved after ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
    expect(now).toBe(ids[1 - leader]);
    await t.start('controller-manager', leader);
  }, 60_000);
});
