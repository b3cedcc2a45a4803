/**
 * kubelet-sim memory benchmark (`npm run bench:kubelet-sim-memory`, i.e. `node
 * dist/test/bench/kubelet-sim-memory.js` after `npm run build`; about 8 minutes on the
 * development machine): the heap one kubelet-sim process needs per simulated node and
 * per running pod, against the design target of 5,000 nodes and 100,000 pods in one
 * process.
 *
 * Each measurement runs in its own child process (its heap holds nothing else), started
 * with --expose-gc so every figure is taken after a full collection:
 *   1. baseline: startKubeletSim with 0 nodes;
 *   2. nodes only: N nodes (registered, leases renewed, status reported), no pods;
 *   3. full: N nodes and P pods bound to them (created with spec.nodeName set, as the
 *      scheduler would leave them), measured once every pod is Running and written.
 * Per node = (2 − 1) / N; per pod = (3 − 2) / P.
 *
 * The apiserver is the in-memory fake client (client/fake-client.ts) in the child, not the
 * real apiserver: 100,000 pod creates plus ~400,000 status writes through the real
 * apiserver take 15+ minutes on the 2-core development machine (≈ 560 writes/s, see
 * BENCHMARKS.md), and the figure wanted is the simulator's, not the server's. The fake's
 * own store lives in the same heap, so the simulator is measured as a difference: heap
 * with the simulator running, minus heap after it is stopped and collected (the fake's
 * store, then holding the final objects, stays). The informers' share is measured the
 * same way: fresh Node and Pod informers (the simulator's selectors and cache transform) synced on that
 * final store; the rest is the simulator's own state (pod records, node records, IP
 * allocators, image caches, due queue). The fake's call log and watch history are
 * trimmed every 2 s, as compaction would.
 *
 * RSS is printed per process for scale; it includes the fake store and V8's free pages,
 * so the heap differences are the figures to read.
 *
 * Flags: --nodes (5,000), --pods (100,000), --timeout seconds per run (900).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configMapResource } from '../../api/core/configmap.js';
import { nodeResource } from '../../api/core/node.js';
import { podResource } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { createFakeClient, type FakeAction } from '../../client/fake-client.js';
import { createInformer } from '../../client/informer.js';
import { createLogger } from '../../lib/logger.js';
import { startKubeletSim } from '../../kubelet-sim/index.js';
import { createCacheTransforms } from '../../kubelet-sim/object-cache.js';
import { realisticPod } from './realistic-pod.js';

const NAMESPACE = 'default';
const PREFIX = 'kubeling-node-';
const MiB = 2 ** 20;
/** Issue 11's targets for the simulator's heap. */
const POD_TARGET = 2 * 1024;
const NODE_TARGET = 4 * 1024;

interface Heap {
  heapUsed: number;
  rss: number;
}

/** What one child reports. */
export interface MemoryRunResult {
  nodes: number;
  pods: number;
  /** Pods created → all Running and written, seconds. */
  secondsToRunning: number;
  /** Fake store populated, before the simulator. */
  before: Heap;
  /** Simulator running, every pod Running. */
  running: Heap;
  /** Simulator stopped and collected: the fake store alone. */
  after: Heap;
  /** A Node and a Pod informer synced on the final store. */
  informers: Heap;
  /** Ditto, the Node informer alone. */
  nodeInformer: Heap;
}

