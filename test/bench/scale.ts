/**
 * Scale benchmark (`npm run bench:scale`), issue 11: a cluster as a user starts it,
 * `kubeling up --nodes 1000` with its defaults (only --port 0 --dns-port 0 and a fresh
 * data directory, so it can run beside another cluster), driven over HTTPS from this
 * process, with the real kubectl timed beside it.
 *
 * Reference, same run: `kubeling apiserver` alone, the same 64 clients creating the same
 * pods (nothing schedules them): its create rate and its paginated list time.
 *
 * Phase 1: N nodes Ready. Phase 2: P pods created by 64 clients → all Running (target
 * ≤ 30 s), with a paginated list of all pods (limit 500, target < 1 s) and
 * `kubectl get nodes` (target < 200 ms) timed during the burst. Phase 3: 600 pods at
 * 100 pods/s → create-to-Running p50/p99 (target p99 < 1 s; a pod's simulated sandbox and
 * start take 200–550 ms of it, its image being present). Then the RSS and peak RSS of the
 * `up` process, from /proc (both threads' heaps are in it; per-thread heaps are not read).
 *
 * Flags (or SCALE_BENCH_* variables): --nodes 1000 --pods 5000 --clients 64 --paced 600
 * --rate 100; --huge adds the 5,000-node / 100,000-pod phase (long: minutes);
 * --shared-loop runs `up --apiserver-thread=false` (the apiserver on the components'
 * event loop, as before issue 11) to measure what the thread buys.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { percentile, round, table, verdict } from './bench-stats.js';
import type { HttpsClient } from './https-client.js';
import { startKubelingProcess, type KubelingProcess } from './kubeling-process.js';

const KUBECTL = '/usr/bin/kubectl';
const NS = 'default';

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`) || process.env[`SCALE_BENCH_${name.toUpperCase().replace(/-/g, '_')}`] === '1';
}
function num(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[`SCALE_BENCH_${name.toUpperCase()}`];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

const opts = {
  nodes: num('nodes', 1000),
  pods: num('pods', 5000),
  clients: num('clients', 64),
  paced: num('paced', 600),
  rate: num('rate', 100),
  huge: flag('huge'),
  sharedLoop: flag('shared-loop'),
};

/** A small pod whose image every node has pulled after the burst (a tag, so IfNotPresent). */
function podJson(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { app: 'scale-bench' } },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  });
}

type Server = KubelingProcess;

function startKubeling(args: string[], dir: string): Promise<Server> {
  return startKubelingProcess([...args, '--port', '0', '--log-level', 'error'], dir, { connections: opts.clients + 8, startTimeoutMs: 120_000 });
}

async function createPods(client: HttpsClient, names: string[], clients: number): Promise<{ wallMs: number; failed: number; throttled: number }> {
  let next = 0;
  let failed = 0;
  let throttled = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= names.length) return;
        for (;;) {
          const r = await client.call('POST', `/api/v1/namespaces/${NS}/pods`, podJson(names[i]!));
          if (r.status === 429) {
            throttled++;
            await sleep(250);
            continue;
          }
          if (r.status !== 201) failed++;
          break;
        }
      }
    }),
  );
  return { wallMs: performance.now() - t0, failed, throttled };
}

