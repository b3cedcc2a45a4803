import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { startBenchServer, type BenchServer } from './bench-server.js';
import { median, round, runPool, table, verdict } from './bench-stats.js';
import { createHttpsClient, type HttpsClient } from './https-client.js';
import { realisticPod } from './realistic-pod.js';
import { processCpuMs } from './process-cpu.js';
import { managedFieldsAfterUpdate } from '../../apiserver/patch/managed-fields.js';
import { patchMetaFor } from '../../api/patch-meta.js';

/**
 * `npm run bench:ssa`: what field management (managedFields on every write, server-side
 * apply's ownership) costs the apiserver per pod create, against the same apiserver with
 * it switched off (KUBELING_BENCH_WITHOUT_MANAGED_FIELDS=1), in one run.
 *
 * Both apiservers run at once, each in its own process, on one etcd; rounds alternate
 * between them (reference, then with field management) so that load from the rest of
 * the machine falls on both alike; the overhead is the median of the rounds' ratios. Also: the in-process
 * cost of computing one create's managedFields, and CPU per server-side apply of a pod.
 *
 * Flags (or BENCH_*): --pods N per round (default 1500), --rounds R (5), --concurrency C (32).
 */

const TARGET_OVERHEAD = 0.1;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[`BENCH_${name.toUpperCase()}`];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return Math.floor(n);
}

async function must(client: HttpsClient, method: string, path: string, body: string, want: number[], contentType?: string): Promise<void> {
  const res = await client.call(method, path, body, contentType ? { 'content-type': contentType } : undefined);
  if (!want.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
}

interface Side {
  name: string;
  server: BenchServer;
  client: HttpsClient;
  cpuPerCreate: number[];
}

/** One round of `pods` creates on one side: apiserver CPU ms per create. */
async function round1(side: Side, ns: string, pods: number, concurrency: number): Promise<number> {
  await must(side.client, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), [201, 409]);
  const before = processCpuMs(side.server.pid);
  await runPool(pods, concurrency, (i) => must(side.client, 'POST', `/api/v1/namespaces/${ns}/pods`, JSON.stringify(realisticPod(`p-${i}`, ns, i)), [201]));
  const after = processCpuMs(side.server.pid);
  if (before === undefined || after === undefined) throw new Error('cannot read the apiserver process CPU time (/proc)');
  return (after - before) / pods;
}

/** CPU ms per server-side apply (a pod's labels changed by its own manager, then unchanged). */
async function applies(side: Side, ns: string, pods: number, concurrency: number): Promise<number> {
  const before = processCpuMs(side.server.pid)!;
  await runPool(pods, concurrency, (i) => {
    const config = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: ns, labels: { applied: 'yes' } } };
    return must(side.client, 'PATCH', `/api/v1/namespaces/${ns}/pods/p-${i}?fieldManager=bench`, JSON.stringify(config), [200], 'application/apply-patch+yaml');
  });
  return (processCpuMs(side.server.pid)! - before) / pods;
}

/** In-process: ms to compute a create's managedFields for the benchmark pod. */
function computeCost(): number {
  const meta = patchMetaFor('', 'Pod');
  const pod = realisticPod('p', 'ns', 1) as Record<string, unknown>;
  const w = { manager: 'bench', apiVersion: 'v1', now: '2026-01-01T00:00:00Z', ignoreStatus: true };
  for (let i = 0; i < 2000; i++) managedFieldsAfterUpdate(null, undefined, pod, meta, w);
  const n = 5000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) managedFieldsAfterUpdate(null, undefined, pod, meta, w);
  return (performance.now() - t0) / n;
}

async function main(): Promise<void> {
  const pods = option('pods', 1500);
  const rounds = option('rounds', 5);
  const concurrency = option('concurrency', 32);
  const dirs: string[] = [];
  const sides: Side[] = [];
  let etcd: EtcdServer | undefined;
  const loadStart = loadavg()[0]!;
  try {
    etcd = await startEtcd();
    for (const [name, env] of [
      ['reference (no managedFields)', { KUBELING_BENCH_WITHOUT_MANAGED_FIELDS: '1' }],
      ['with field management', { KUBELING_BENCH_WITHOUT_MANAGED_FIELDS: '' }],
    ] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-bench-ssa-'));
      dirs.push(dataDir);
      const server = await startBenchServer({ etcd: etcd.endpoint, dataDir, env: { ...env } });
      sides.push({ name, server, client: createHttpsClient(server.url, server.caCert, server.adminToken, concurrency), cpuPerCreate: [] });
    }
    process.stderr.write('warming up…\n');
    for (const [i, side] of sides.entries()) await round1(side, `warm-${i}`, 1000, concurrency);
    for (let r = 0; r < rounds; r++) {
      for (const [i, side] of sides.entries()) {
        process.stderr.write(`round ${r + 1}/${rounds}: ${pods} creates, ${side.name}…\n`);
        side.cpuPerCreate.push(await round1(side, `r${r}-s${i}`, pods, concurrency));
      }
    }
    process.stderr.write('server-side applies…\n');
    const applyCpu = await applies(sides[1]!, `r0-s1`, Math.min(pods, 1000), concurrency);
    const ref = median(sides[0]!.cpuPerCreate);
    const on = median(sides[1]!.cpuPerCreate);
    // Each round pairs a reference run with the run right after it: the median of the
    // pairs' ratios is steadier than a ratio of medians when the machine's load drifts.
    const overhead = median(sides[1]!.cpuPerCreate.map((x, i) => x / sides[0]!.cpuPerCreate[i]!)) - 1;
    const compute = computeCost();
    const loadEnd = loadavg()[0]!;
    console.log(
      `\nfield management benchmark (etcd; ${rounds} alternating rounds of ${pods} pod creates × ${concurrency} in flight per apiserver; ${cpus().length} cores shared with etcd and the clients; load average ${loadStart.toFixed(1)} at the start, ${loadEnd.toFixed(1)} at the end)\n`,
    );
    console.log(
      table([
        ['measure', 'value', 'target', 'note'],
        ['apiserver CPU per create, reference', `${round(ref, 3)} ms`, '-', `rounds: ${sides[0]!.cpuPerCreate.map((x) => round(x, 3)).join(', ')}`],
        ['apiserver CPU per create, with managedFields', `${round(on, 3)} ms`, '-', `rounds: ${sides[1]!.cpuPerCreate.map((x) => round(x, 3)).join(', ')}`],
        ['overhead per create', `${round(overhead * 100, 1)} %`, `≤ ${TARGET_OVERHEAD * 100} % ${verdict(overhead, TARGET_OVERHEAD, 'lower')}`, 'median over rounds of (with / reference)'],
        ['managedFields of one create, computed in-process', `${round(compute, 4)} ms`, '-', 'createdSet + encoding for the benchmark pod'],
        ['apiserver CPU per server-side apply of a pod', `${round(applyCpu, 3)} ms`, '-', 'labels applied by a new manager onto a created pod'],
      ]),
    );
    console.log(`\n${JSON.stringify({ bench: 'ssa', refCpuPerCreateMs: round(ref, 4), cpuPerCreateMs: round(on, 4), overhead: round(overhead, 4), computeMs: round(compute, 4), applyCpuMs: round(applyCpu, 4), target: TARGET_OVERHEAD, loadStart, loadEnd })}`);
  } catch (err) {
    console.error('benchmark failed:', err);
    process.exitCode = 1;
  } finally {
    for (const s of sides) await s.server.stop().catch((err) => console.error('stopping an apiserver:', err));
    await etcd?.stop().catch((err) => console.error('stopping etcd:', err));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
