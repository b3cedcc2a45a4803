/**
 * Metrics scrape benchmark (`npm run bench:metrics`; part of issue 9's bench:hpa): one
 * metrics-server scrape round over 1,000 nodes × 30 pods (target < 2 s), through the real
 * pieces and real loopback HTTP: the kubelet-sim's HTTP server answering
 * /node/NAME/metrics/resource from the usage model (integrating 15 s of usage per node,
 * rendering the Prometheus text), and the metrics server's scraper (32 connections,
 * parsing, storing). Then the PodMetricsList of all 30,000 pods, as `kubectl top pods -A`
 * or the HPA's list would get it from the metrics server.
 *
 * Reference, measured in the same run: the same 1,000 HTTP GETs to a server answering a
 * pre-rendered body of the same size (the transport floor: what any scrape over HTTP
 * costs here), so the ratio shows what the model, rendering and parsing add.
 *
 * Everything runs in this one process (as in `kubeling up`), so both sides share a core.
 * Flags: --nodes N (1000), --pods N per node (30), --rounds N (3).
 */
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Node } from '../../api/core/node.js';
import { KUBELET_ENDPOINT } from '../../kubelet-sim/annotations.js';
import { startLogServer } from '../../kubelet-sim/log-server.js';
import { parseLoadProfile, type LoadProfile } from '../../kubelet-sim/usage/profile.js';
import { renderResourceMetrics } from '../../kubelet-sim/usage/resource-metrics.js';
import { UsageModel, type NodeView } from '../../kubelet-sim/usage/usage-model.js';
import { FakeClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { handleMetricsApi } from '../../metrics-server/api.js';
import { scrapeNodes } from '../../metrics-server/scraper.js';
import { MetricsStorage } from '../../metrics-server/storage.js';

export interface MetricsScrapeBenchResult {
  nodes: number;
  podsPerNode: number;
  /** Wall time of each scrape round, ms (round 1 has no rates yet). */
  roundsMs: number[];
  /** CPU time this process spent in each round, ms (user + system): what a busy machine cannot inflate. */
  roundsCpuMs: number[];
  /** The same GETs of a static body of the same size, ms. */
  referenceMs: number;
  referenceCpuMs: number;
  bodyBytes: number;
  /** Building the PodMetricsList of every pod, ms. */
  listMs: number;
  listedPods: number;
  failed: number;
}

export async function runMetricsScrapeBench(o: { nodes?: number; podsPerNode?: number; rounds?: number } = {}): Promise<MetricsScrapeBenchResult> {
  const nodes = o.nodes ?? 1000;
  const podsPerNode = o.podsPerNode ?? 30;
  const rounds = Math.max(2, o.rounds ?? 3);
  const logger = createLogger({ level: 'silent' });
  // Simulated time: each round is 15 s of usage to integrate, as at --metric-resolution 15s.
  const clock = new FakeClock();
  const t0 = clock.now();
  const wave = (parseLoadProfile('{type: sine, cpu: 200m, amplitude: 150m, period: 2m}') as { profile: LoadProfile }).profile;
  const names = Array.from({ length: nodes }, (_, i) => `bench-node-${i}`);
  const views = new Map<string, NodeView>(
    names.map((name, n) => [
      name,
      {
        name,
        cpuCapacity: 4,
        memoryCapacity: 16 * 2 ** 30,
        startedAtMs: t0,
        pods: Array.from({ length: podsPerNode }, (_, p) => ({
          uid: `u-${n}-${p}`,
          namespace: `ns-${p % 10}`,
          name: `pod-${n}-${p}`,
          startedAtMs: t0,
          containers: [{ name: 'app', image: 'registry.k8s.io/hpa-example', startedAtMs: t0, cpuRequest: 0.1, cpuLimit: 0.5, ...(p % 3 === 0 ? { profile: wave } : {}) }],
        })),
      },
    ]),
  );
  const usage = new UsageModel({ clock, source: (n) => views.get(n), nodeOf: (uid) => `bench-node-${uid.split('-')[1]}` });
  const kubelet = await startLogServer({
    clock,
    logger,
    defaultIntervalMs: 1000,
    lookup: () => undefined,
    watch: () => () => {},
    failNode: () => {},
    recoverNode: () => {},
    listNodes: () => [],
    nodeStats: (name) => usage.sample(name),
  });
  const nodeObjects = names.map((name): Node => ({ metadata: { name, annotations: { [KUBELET_ENDPOINT]: `127.0.0.1:${kubelet.port}` } } }) as Node);
  const storage = new MetricsStorage();
  const realClock = { now: () => performance.now(), setTimeout: clock.setTimeout.bind(clock), clearTimeout: clock.clearTimeout.bind(clock) };

  const roundsMs: number[] = [];
  const roundsCpuMs: number[] = [];
  let failed = 0;
  for (let r = 0; r < rounds; r++) {
    clock.advance(15_000);
    const cpu0 = process.cpuUsage();
    const res = await scrapeNodes(nodeObjects, storage, { clock: realClock, logger, timeoutMs: 10_000 });
    const cpu = process.cpuUsage(cpu0);
    roundsCpuMs.push((cpu.user + cpu.system) / 1000);
    roundsMs.push(res.durationMs);
    failed += res.failed;
  }

  // The metrics server's answer to `kubectl top pods -A`.
  const pods = new Map<string, { metadata: { name: string; namespace: string; labels: Record<string, string> } }>();
  for (const v of views.values()) for (const p of v.pods) pods.set(`${p.namespace}/${p.name}`, { metadata: { name: p.name, namespace: p.namespace, labels: { app: 'bench' } } });
  const listStart = performance.now();
  const answer = handleMetricsApi(
    { storage, resolutionMs: 15_000, node: () => undefined, pod: (ns, n) => pods.get(`${ns}/${n}`) },
    'GET',
    '/apis/metrics.k8s.io/v1beta1/pods',
    clock.now(),
  );
  const body = JSON.stringify(answer.body);
  const listMs = performance.now() - listStart;
  const listedPods = (answer.body as { items: unknown[] }).items.length;
  await kubelet.close();

  // Reference: the same GETs, the same scraper concurrency, a static body of the same size.
  const sample = renderResourceMetrics(usage.sample(names[0]!)!);
  const ref = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(sample) });
    res.end(sample);
  });
  await new Promise<void>((r) => ref.listen(0, '127.0.0.1', r));
  const refPort = (ref.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const get = (url: string) =>
    new Promise<void>((resolve, reject) => {
      http.get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          Buffer.concat(chunks).toString('utf8');
          resolve();
        });
      }).on('error', reject);
    });
  const refCpu0 = process.cpuUsage();
  const refStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < nodes) {
        const name = names[next++]!;
        await get(`http://127.0.0.1:${refPort}/node/${name}/metrics/resource`);
      }
    }),
  );
  const referenceMs = performance.now() - refStart;
  const refCpu = process.cpuUsage(refCpu0);
  const referenceCpuMs = (refCpu.user + refCpu.system) / 1000;
  agent.destroy();
  await new Promise<void>((r) => ref.close(() => r()));
  void body;
  return { nodes, podsPerNode, roundsMs, roundsCpuMs, referenceMs, referenceCpuMs, bodyBytes: Buffer.byteLength(sample), listMs, listedPods, failed };
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

