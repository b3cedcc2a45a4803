import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { deploymentResource } from '../../api/apps/deployment.js';
import { hpaResource } from '../../api/autoscaling/hpa.js';
import type { HorizontalPodAutoscaler } from '../../api/autoscaling/hpa-schemas.js';
import { nodeResource } from '../../api/core/node.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { createEventRecorder } from '../../client/event-recorder.js';
import { createFakeClient } from '../../client/fake-client.js';
import { createSharedInformerFactory } from '../../client/informer.js';
import { NAMESPACE_INDEX } from '../../client/store.js';
import { FakeClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { createFakeMetricsApi } from '../../hpa/fake-metrics.js';
import { createHpaReconciler, defaultHpaControllerConfig } from '../../hpa/hpa-controller.js';
import { createMetricsClient } from '../../hpa/metrics-client.js';
import { createRestMapper } from '../../hpa/rest-mapper.js';

/**
 * HPA benchmark (`npm run bench:hpa`): 1,000 HPAs over 1,000 Deployments (2 pods each,
 * spread over 100 nodes and 100 namespaces), driven in-process against the in-memory
 * fake client (client/fake-client.ts) and a fake metrics API (hpa/fake-metrics.ts), so
 * the figures are the controller's own time, without HTTP or an apiserver.
 *
 * 1. One sync of all HPAs, with kube's 5 concurrent syncs, in wall-clock time: at steady
 *    state (nothing changes, no writes), and the round in which every HPA scales up
 *    (scale and status writes, events). Reference: kube's sync period, 15 s; target < 1 s.
 * 2. Load step → first scale-up written, in simulated time on a FakeClock: the metrics
 *    source only changes at scrape times (every --metric-resolution, 15 s, one phase for
 *    the cluster), and each HPA is synced every 15 s at its own phase, as HPAs added at
 *    different times are. Reference: one metric resolution + one sync period = 30 s.
 *
 * Flags: --hpas N (1000), --nodes N (100), --rounds N (3).
 */

const { values } = parseArgs({ options: { hpas: { type: 'string' }, nodes: { type: 'string' }, rounds: { type: 'string' } }, strict: true });
const HPAS = Number(values.hpas ?? 1000);
const NODES = Number(values.nodes ?? 100);
const ROUNDS = Number(values.rounds ?? 3);
const NAMESPACES = Math.min(100, HPAS);
const PODS_PER = 2;
const SYNC_MS = defaultHpaControllerConfig.syncPeriodMs;
const RESOLUTION_MS = 15_000;
const WORKERS = defaultHpaControllerConfig.workers;

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function main(): Promise<void> {
  const clock = new FakeClock(T0);
  const client = createFakeClient({ clock });
  const logger = createLogger({ level: 'silent' });

  for (let n = 0; n < NODES; n++) {
    await client.create(nodeResource, { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${n}` } } as KubeObject);
  }
  const keys: string[] = [];
  for (let i = 0; i < HPAS; i++) {
    const ns = `ns-${i % NAMESPACES}`;
    const name = `app-${i}`;
    keys.push(`${ns}/${name}`);
    await client.create(deploymentResource, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: { replicas: PODS_PER, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'x' }] } } },
    } as KubeObject);
    for (let p = 0; p < PODS_PER; p++) {
      await client.create(podResource, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${name}-${p}`, namespace: ns, labels: { app: name } },
        spec: { nodeName: `node-${(i * PODS_PER + p) % NODES}`, containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '200m' } } }] },
        status: { phase: 'Running', startTime: iso(T0 - 3_600_000), conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(T0 - 3_590_000) }] },
      } as KubeObject);
    }
    await client.create(hpaResource, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace: ns },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
      status: { currentMetrics: null, desiredReplicas: 0 },
    } as KubeObject);
  }

  // The load model: per-pod CPU as of the last scrape (one cluster-wide scrape phase).
  const scrapePhase = 7_000;
  let loadStepAt = Number.POSITIVE_INFINITY;
  const lastScrape = (now: number): number => Math.floor((now - T0 - scrapePhase) / RESOLUTION_MS) * RESOLUTION_MS + T0 + scrapePhase;
  let loadedCpu = '400m';
  const informers = createSharedInformerFactory(client, { clock, logger });
  const pods = informers.informerFor<Pod>(podResource);
  // The fake metrics server lists pods from the informer's namespace index, as a real one
  // answers from its scrape cache: its cost is not the controller's.
  const metrics = createFakeMetricsApi(client, clock, (ns) => pods.store.byIndex(NAMESPACE_INDEX, ns));
  metrics.model = () => ({ containers: { app: { cpu: lastScrape(clock.now()) >= loadStepAt ? loadedCpu : '100m' } } });

  const hpas = informers.informerFor<HorizontalPodAutoscaler>(hpaResource);
  informers.start();
  await informers.waitForSync();
  const recorder = createEventRecorder(client, { component: 'horizontal-pod-autoscaler', clock, logger });
  const mapper = createRestMapper(metrics.get, clock);
  const reconciler = createHpaReconciler({
    client,
    pods,
    hpas,
    metrics: createMetricsClient(metrics.get, mapper),
    mapper,
    recorder,
    clock,
    logger,
    config: defaultHpaControllerConfig,
  });

  const firstScaleAt = new Map<string, number>();
  client.prependReactor((a) => {
    if (a.verb === 'update' && a.subresource === 'scale') {
      const key = `${a.namespace}/${a.name}`;
      if (!firstScaleAt.has(key)) firstScaleAt.set(key, clock.now());
    }
    return undefined;
  });

  /** Reconciles the keys with WORKERS in flight, as kube's workers take them off the queue. */
  let lastCpuMs = 0;
  /**
   * Reconciles the keys with WORKERS in flight, as kube's workers take them off the queue;
   * answers the wall time, and leaves the process CPU time in lastCpuMs (the machine is
   * shared, so wall time includes waiting for a core).
   */
  const syncAll = async (subset: string[]): Promise<number> => {
    let next = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (next < subset.length) await reconciler.reconcile(subset[next++]!);
      }),
    );
    const used = process.cpuUsage(cpu);
    lastCpuMs = (used.user + used.system) / 1000;
    return performance.now() - start;
  };
  const settleInformers = async (): Promise<void> => {
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  };

  // 1. One sync of all HPAs.
  clock.advance(SYNC_MS);
  const first = await syncAll(keys); // discovery cache fill, first status write of every HPA
  await settleInformers();
  const firstCpu = lastCpuMs;
  const steady: number[] = [];
  const steadyCpu: number[] = [];
  const writesBefore = client.actions.filter((a) => a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch').length;
  for (let r = 0; r < ROUNDS; r++) {
    clock.advance(SYNC_MS);
    steady.push(await syncAll(keys));
    steadyCpu.push(lastCpuMs);
    await settleInformers();
  }
  const steadyWrites = client.actions.filter((a) => a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch').length - writesBefore;
  steady.sort((a, b) => a - b);
  steadyCpu.sort((a, b) => a - b);
  const median = steady[Math.floor(steady.length / 2)]!;
  const medianCpu = steadyCpu[Math.floor(steadyCpu.length / 2)]!;

  // 2. Load step → first scale-up written (simulated time), then the wall time of the scale-up round.
  const stepOffset = 61_234; // not aligned with scrapes or syncs
  const simStart = clock.now();
  loadStepAt = simStart + stepOffset;
  const phaseOf = (i: number): number => Math.floor((i * SYNC_MS) / keys.length);
  for (let t = 0; t <= stepOffset + 2 * (SYNC_MS + RESOLUTION_MS); t += 1000) {
    clock.advance(t === 0 ? 0 : 1000);
    const due = keys.filter((_, i) => (t - phaseOf(i) + SYNC_MS * 10) % SYNC_MS < 1000);
    await syncAll(due);
    await settleInformers();
  }
  const latencies = keys.map((k) => (firstScaleAt.get(k) ?? Number.POSITIVE_INFINITY) - loadStepAt).sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;

  // 1b. One sync of all HPAs in which every one rescales (4 → 8 pods: scale and status writes, an event each).
  loadedCpu = '800m';
  clock.advance(RESOLUTION_MS + SYNC_MS);
  let rescaled = 0;
  client.prependReactor((a) => {
    if (a.verb === 'update' && a.subresource === 'scale') rescaled++;
    return undefined;
  });
  const scaleRoundMs = await syncAll(keys);
  const scaleRoundCpu = lastCpuMs;
  await recorder.stop({ drop: true });
  informers.stop();

  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const reference = RESOLUTION_MS + SYNC_MS;
  console.log(`HPA benchmark: ${HPAS} HPAs over ${HPAS} Deployments (${HPAS * PODS_PER} pods) on ${NODES} nodes, in-process (fake client, fake metrics API)`);
  console.log(`one sync of all HPAs, ${WORKERS} workers:`);
  console.log(`  first round (a status written for every HPA): ${first.toFixed(0)} ms wall, ${firstCpu.toFixed(0)} ms CPU`);
  console.log(
    `  steady state (${steadyWrites} writes), median of ${ROUNDS}: ${median.toFixed(0)} ms wall, ${medianCpu.toFixed(0)} ms CPU  (${((median / SYNC_MS) * 100).toFixed(1)}% of kube's ${SYNC_MS / 1000} s period; target < 1000 ms)`,
  );
  console.log(`  a round in which every HPA rescales (${rescaled} scale writes, status writes, events): ${scaleRoundMs.toFixed(0)} ms wall, ${scaleRoundCpu.toFixed(0)} ms CPU`);
  console.log(`load step → first scale-up written (simulated time, resolution ${RESOLUTION_MS / 1000} s, sync ${SYNC_MS / 1000} s):`);
  console.log(
    `  p50 ${s(pct(50))}, p99 ${s(pct(99))}, max ${s(latencies[latencies.length - 1]!)}; scaled: ${latencies.filter(Number.isFinite).length}/${HPAS}  (reference: resolution + period = ${s(reference)}; max/reference ${(latencies[latencies.length - 1]! / reference).toFixed(2)})`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
