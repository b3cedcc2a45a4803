import { loadavg } from 'node:os';
import type { KubeObject } from '../../api/types.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { podResource } from '../../api/core/pod.js';
import { limitRangeResource } from '../../api/core/limit-range.js';
import { resourceQuotaResource } from '../../api/core/resource-quota.js';
import { startLiveApiserver } from '../helpers/live-apiserver.js';
import { createLogger } from '../../lib/logger.js';
import { percentile, round, runPool, table, verdict } from './bench-stats.js';
import { realisticPod } from './realistic-pod.js';

/**
 * `npm run bench:policy`: what the built-in admission plugins cost per pod create.
 * One in-process apiserver (in-memory SQLite, plain HTTP on loopback); the same pods are
 * created, `concurrency` in flight, in
 *  a) a namespace with nothing (the reference, measured in the same run), and
 *  b) a namespace with a LimitRange (defaults and a max), a ResourceQuota charged by
 *     compare-and-swap on every create, and PodSecurity enforce=baseline, warn=restricted.
 * Target: b/a ≥ 0.7 (quota charges serialise on one object, as in kube).
 */

const N = Number(process.env.N ?? 600);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const TARGET = 0.7;

async function main(): Promise<void> {
  const api = await startLiveApiserver({ logger: createLogger({ level: 'warn' }) });
  try {
    const c = api.client;
    await c.create(namespaceResource, { metadata: { name: 'plain' } });
    await c.create(namespaceResource, {
      metadata: { name: 'policed', labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' } },
    });
    await c.create(limitRangeResource, {
      metadata: { name: 'lr', namespace: 'policed' },
      spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' }, max: { cpu: '4' } }] },
    } as KubeObject);
    const hard = { pods: String(N * 4), 'requests.cpu': '100000', 'limits.memory': '1Ti' };
    const q = await c.create(resourceQuotaResource, { metadata: { name: 'q', namespace: 'policed' }, spec: { hard } } as KubeObject);
    await c.updateStatus(resourceQuotaResource, { ...q, status: { hard, used: { pods: '0', 'requests.cpu': '0', 'limits.memory': '0' } } } as KubeObject);

    const run = async (ns: string, round_: number) => {
      const pods = Array.from({ length: N }, (_, i) => realisticPod(`r${round_}-p${i}`, ns, i) as unknown as KubeObject);
      for (const p of pods) {
        // realisticPod's resources would hide the LimitRange defaults: let the plugin fill them.
        for (const ctr of ((p.spec as { containers: Array<{ resources?: unknown }> }).containers)) delete ctr.resources;
      }
      return runPool(N, CONCURRENCY, async (i) => {
        await c.create(podResource, pods[i]!);
      });
    };
    // Warm up both paths, then alternate so machine noise hits both alike.
    await run('plain', 0);
    await run('policed', 0);
    const a = await run('plain', 1);
    const b = await run('policed', 1);
    const a2 = await run('plain', 2);
    const b2 = await run('policed', 2);
    const rate = (r: { wallMs: number }) => (N * 1000) / r.wallMs;
    const plain = (rate(a) + rate(a2)) / 2;
    const policed = (rate(b) + rate(b2)) / 2;
    const ratio = policed / plain;
    const used = ((await c.get(resourceQuotaResource, 'q', { namespace: 'policed' })).status as { used: Record<string, string> }).used;
    console.log(`policy admission bench: ${N} pod creates per run, ${CONCURRENCY} in flight, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(
      table([
        ['namespace', 'creates/s', 'p50 ms', 'p99 ms'],
        ['plain (reference)', String(round(plain)), String(round(percentile([...a.latencies, ...a2.latencies], 0.5), 2)), String(round(percentile([...a.latencies, ...a2.latencies], 0.99), 2))],
        ['LimitRange+quota+PodSecurity', String(round(policed)), String(round(percentile([...b.latencies, ...b2.latencies], 0.5), 2)), String(round(percentile([...b.latencies, ...b2.latencies], 0.99), 2))],
      ]),
    );
    console.log(`ratio policed/plain: ${round(ratio, 2)} (target ≥ ${TARGET}) ${verdict(ratio, TARGET, 'higher')}`);
    console.log(`quota status.used after ${3 * N} charged creates: pods=${used.pods} (exact: ${used.pods === String(3 * N) ? 'yes' : 'NO'})`);
  } finally {
    await api.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