/** Lists every pod in pages of 500, as kubectl does; resolves with the time and the count. */
async function paginatedList(client: HttpsClient): Promise<{ ms: number; items: number }> {
  const t0 = performance.now();
  let items = 0;
  let cont = '';
  do {
    const r = await client.call('GET', `/api/v1/namespaces/${NS}/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    if (r.status !== 200) throw new Error(`list: ${r.status} ${r.body.slice(0, 200)}`);
    const body = JSON.parse(r.body) as { items: unknown[]; metadata: { continue?: string } };
    items += body.items.length;
    cont = body.metadata.continue ?? '';
  } while (cont);
  return { ms: performance.now() - t0, items };
}

/** `kubectl get nodes` wall time (a fresh process each time, as a user runs it); NaN when it failed (kubectl's 10 s TLS handshake timeout on an overloaded machine). */
function kubectlGetNodes(kubeconfig: string): Promise<number> {
  return new Promise((ok) => {
    const t0 = performance.now();
    const c = spawn(KUBECTL, ['get', 'nodes', '--kubeconfig', kubeconfig, '--request-timeout', '60s'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    c.on('exit', (code) => {
      if (code !== 0) console.log(`kubectl get nodes failed: ${err.trim()}`);
      ok(code === 0 ? performance.now() - t0 : NaN);
    });
  });
}

/** Watches the namespace's pods from now and records when each is first seen Running. */
async function watchRunning(client: HttpsClient): Promise<{ running: Map<string, number>; close(): void }> {
  const list = await client.call('GET', `/api/v1/namespaces/${NS}/pods?limit=1`);
  const rv = (JSON.parse(list.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const running = new Map<string, number>();
  const agent = client.newAgent(1);
  const { res, close } = await client.stream(`/api/v1/namespaces/${NS}/pods?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`, agent);
  let buf = '';
  res.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.includes('"Running"')) continue;
      const ev = JSON.parse(line) as { type: string; object: { metadata: { name: string }; status?: { phase?: string } } };
      if (ev.object.status?.phase === 'Running' && !running.has(ev.object.metadata.name)) running.set(ev.object.metadata.name, performance.now());
    }
  });
  res.on('error', () => undefined);
  return { running, close: () => (close(), agent.destroy()) };
}

async function waitNodesReady(client: HttpsClient, n: number, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const r = await client.call('GET', '/api/v1/nodes');
    const nodes = (JSON.parse(r.body) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] }).items;
    const ready = nodes.filter((x) => x.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    if (ready >= n) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`only ${ready} of ${n} nodes Ready after ${timeoutMs / 1000} s`);
    await sleep(1000);
  }
}

async function waitAll(running: Map<string, number>, names: string[], timeoutMs: number): Promise<boolean> {
  const t0 = performance.now();
  while (names.some((n) => !running.has(n))) {
    if (performance.now() - t0 > timeoutMs) return false;
    await sleep(200);
  }
  return true;
}

function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMiB: round(kb('VmRSS') / 1024), peakMiB: round(kb('VmHWM') / 1024) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fmtMs = (ms: number): string => `${Math.round(ms)} ms`;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'kubeling-bench-scale-'));
  const servers: Server[] = [];
  const rows: string[][] = [['figure', 'value', 'reference (same run)', 'target', 'verdict']];
  const names = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  console.log(`bench:scale  nodes=${opts.nodes} pods=${opts.pods} clients=${opts.clients} paced=${opts.paced}@${opts.rate}/s  ${opts.sharedLoop ? 'up --apiserver-thread=false' : 'up defaults'}  load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  try {
    // Reference: the apiserver alone.
    const ref = await startKubeling(['apiserver'], join(root, 'ref'));
    servers.push(ref);
    // The apiserver alone has no controller manager to make the namespace's `default`
    // ServiceAccount, without which ServiceAccount admission refuses every pod: make it here.
    await ref.client.call('POST', `/api/v1/namespaces/${NS}/serviceaccounts`, JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }));
    const refCreate = await createPods(ref.client, names('ref', opts.pods), opts.clients);
    if (refCreate.failed > 0) throw new Error(`the reference apiserver refused ${refCreate.failed} of ${opts.pods} creates: its figures would mean nothing`);
    const refRate = opts.pods / (refCreate.wallMs / 1000);
    const refList = await paginatedList(ref.client);
    await ref.stop();
    console.log(`reference: apiserver alone ${Math.round(refRate)} creates/s, paginated list of ${refList.items} pods ${fmtMs(refList.ms)}`);

    const upArgs = ['up', '--nodes', String(opts.nodes), '--dns-port', '0', ...(opts.sharedLoop ? ['--apiserver-thread=false'] : [])];
    const t0 = performance.now();
    const up = await startKubeling(upArgs, join(root, 'up'));
    servers.push(up);
    const readyMs = await waitNodesReady(up.client, opts.nodes, 600_000);
    console.log(`up: ${opts.nodes} nodes Ready ${fmtMs(performance.now() - t0)} after start (${fmtMs(readyMs)} after the banner)`);
    await kubectlGetNodes(up.kubeconfig); // warms kubectl's discovery cache
    const idleKubectl: number[] = [];
    for (let i = 0; i < 3; i++) idleKubectl.push(await kubectlGetNodes(up.kubeconfig));
    const idleList = await paginatedList(up.client);

    // Phase 2: the burst, probed while it runs.
    const watch = await watchRunning(up.client);
    const burstNames = names('burst', opts.pods);
    const burstStart = performance.now();
    let burstDone = false;
    const listMs: number[] = [];
    const kubectlMs: number[] = [];
    const probe = (async () => {
      while (!burstDone) {
        listMs.push((await paginatedList(up.client)).ms);
        kubectlMs.push(await kubectlGetNodes(up.kubeconfig));
        await sleep(500);
      }
    })();
    const created = await createPods(up.client, burstNames, opts.clients);
    const upRate = opts.pods / (created.wallMs / 1000);
    const allRunning = await waitAll(watch.running, burstNames, 600_000);
    const burstMs = Math.max(...burstNames.map((n) => watch.running.get(n) ?? Infinity)) - burstStart;
    burstDone = true;
    await probe;
    console.log(`burst: ${opts.pods} pods created at ${Math.round(upRate)}/s (${created.failed} failed, ${created.throttled} 429s), all Running: ${allRunning ? fmtMs(burstMs) : 'NO'}`);

    // Phase 3: paced creates.
    const pacedNames = names('paced', opts.paced);
    const sentAt = new Map<string, number>();
    const interval = 1000 / opts.rate;
    const pacedStart = performance.now();
    await Promise.all(
      pacedNames.map(async (name, i) => {
        await sleep(Math.max(0, pacedStart + i * interval - performance.now()));
        sentAt.set(name, performance.now());
        const r = await up.client.call('POST', `/api/v1/namespaces/${NS}/pods`, podJson(name));
        if (r.status !== 201) throw new Error(`paced create ${name}: ${r.status}`);
      }),
    );
    await waitAll(watch.running, pacedNames, 120_000);
    const lat = pacedNames.map((n) => (watch.running.get(n) ?? Infinity) - sentAt.get(n)!);
    watch.close();
    const mem = memoryOf(up.child.pid!);

    const idleOk = idleKubectl.filter((x) => !Number.isNaN(x));
    rows.push(['create rate under up (64 clients)', `${Math.round(upRate)}/s`, `${Math.round(refRate)}/s apiserver alone (${round((upRate / refRate) * 100)} %)`, '≥ 80 % of alone', verdict(upRate / refRate, 0.8, 'higher')]);
    rows.push([`${opts.pods} pods → all Running`, allRunning ? fmtMs(burstMs) : 'not all', '', '≤ 30 s', verdict(allRunning ? burstMs : Infinity, 30_000, 'lower')]);
    rows.push(['paginated list during burst (p50 / max)', `${fmtMs(percentile(listMs, 0.5))} / ${fmtMs(Math.max(...listMs))}`, `${fmtMs(refList.ms)} alone, ${fmtMs(idleList.ms)} idle up`, '< 1 s', verdict(Math.max(...listMs), 1000, 'lower')]);
    const kubectlOk = kubectlMs.filter((x) => !Number.isNaN(x));
    const kubectlFailed = kubectlMs.length - kubectlOk.length;
    rows.push([`kubectl get nodes during burst (p50 / max${kubectlFailed ? `, ${kubectlFailed} of ${kubectlMs.length} failed` : ''})`, `${fmtMs(percentile(kubectlOk, 0.5))} / ${fmtMs(Math.max(...kubectlOk))}`, `${fmtMs(percentile(idleOk, 0.5))} idle`, '< 200 ms', kubectlFailed ? `misses target (${kubectlFailed} failed)` : verdict(percentile(kubectlOk, 0.5), 200, 'lower')]);
    rows.push([`${opts.paced} pods at ${opts.rate}/s: create→Running p50 / p99`, `${fmtMs(percentile(lat, 0.5))} / ${fmtMs(percentile(lat, 0.99))}`, 'simulated sandbox+start 200–550 ms', 'p99 < 1 s', verdict(percentile(lat, 0.99), 1000, 'lower')]);
    rows.push([`up RSS (${opts.nodes} nodes, ${opts.pods + opts.paced} pods)`, `${mem.rssMiB} MiB (peak ${mem.peakMiB})`, '', '≤ 1 GiB at 1,000 nodes / 10,000 pods', verdict(mem.peakMiB, 1024, 'lower')]);
    await up.stop();

    if (opts.huge) {
      const t1 = performance.now();
      const big = await startKubeling(['up', '--nodes', '5000', '--dns-port', '0'], join(root, 'huge'));
      servers.push(big);
      await waitNodesReady(big.client, 5000, 1_800_000);
      const nodesMs = performance.now() - t1;
      const w = await watchRunning(big.client);
      const hugeNames = names('huge', 100_000);
      const h0 = performance.now();
      const c = await createPods(big.client, hugeNames, opts.clients);
      const ok = await waitAll(w.running, hugeNames, 3_600_000);
      const hugeMs = performance.now() - h0;
      w.close();
      const m = memoryOf(big.child.pid!);
      rows.push(['5,000 nodes Ready', fmtMs(nodesMs), '', '', '']);
      rows.push(['100,000 pods → all Running', ok ? fmtMs(hugeMs) : 'not all', `created at ${Math.round(100_000 / (c.wallMs / 1000))}/s`, 'works', ok ? 'meets target' : 'misses target']);
      rows.push(['up RSS (5,000 nodes, 100,000 pods)', `${m.rssMiB} MiB (peak ${m.peakMiB})`, '', '', '']);
      await big.stop();
    }
    console.log(table(rows));
    console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    for (const srv of servers) if (srv.child.exitCode === null) await srv.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}

if (!spawnSync(KUBECTL, ['version', '--client'], { stdio: 'ignore' }).status) {
  await main();
} else {
  throw new Error(`${KUBECTL} is needed`);
}
