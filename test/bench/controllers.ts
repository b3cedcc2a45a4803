import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deploymentResource } from '../../api/apps/deployment.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { nodeResource } from '../../api/core/node.js';
import { podResource } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { createInformer } from '../../client/informer.js';
import { startComponents, type Components } from '../e2e/cluster-with-components.js';
import { startBenchServer } from './bench-server.js';

/**
 * Controllers benchmark (`npm run bench:controllers`): on simulated nodes, how long from
 * creating D Deployments × R replicas until every pod is Running (seen through a watch),
 * and from scaling them all to zero until every pod is gone.
 *
 * Reference, measured in the same run: the same number of bare pods created directly by
 * the client (no Deployment or ReplicaSet controller involved), run and deleted with one
 * deleteCollection. The ratio says what the controllers add on top of the scheduler and
 * kubelets.
 *
 * The apiserver runs in a child process (SQLite); controller manager, scheduler,
 * kubelet-sim (fast stages) and the observing informer run in this process.
 *
 * Flags or environment (flags win): --nodes (BENCH_NODES, 100), --deployments
 * (BENCH_DEPLOYMENTS, 100), --replicas (BENCH_REPLICAS, 10), --kubelet-qps
 * (BENCH_KUBELET_QPS, 1000: kubelet-sim writes/s, all nodes together), --concurrency
 * (BENCH_CONCURRENCY, 16: client calls in flight), --timeout (BENCH_TIMEOUT_SECONDS, 300
 * per phase), --no-reference.
 */

interface Options {
  nodes: number;
  deployments: number;
  replicas: number;
  kubeletQps: number;
  concurrency: number;
  timeoutSeconds: number;
  reference: boolean;
}

const NS = 'bench';
const IMAGE = 'registry.k8s.io/pause:3.10';
const MiB = 2 ** 20;

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const numeric = { nodes: 100, deployments: 100, replicas: 10, 'kubelet-qps': 1000, concurrency: 16, timeout: 300 };
  const { values } = parseArgs({
    args: argv,
    options: { ...Object.fromEntries(Object.keys(numeric).map((k) => [k, { type: 'string' as const }])), 'no-reference': { type: 'boolean' } },
    strict: true,
  });
  const num = (key: keyof typeof numeric): number => {
    const envKey = key === 'timeout' ? 'BENCH_TIMEOUT_SECONDS' : `BENCH_${key.toUpperCase().replace(/-/g, '_')}`;
    const raw = (values as Record<string, string | undefined>)[key] ?? env[envKey];
    if (raw === undefined || raw === '') return numeric[key];
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${key} (or ${envKey}) must be a positive integer, got ${JSON.stringify(raw)}`);
    return n;
  };
  return {
    nodes: num('nodes'),
    deployments: num('deployments'),
    replicas: num('replicas'),
    kubeletQps: num('kubelet-qps'),
    concurrency: num('concurrency'),
    timeoutSeconds: num('timeout'),
    reference: !values['no-reference'] && env.BENCH_NO_REFERENCE !== '1',
  };
}

/** Nearest-rank quantile of unsorted samples. */
function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const secs = (ms: number): string => (ms / 1000).toFixed(2);

/** Runs total jobs with at most `concurrency` in flight. */
async function pool(total: number, concurrency: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) await job(next++);
    }),
  );
}

/**
 * Watches the benchmark namespace's pods: per pod, when the watch first saw it and when
 * it was first seen Running; resolves waits on "N Running" and "none left".
 */
function podObserver(components: Components) {
  const firstSeen = new Map<string, number>();
  const boundAt = new Map<string, number>();
  const runningAt = new Map<string, number>();
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((w) => w());
  const see = (p: KubeObject): void => {
    const uid = p.metadata.uid!;
    const now = performance.now();
    if (!firstSeen.has(uid)) firstSeen.set(uid, now);
    if ((p as KubeObject & { spec?: { nodeName?: string } }).spec?.nodeName && !boundAt.has(uid)) boundAt.set(uid, now);
    const phase = (p as KubeObject & { status?: { phase?: string } }).status?.phase;
    if (phase === 'Running' && !p.metadata.deletionTimestamp && !runningAt.has(uid)) runningAt.set(uid, now);
    notify();
  };
  const informer = createInformer(components.client, podResource, { namespace: NS });
  informer.addEventHandler({ onAdd: see, onUpdate: (_o, p) => see(p), onDelete: () => notify() });
  informer.start();
  const until = (test: () => boolean, what: string, timeoutMs: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!test()) return;
        done();
        resolve(performance.now());
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (${informer.store.list().length} pods in the cache, ${runningAt.size} seen Running)`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    informer,
    reset(): void {
      firstSeen.clear();
      boundAt.clear();
      runningAt.clear();
    },
    /** Resolves with the time when n pods have been seen Running. */
    running: (n: number, timeoutMs: number) => until(() => runningAt.size >= n, `${n} Running pods`, timeoutMs),
    /** Resolves with the time when the cache holds no pod. */
    gone: (timeoutMs: number) => until(() => informer.store.list().length === 0, 'every pod to be gone', timeoutMs),
    /** When the last pod was first seen, first seen bound, first seen Running (performance.now()). */
    lastOf: () => ({
      seen: Math.max(...firstSeen.values()),
      bound: Math.max(...boundAt.values()),
      running: Math.max(...runningAt.values()),
    }),
    /** Per pod: first seen → first Running, ms. */
    startupLatencies: (): number[] => [...runningAt].map(([uid, t]) => t - firstSeen.get(uid)!),
  };
}