async function main(): Promise<void> {
  const r = await runMetricsScrapeBench({ nodes: flag('nodes', 1000), podsPerNode: flag('pods', 30), rounds: flag('rounds', 3) });
  const steady = r.roundsMs.slice(1);
  const best = Math.min(...steady);
  const worst = Math.max(...steady);
  console.log(`metrics scrape: ${r.nodes.toLocaleString('en-US')} nodes × ${r.podsPerNode} pods (${(r.nodes * r.podsPerNode).toLocaleString('en-US')} containers), ${(r.bodyBytes / 1024).toFixed(1)} KiB per node`);
  console.log(`  scrape rounds: ${r.roundsMs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')} (round 1 has no rates yet); failed scrapes: ${r.failed}`);
  console.log(`  steady round: ${(best / 1000).toFixed(2)}–${(worst / 1000).toFixed(2)} s; target < 2 s: ${worst < 2000 ? 'met' : 'MISSED'}`);
  console.log(`  CPU time per round (this process): ${r.roundsCpuMs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`);
  console.log(
    `  reference (same GETs, static body): ${(r.referenceMs / 1000).toFixed(2)} s wall, ${(r.referenceCpuMs / 1000).toFixed(2)} s CPU; ` +
      `scrape / reference = ${(worst / r.referenceMs).toFixed(1)}× wall, ${(Math.max(...r.roundsCpuMs.slice(1)) / r.referenceCpuMs).toFixed(1)}× CPU`,
  );
  console.log(`  load average while running: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} on ${os.cpus().length} cores`);
  console.log(`  PodMetricsList of ${r.listedPods.toLocaleString('en-US')} pods: ${r.listMs.toFixed(0)} ms`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').slice(-3).join('/'))) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