function gcNow(): Heap {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

/**
 * The heap once it stops shrinking: a stopped simulator's last timers and streams let go
 * of it only when they fire or end (at 100,000 pods that took seconds), so one collection
 * right after stop() would still count it.
 */
async function settle(): Promise<Heap> {
  let last = gcNow();
  let stable = 0;
  for (let i = 0; i < 60 && stable < 3; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = gcNow();
    stable = last.heapUsed - now.heapUsed < MiB ? stable + 1 : 0;
    last = now;
  }
  return last;
}

const progress = (msg: string) => process.stderr.write(`  [child ${process.pid}] ${msg}\n`);

async function child(nodes: number, pods: number, timeoutMs: number): Promise<MemoryRunResult> {
  const client = createFakeClient();
  const log = createLogger({ level: process.env.KUBELING_LOG_LEVEL ?? 'warn' });
  const trim = (): void => {
    (client.actions as FakeAction[]).length = 0;
    client.compact();
  };
  const names = Array.from({ length: nodes }, (_, i) => `${PREFIX}${i}`);
  // Nodes exist with a pod CIDR (what node IPAM gives them); the simulator takes them over.
  for (const [i, name] of names.entries()) {
    const cidr = `10.${64 + (i >> 8)}.${i & 255}.0/24`;
    await client.create(nodeResource, { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { podCIDR: cidr, podCIDRs: [cidr] } });
  }
  // The realistic pod mounts ConfigMap web-config: without it the kubelet holds every pod at FailedMount.
  await client.create(configMapResource, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: NAMESPACE }, data: { 'app.conf': 'port=8080\n' } } as KubeObject);
  for (let i = 0; i < pods; i++) {
    const pod = realisticPod(`pod-${i}`, NAMESPACE, i) as KubeObject & { spec: Record<string, unknown> };
    pod.spec.nodeName = names[i % nodes];
    await client.create(podResource, pod);
  }
  trim();
  progress(`${nodes} nodes and ${pods} pods in the fake store`);
  const before = await settle();

  const t0 = performance.now();
  let sim: Awaited<ReturnType<typeof startKubeletSim>> | undefined = await startKubeletSim({
    client,
    nodes,
    namePrefix: PREFIX,
    logger: log,
    events: false,
    qps: 1_000_000,
    burst: 1_000_000,
    concurrency: 64,
  });
  const trimmer = setInterval(trim, 2000);
  const keys = Array.from({ length: pods }, (_, i) => `${NAMESPACE}/pod-${i}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let runningCount = 0;
    for (const k of keys) if (sim.podState(k) === 'Running') runningCount++;
    if (runningCount === pods && sim.backlog() === 0) break;
    if (Date.now() > deadline) throw new Error(`timeout: ${runningCount}/${pods} Running, ${sim.backlog()} writes waiting`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const secondsToRunning = (performance.now() - t0) / 1000;
  progress(`all Running in ${secondsToRunning.toFixed(1)} s`);
  // One more sync round (10 s) so every node has reported its images.
  await new Promise((r) => setTimeout(r, 11_000));
  while (sim.backlog() > 0) await new Promise((r) => setTimeout(r, 200));
  trim();
  const running = await settle();

  await sim.stop();
  sim = undefined;
  clearInterval(trimmer);
  trim();
  const after = await settle();
  progress('simulator stopped and collected');

  // The simulator's own cache transform (kubelet-sim/object-cache.ts), so the figure is what its informers hold.
  const cache = createCacheTransforms();
  const nodeInformer = createInformer(client, nodeResource, { logger: log, transform: cache.node });
  nodeInformer.start();
  await nodeInformer.waitForSync();
  trim();
  const nodeOnly = await settle();
  const podInformer = createInformer(client, podResource, { fieldSelector: 'spec.nodeName!=', logger: log, transform: cache.pod });
  podInformer.start();
  await podInformer.waitForSync();
  trim();
  const informers = await settle();
  if (podInformer.store.list().length !== pods || nodeInformer.store.list().length !== nodes) throw new Error('informers did not sync everything');
  nodeInformer.stop();
  podInformer.stop();
  return { nodes, pods, secondsToRunning, before, running, after, informers, nodeInformer: nodeOnly };
}

function runChild(nodes: number, pods: number, timeoutMs: number): Promise<MemoryRunResult> {
  const entry = fileURLToPath(import.meta.url);
  const proc = fork(entry, ['--child', '--nodes', String(nodes), '--pods', String(pods), '--timeout', String(timeoutMs / 1000)], {
    execArgv: ['--expose-gc', '--max-old-space-size=8192'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => resolve(m as MemoryRunResult));
    proc.once('exit', (code) => reject(new Error(`child (${nodes} nodes, ${pods} pods) exited with ${code}`)));
  });
}

const mib = (b: number, digits = 1) => `${(b / MiB).toFixed(digits)} MiB`;
const kib = (b: number) => `${(b / 1024).toFixed(2)} KiB`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { child: { type: 'boolean' }, nodes: { type: 'string' }, pods: { type: 'string' }, timeout: { type: 'string' } },
    strict: true,
  });
  const nodes = Number(values.nodes ?? 5_000);
  const pods = Number(values.pods ?? 100_000);
  const timeoutMs = Number(values.timeout ?? 900) * 1000;
  if (!Number.isInteger(nodes) || nodes < 0 || !Number.isInteger(pods) || pods < 0 || (pods > 0 && nodes === 0)) {
    throw new Error('--nodes and --pods must be non-negative integers, with nodes for the pods');
  }
  if (values.child) {
    const result = await child(nodes, pods, timeoutMs);
    // Run by hand (no IPC channel): print the figures.
    if (!process.send) {
      console.log(JSON.stringify(result, null, 2));
      process.exit(0);
    }
    process.send(result, () => process.exit(0));
    return;
  }

  console.log(`kubelet-sim memory: ${nodes.toLocaleString('en-US')} nodes, ${pods.toLocaleString('en-US')} pods (fake apiserver in-process; each run in its own child with --expose-gc)`);
  const base = await runChild(0, 0, timeoutMs);
  const nodesOnly = await runChild(nodes, 0, timeoutMs);
  const full = await runChild(nodes, pods, timeoutMs);

  const sim = (r: MemoryRunResult) => r.running.heapUsed - r.after.heapUsed;
  const podInf = (r: MemoryRunResult) => r.informers.heapUsed - r.nodeInformer.heapUsed;
  const nodeInf = (r: MemoryRunResult) => r.nodeInformer.heapUsed - r.after.heapUsed;
  const own = (r: MemoryRunResult) => sim(r) - podInf(r) - nodeInf(r);
  const perNode = (f: (r: MemoryRunResult) => number) => (f(nodesOnly) - f(base)) / nodes;
  const perPod = (f: (r: MemoryRunResult) => number) => (pods > 0 ? (f(full) - f(nodesOnly)) / pods : NaN);

  for (const r of [base, nodesOnly, full]) {
    console.log(
      `  ${String(r.nodes).padStart(5)} nodes ${String(r.pods).padStart(7)} pods: simulator heap ${mib(sim(r))} ` +
        `(pod informer ${mib(podInf(r))}, node informer ${mib(nodeInf(r))}, own state ${mib(own(r))}); ` +
        `process heap ${mib(r.running.heapUsed)}, rss ${mib(r.running.rss, 0)} (fake store ${mib(r.after.heapUsed)})` +
        (r.pods > 0 ? `; all Running in ${r.secondsToRunning.toFixed(1)} s` : ''),
    );
  }
  console.log('');
  const verdict = (v: number, target: number) => `target ≤ ${kib(target)}: ${v <= target ? 'met' : 'missed'}`;
  console.log(`  per node: ${kib(perNode(sim))} heap (node informer ${kib(perNode(nodeInf))}, own ${kib(perNode(own))}); ${verdict(perNode(sim), NODE_TARGET)}`);
  if (pods > 0) {
    console.log(`  per pod:  ${kib(perPod(sim))} heap (pod informer ${kib(perPod(podInf))}, own ${kib(perPod(own))}); ${verdict(perPod(sim), POD_TARGET)}`);
    console.log(
      `  ${nodes.toLocaleString('en-US')} nodes + ${pods.toLocaleString('en-US')} pods: ${mib(sim(full), 0)} simulator heap ` +
        `on top of ${mib(base.running.heapUsed, 0)} heap / ${mib(base.running.rss, 0)} RSS for a process with an empty simulator`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