function podTemplate(app: string) {
  return {
    metadata: { labels: { app } },
    spec: { containers: [{ name: 'app', image: IMAGE }], terminationGracePeriodSeconds: 1 },
  };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2), process.env);
  const total = opts.deployments * opts.replicas;
  const timeoutMs = opts.timeoutSeconds * 1000;
  console.log(
    `controllers benchmark: ${opts.nodes} simulated nodes, ${opts.deployments} deployments × ${opts.replicas} replicas = ${total} pods ` +
      `(apiserver on SQLite in a child process; kubelet-sim fast stages, ${opts.kubeletQps} writes/s)`,
  );
  const root = await mkdtemp(join(tmpdir(), 'kubeling-bench-ctrl-'));
  const server = await startBenchServer({ dataDir: join(root, 'data') });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  let components: Components | undefined;
  try {
    components = await startComponents(
      { url: server.url, caCert: server.caCert, token: server.adminToken },
      // Component logs stay off unless KUBELING_LOG_LEVEL asks: under this load the event
      // recorders log one line per dropped event, which would bury the figures.
      { nodes: opts.nodes, kubeletQps: opts.kubeletQps, leaderElect: false, logLevel: process.env.KUBELING_LOG_LEVEL ?? 'fatal' },
    );
    const { client } = components;

    // Every node Ready with a podCIDR before anything is measured.
    const tNodes = performance.now();
    for (;;) {
      const nodes = await client.listAll(nodeResource);
      const ok = nodes.items.filter((n) => {
        const s = n as KubeObject & { spec?: { podCIDR?: string }; status?: { conditions?: Array<{ type: string; status: string }> } };
        return s.spec?.podCIDR && s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      });
      if (ok.length === opts.nodes) break;
      if (performance.now() - tNodes > timeoutMs) throw new Error(`only ${ok.length}/${opts.nodes} nodes Ready with a podCIDR`);
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`  ${opts.nodes} nodes Ready with podCIDRs in ${secs(performance.now() - tNodes)} s`);

    await client.create(namespaceResource, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const pods = podObserver(components);
    await pods.informer.waitForSync();
    const rows: string[] = [];
    const line = (label: string, ms: number, extra = ''): void => {
      rows.push(`  ${label.padEnd(44)} ${secs(ms).padStart(7)} s  ${(total / (ms / 1000)).toFixed(0).padStart(5)} pods/s${extra}`);
    };
    /** Where the time went: when the last pod appeared, was bound, ran; per-pod startup. */
    const latencyLine = (t0: number): string => {
      const l = pods.startupLatencies();
      const last = pods.lastOf();
      return (
        `\n      last pod created +${secs(last.seen - t0)} s, last bound +${secs(last.bound - t0)} s, last Running +${secs(last.running - t0)} s;` +
        ` per pod created→Running p50 ${secs(quantile(l, 0.5))} s, p99 ${secs(quantile(l, 0.99))} s`
      );
    };

    let refUp = Number.NaN;
    let refDown = Number.NaN;
    if (opts.reference) {
      pods.reset();
      const t0 = performance.now();
      await pool(total, opts.concurrency, (i) =>
        client.create(podResource, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `bare-${i}`, namespace: NS, labels: { app: 'bare' } }, spec: podTemplate('bare').spec } as KubeObject),
      );
      refUp = (await pods.running(total, timeoutMs)) - t0;
      line(`reference: ${total} bare pods created → Running`, refUp, latencyLine(t0));
      const t1 = performance.now();
      await client.deleteCollection(podResource, { namespace: NS, labelSelector: 'app=bare' });
      refDown = (await pods.gone(timeoutMs)) - t1;
      line(`reference: deleteCollection → all gone`, refDown);
    }

    pods.reset();
    const t0 = performance.now();
    await pool(opts.deployments, opts.concurrency, (i) =>
      client.create(deploymentResource, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `d-${i}`, namespace: NS },
        spec: { replicas: opts.replicas, selector: { matchLabels: { app: `d-${i}` } }, template: podTemplate(`d-${i}`) },
      } as KubeObject),
    );
    const tCreated = performance.now();
    const up = (await pods.running(total, timeoutMs)) - t0;
    line(`${opts.deployments} deployments created → ${total} pods Running`, up, latencyLine(t0));
    const memUp = process.memoryUsage();
    const serverUp = (await server.memory()) ?? { rss: NaN, heapUsed: NaN };

    const t1 = performance.now();
    await pool(opts.deployments, opts.concurrency, (i) =>
      client.patch(deploymentResource, `d-${i}`, { spec: { replicas: 0 } }, { type: 'merge', namespace: NS }),
    );
    const down = (await pods.gone(timeoutMs)) - t1;
    line(`scale all to 0 → every pod gone`, down);

    console.log(`  (creating the ${opts.deployments} deployments took ${secs(tCreated - t0)} s)`);
    console.log(rows.join('\n'));
    if (opts.reference) {
      console.log(`  ratio to the bare-pod reference: up ${(up / refUp).toFixed(2)}×, down ${(down / refDown).toFixed(2)}×`);
    }
    const s = components.scheduler.stats();
    console.log(`  scheduler: ${s.attempts} attempts, ${s.unschedulable} unschedulable, ${s.bindConflicts} bind conflicts, ${s.bindErrors} bind errors`);
    console.log(
      `  memory at ${total} Running pods: bench process (controllers + scheduler + kubelet-sim + observer) rss ${(memUp.rss / MiB).toFixed(0)} MiB, ` +
        `heap ${(memUp.heapUsed / MiB).toFixed(0)} MiB (peak rss ${(peakRss / MiB).toFixed(0)} MiB); apiserver rss ${(serverUp.rss / MiB).toFixed(0)} MiB, heap ${(serverUp.heapUsed / MiB).toFixed(0)} MiB`,
    );
    pods.informer.stop();
  } finally {
    clearInterval(sampler);
    await components?.stop();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
