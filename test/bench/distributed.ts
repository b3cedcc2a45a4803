import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { configMapResource } from '../../api/core/configmap.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { podResource } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { createRestClient, loadKubeconfig, type HttpRestClient } from '../../client/rest-client.js';
import { killLeaderAndMeasure, sleep } from '../distributed/scenario.js';
import { createTopology, type Topology } from '../distributed/topology.js';
import { REPO } from '../integration/cli-process.js';

/**
 * `npm run bench:distributed`: on the HA topology (3-member etcd, apiservers behind the
 * balancer), pod creates per second through the balancer with one apiserver and with two,
 * in the same run (the one-apiserver rate is the reference), then the failover times of
 * the fault scenario: leader controller manager and scheduler SIGKILLed (kill → Lease held
 * by another), one apiserver SIGKILLed (longest gap of a request loop through the
 * balancer), one etcd member SIGKILLed (longest gap of a write loop), and etcd without
 * quorum (stop → first refused write; restart → first accepted write).
 *
 * BENCH_PODS (default 1000) creates per phase, BENCH_CONCURRENCY (default 32) in flight.
 */
const PODS = Number(process.env.BENCH_PODS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const NS = 'bench-distributed';

const say = (line: string) => console.log(line);

function pod(name: string): KubeObject {
  // No scheduler takes these (schedulerName), so the rest of the cluster stays idle.
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { bench: 'distributed' } },
    spec: { schedulerName: 'bench-nobody', containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9' }] },
  } as KubeObject;
}

async function createPods(client: HttpRestClient, prefix: string): Promise<{ perSecond: number; errors: number; p99Ms: number }> {
  let next = 0;
  let errors = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < PODS; i = next++) {
        const t = performance.now();
        try {
          await client.create(podResource, pod(`${prefix}-${i}`));
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: (PODS - errors) / seconds, errors, p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
}

/** Runs `op` every 50 ms for `ms` and returns the longest stretch without a success. */
async function longestGap(op: () => Promise<unknown>, during: () => Promise<void>, ms: number): Promise<{ gapMs: number; failures: number }> {
  let stop = false;
  let lastOk = Date.now();
  let gap = 0;
  let failures = 0;
  const loop = (async () => {
    while (!stop) {
      try {
        await op();
        gap = Math.max(gap, Date.now() - lastOk);
        lastOk = Date.now();
      } catch {
        failures++;
      }
      await sleep(50);
    }
  })();
  await sleep(1000);
  await during();
  await sleep(ms);
  stop = true;
  await loop;
  return { gapMs: gap, failures };
}

async function waitUntilOk(op: () => Promise<unknown>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    try {
      await op();
      return Date.now() - start;
    } catch {
      if (Date.now() - start > timeoutMs) throw new Error(`no success within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

async function main(): Promise<void> {
  say(`bench:distributed on ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const topo: Topology = await createTopology({ nodes: 3, log: (l) => (l.startsWith('topology:') ? say(l) : undefined) });
  const client = createRestClient({ ...loadKubeconfig(topo.kubeconfigPath), maxSockets: CONCURRENCY });
  // Separate connections for the gap loops: a new TCP connection each time would measure TLS.
  const probeClient = createRestClient(loadKubeconfig(topo.kubeconfigPath));
  try {
    say(`topology: ${topo.kind}, balancer ${topo.lbUrl}`);
    await client.create(namespaceResource, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } as KubeObject);
    // Warm-up: JIT, watch caches, connections.
    await createPods(client, 'warm');

    // One apiserver: the second stopped, and out of the balancer's rotation (2 failed checks).
    await topo.stop('apiserver', 1);
    await sleep(3000);
    const one = await createPods(client, 'one');
    await topo.start('apiserver', 1);
    await sleep(3000);
    const two = await createPods(client, 'two');
    const oneAgain = await (async () => {
      await topo.stop('apiserver', 1);
      await sleep(3000);
      const r = await createPods(client, 'one-again');
      await topo.start('apiserver', 1);
      await sleep(3000);
      return r;
    })();
    const reference = (one.perSecond + oneAgain.perSecond) / 2;
    say('');
    say(`pod creates/s through the balancer, ${PODS} creates per phase, ${CONCURRENCY} in flight, 3-member etcd:`);
    say(`  1 apiserver:  ${one.perSecond.toFixed(0)} and ${oneAgain.perSecond.toFixed(0)} /s (reference: mean ${reference.toFixed(0)} /s; p99 ${one.p99Ms.toFixed(0)} ms)`);
    say(`  2 apiservers: ${two.perSecond.toFixed(0)} /s (p99 ${two.p99Ms.toFixed(0)} ms), ratio to the reference ${(two.perSecond / reference).toFixed(2)}`);
    say(`  errors: ${one.errors + two.errors + oneAgain.errors}`);
    // The pods stay: the topology's data is wiped at the end.

    say('');
    say('failover (SIGKILL; Kubernetes lease defaults: 15 s lease, 10 s renew deadline, 2 s retry period):');
    for (const c of ['controller-manager', 'scheduler'] as const) {
      const f = await killLeaderAndMeasure(topo, probeClient, c);
      say(`  ${c} leader killed → another holds the Lease after ${(f.ms / 1000).toFixed(1)} s`);
      await topo.start(c, f.killedIndex);
    }
    const get = () => probeClient.get(namespaceResource, 'default');
    const api = await longestGap(get, () => topo.kill('apiserver', 0), 5000);
    say(`  apiserver-0 killed → longest gap of a GET loop through the balancer ${api.gapMs} ms (${api.failures} failed calls)`);
    await topo.start('apiserver', 0);
    let n = 0;
    const write = () => probeClient.create(configMapResource, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `w-${n++}`, namespace: NS } } as KubeObject);
    const member = await longestGap(write, () => topo.kill('etcd', 0), 5000);
    say(`  etcd-0 killed → longest gap of a write loop ${member.gapMs} ms (${member.failures} failed writes)`);
    const lostAt = Date.now();
    await topo.stop('etcd', 1);
    const refused = await write().then(() => 'accepted', (err: Error) => err.message);
    say(`  etcd-1 stopped too (no quorum) → a write is refused after ${Date.now() - lostAt} ms: ${refused}`);
    const restartAt = Date.now();
    await Promise.all([topo.start('etcd', 0), topo.start('etcd', 1)]);
    const back = await waitUntilOk(write, 60_000);
    say(`  etcd-0 and etcd-1 restarted → writes accepted ${((Date.now() - restartAt) / 1000).toFixed(1)} s after the restart began (${back} ms after both were healthy)`);

    const artifact = join(REPO.replace(/\/dist$/, ''), 'test-artifacts', 'ha-fault.json');
    if (existsSync(artifact)) {
      const r = JSON.parse(readFileSync(artifact, 'utf8')) as { kind: string; failovers?: Array<{ component: string; ms: number }>; kubectl?: { longestUnavailableMs: number; longestUnavailableOutsideQuorumLossMs: number }; quorum?: { refusedAfterMs: number; lostForMs: number } };
      say('');
      say(`the last fault scenario (${r.kind}, test-artifacts/ha-fault.json): ${(r.failovers ?? []).map((f) => `${f.component} ${(f.ms / 1000).toFixed(1)} s`).join(', ')}; kubectl longest unavailability ${r.kubectl?.longestUnavailableOutsideQuorumLossMs} ms outside the quorum loss, ${r.kubectl?.longestUnavailableMs} ms overall; write refused after ${r.quorum?.refusedAfterMs} ms without quorum`);
    }
  } finally {
    client.close();
    probeClient.close();
    await topo.down({ removeVolumes: true });
    say(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
