/**
 * Controller-flood benchmark (`npm run bench:controller-flood`), issues 11/12: does the
 * admin's `kubectl get nodes` (the real /usr/bin/kubectl, a new process each time) stay
 * fast while the controllers flood the apiserver, when the controllers have their own
 * identities?
 *
 * Each mode starts `kubeling up --nodes 0` (no kubelets: every pod stays Pending, so the
 * flood is the controllers' and the scheduler's writes only) and creates one Deployment of
 * R replicas: the deployment controller writes a ReplicaSet, the ReplicaSet controller
 * creates R pods in kube's slow-start batches (up to 500 at once), the scheduler writes a
 * FailedScheduling event and status per pod. While that runs, kubectl get nodes is timed
 * again and again.
 *
 * - identities (up's default, --use-service-account-credentials): each controller is its
 *   kube-system ServiceAccount, so priority and fairness files the flood under
 *   kube-system-service-accounts / kube-scheduler (workload-high) and queues what exceeds
 *   that level's seats; the admin stays `exempt`.
 * - masters (`--use-service-account-credentials=false`): the controllers use the admin
 *   credential, so their flood is `exempt` too and nothing queues it.
 *
 * Both modes run in the same process one after the other and print side by side, with
 * the idle latency of each as its reference. Flags (or CONTROLLER_FLOOD_*): --replicas 3000
 * --samples 15.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, table } from './bench-stats.js';
import type { HttpsClient } from './https-client.js';
import { startKubelingProcess, type KubelingProcess } from './kubeling-process.js';

const KUBECTL = '/usr/bin/kubectl';

function num(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[`CONTROLLER_FLOOD_${name.toUpperCase()}`];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

const opts = { replicas: num('replicas', 3000), samples: num('samples', 15) };

type Up = KubelingProcess;

function startUp(dir: string, extra: string[]): Promise<Up> {
  const args = ['up', '--nodes', '0', '--port', '0', '--dns-port', 'none', '--ingress-http-port', 'none', '--log-level', 'error', ...extra];
  return startKubelingProcess(args, dir, { connections: 8, startTimeoutMs: 180_000 });
}

/** Wall time of one `kubectl get nodes`; NaN when it failed. */
function kubectlGetNodes(kubeconfig: string): Promise<number> {
  return new Promise((done) => {
    const t0 = performance.now();
    const p = spawn(KUBECTL, ['get', 'nodes', '--request-timeout=60s'], { env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    p.on('exit', (code) => {
      if (code !== 0) console.log(`kubectl get nodes failed: ${err.trim().split('\n')[0]}`);
      done(code === 0 ? performance.now() - t0 : Number.NaN);
    });
  });
}

async function podCount(client: HttpsClient): Promise<number> {
  const r = await client.call('GET', '/api/v1/namespaces/default/pods?limit=1');
  if (r.status !== 200) return Number.NaN;
  const list = JSON.parse(r.body) as { items: unknown[]; metadata: { remainingItemCount?: number } };
  return list.items.length + (list.metadata.remainingItemCount ?? 0);
}

function deployment(replicas: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'flood', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'flood' } },
      template: { metadata: { labels: { app: 'flood' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '10m' } } }] } },
    },
  });
}

interface ModeResult {
  idle: number[];
  flood: number[];
  podsAtEnd: number;
  floodMs: number;
}

async function runMode(root: string, name: string, extra: string[]): Promise<ModeResult> {
  const up = await startUp(join(root, name), extra);
  try {
    await kubectlGetNodes(up.kubeconfig); // kubectl's discovery cache
    const idle: number[] = [];
    for (let i = 0; i < 5; i++) idle.push(await kubectlGetNodes(up.kubeconfig));
    const created = await up.client.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment(opts.replicas));
    if (created.status !== 201) throw new Error(`create deployment: ${created.status} ${created.body}`);
    const t0 = performance.now();
    const flood: number[] = [];
    for (let i = 0; i < opts.samples; i++) flood.push(await kubectlGetNodes(up.kubeconfig));
    const floodMs = performance.now() - t0;
    const podsAtEnd = await podCount(up.client);
    console.log(`${name}: idle p50 ${fmt(percentile(ok(idle), 0.5))}; during the flood ${flood.map(fmt).join(', ')}; ${podsAtEnd} of ${opts.replicas} pods created in ${fmt(floodMs)}; load ${loadavg()[0]!.toFixed(1)}`);
    return { idle, flood, podsAtEnd, floodMs };
  } finally {
    await up.stop();
  }
}

const ok = (xs: number[]) => xs.filter((x) => !Number.isNaN(x));
const fmt = (ms: number) => (Number.isNaN(ms) ? 'failed' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'kubeling-flood-'));
  const loadBefore = loadavg()[0]!;
  try {
    console.log(`controller flood: up --nodes 0, one Deployment of ${opts.replicas} replicas, ${opts.samples} × kubectl get nodes during it; load average ${loadBefore.toFixed(1)}`);
    const withIds = await runMode(root, 'identities', []);
    const masters = await runMode(root, 'masters', ['--use-service-account-credentials=false']);
    const row = (label: string, f: (r: ModeResult) => string): string[] => [label, f(withIds), f(masters)];
    const failed = (r: ModeResult) => r.flood.length - ok(r.flood).length;
    console.log(
      '\n' +
        table([
          ['kubectl get nodes', 'controllers as ServiceAccounts (default)', '--use-service-account-credentials=false (system:masters)'],
          row('idle p50 (reference)', (r) => fmt(percentile(ok(r.idle), 0.5))),
          row('during the flood p50', (r) => fmt(percentile(ok(r.flood), 0.5))),
          row('during the flood p90 / max', (r) => `${fmt(percentile(ok(r.flood), 0.9))} / ${fmt(Math.max(...ok(r.flood)))}`),
          row('failed calls', (r) => String(failed(r))),
          row('pods created while sampling', (r) => `${r.podsAtEnd} in ${fmt(r.floodMs)}`),
        ]),
    );
    const ratio = percentile(ok(masters.flood), 0.5) / percentile(ok(withIds.flood), 0.5);
    console.log(`\nflood p50 without identities / with identities: ${ratio.toFixed(2)}× (target: kubectl not queued behind the controllers, i.e. ≥ 1×); load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
