import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deploymentResource } from '../../api/apps/deployment.js';
import { statefulSetResource } from '../../api/apps/statefulset.js';
import { jobResource } from '../../api/batch/job.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { nodeResource } from '../../api/core/node.js';
import { serviceResource } from '../../api/core/service.js';
import type { KubeObject } from '../../api/types.js';
import { createInformer, type Informer } from '../../client/informer.js';
import type { ResourceRef } from '../../client/resource.js';
import { isNotFound } from '../../client/rest-client.js';
import { startComponents, type Components } from '../e2e/cluster-with-components.js';
import { startBenchServer } from './bench-server.js';

/**
 * Workloads benchmark (`npm run bench:workloads`): on simulated nodes with `kubeling up`'s
 * default kubelet-sim timings (sandbox, image pull on a node's first pod, start), how long
 *
 *   - J Jobs × C completions (parallelism P, busybox `true`) take from creation to every
 *     Job Complete, beside its reference: J Deployments × C replicas from creation to
 *     every replica Ready (the same number of pods, started by the ReplicaSet controller);
 *   - an R-replica StatefulSet (OrderedReady, one 1Gi claim per pod from the default
 *     `standard` class, so the scheduler's VolumeBinding and the PV controller take part)
 *     takes to R ready replicas, and the same with podManagementPolicy Parallel, beside
 *     their reference: one Deployment of R replicas to R ready.
 *
 * Each phase runs in its own namespace, deleted (and waited for) before the next.
 * The apiserver runs in a child process (SQLite); the other components in this process.
 *
 * Flags or environment (flags win): --nodes (BENCH_NODES, 100), --jobs (BENCH_JOBS, 100),
 * --completions (BENCH_COMPLETIONS, 10), --parallelism (BENCH_PARALLELISM, 10),
 * --replicas (BENCH_REPLICAS, 100), --timeout (BENCH_TIMEOUT_SECONDS, 600 per phase).
 */

interface Options {
  nodes: number;
  jobs: number;
  completions: number;
  parallelism: number;
  replicas: number;
  timeoutSeconds: number;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const numeric = { nodes: 100, jobs: 100, completions: 10, parallelism: 10, replicas: 100, timeout: 600 };
  const { values } = parseArgs({ args: argv, options: Object.fromEntries(Object.keys(numeric).map((k) => [k, { type: 'string' as const }])), strict: true });
  const num = (key: keyof typeof numeric): number => {
    const envKey = key === 'timeout' ? 'BENCH_TIMEOUT_SECONDS' : `BENCH_${key.toUpperCase()}`;
    const raw = (values as Record<string, string | undefined>)[key] ?? env[envKey];
    if (raw === undefined || raw === '') return numeric[key];
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${key} (or ${envKey}) must be a positive integer, got ${JSON.stringify(raw)}`);
    return n;
  };
  return { nodes: num('nodes'), jobs: num('jobs'), completions: num('completions'), parallelism: num('parallelism'), replicas: num('replicas'), timeoutSeconds: num('timeout') };
}

const secs = (ms: number): string => (ms / 1000).toFixed(2);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(', ');

async function pool(total: number, concurrency: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, async () => {
    while (next < total) await job(next++);
  }));
}

/** Resolves when `test` holds over the informer's objects (checked on every event). */
function until<T extends KubeObject>(inf: Informer<T>, test: (objs: T[]) => boolean, what: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!test(inf.store.list())) return;
      clearTimeout(timer);
      off();
      resolve(performance.now());
    };
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`));
    }, timeoutMs);
    const off = inf.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
    check();
  });
}

type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> & { conditions?: Array<{ type: string; status: string }> } };

const template = (app: string, spec: Record<string, unknown>) => ({
  metadata: { labels: { app } },
  spec: { terminationGracePeriodSeconds: 1, ...spec },
});

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2), process.env);
  const timeoutMs = opts.timeoutSeconds * 1000;
  const jobPods = opts.jobs * opts.completions;
  console.log(`workloads benchmark: ${opts.nodes} simulated nodes (kubeling up's default kubelet-sim stages); apiserver on SQLite in a child process`);
  console.log(`  load average at start: ${load()}`);
  const root = await mkdtemp(join(tmpdir(), 'kubeling-bench-workloads-'));
  const server = await startBenchServer({ dataDir: join(root, 'data') });
  let components: Components | undefined;
  const rows: string[] = [];
  const row = (label: string, ms: number, pods: number): void => {
    const line = `  ${label.padEnd(62)} ${secs(ms).padStart(8)} s  ${(pods / (ms / 1000)).toFixed(1).padStart(7)} pods/s`;
    rows.push(line);
    console.log(line);
  };
  try {
    components = await startComponents(
      { url: server.url, caCert: server.caCert, token: server.adminToken },
      { nodes: opts.nodes, leaderElect: false, stages: {}, logLevel: process.env.KUBELING_LOG_LEVEL ?? 'fatal' },
    );
    const { client } = components;
    const tNodes = performance.now();
    for (;;) {
      const nodes = await client.listAll(nodeResource);
      const ready = nodes.items.filter((n) => (n as Obj).spec?.['podCIDR'] && (n as Obj).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      if (ready.length === opts.nodes) break;
      if (performance.now() - tNodes > timeoutMs) throw new Error(`only ${ready.length}/${opts.nodes} nodes Ready`);
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`  ${opts.nodes} nodes Ready in ${secs(performance.now() - tNodes)} s`);

    /** Runs one phase in a fresh namespace: create, wait, then delete the namespace (not timed). */
    const phase = async <T extends Obj>(ns: string, ref: ResourceRef, create: (ns: string) => Promise<void>, done: (objs: T[]) => boolean, what: string): Promise<number> => {
      await client.create(namespaceResource, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const inf = createInformer<T>(client, ref, { namespace: ns });
      inf.start();
      await inf.waitForSync();
      const t0 = performance.now();
      const finished = until(inf, done, what, timeoutMs);
      await create(ns);
      const t1 = await finished;
      inf.stop();
      await client.delete(namespaceResource, ns);
      for (const started = performance.now(); ; ) {
        try {
          await client.get(namespaceResource, ns);
        } catch (err) {
          if (isNotFound(err)) break;
          throw err;
        }
        if (performance.now() - started > timeoutMs) throw new Error(`namespace ${ns} not gone`);
        await new Promise((r) => setTimeout(r, 500));
      }
      return t1 - t0;
    };
    const readyDeployments = (want: number) => (ds: Obj[]) => ds.length === want && ds.every((d) => d.status?.['readyReplicas'] === d.spec?.['replicas']);

    // 1. Jobs and their reference.
    const refJobs = await phase<Obj>('ref-jobs', deploymentResource, (ns) =>
      pool(opts.jobs, 16, (i) => client.create(deploymentResource, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `d-${i}`, namespace: ns },
        spec: { replicas: opts.completions, selector: { matchLabels: { app: `d-${i}` } }, template: template(`d-${i}`, { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] }) },
      } as KubeObject)), readyDeployments(opts.jobs), 'reference Deployments ready');
    row(`reference: ${opts.jobs} Deployments × ${opts.completions} replicas → all Ready`, refJobs, jobPods);
    const jobs = await phase<Obj>('jobs', jobResource, (ns) =>
      pool(opts.jobs, 16, (i) => client.create(jobResource, {
        apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `j-${i}`, namespace: ns },
        spec: { completions: opts.completions, parallelism: opts.parallelism, template: template(`j-${i}`, { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox:1.36', command: ['true'] }] }) },
      } as KubeObject)), (js) => js.length === opts.jobs && js.every((j) => j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')), 'Jobs Complete');
    row(`${opts.jobs} Jobs × ${opts.completions} completions (parallelism ${opts.parallelism}) → all Complete`, jobs, jobPods);

    // 2. StatefulSets and their reference.
    const refSts = await phase<Obj>('ref-sts', deploymentResource, (ns) =>
      client.create(deploymentResource, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns },
        spec: { replicas: opts.replicas, selector: { matchLabels: { app: 'web' } }, template: template('web', { containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.21' }] }) },
      } as KubeObject).then(() => undefined), readyDeployments(1), 'reference Deployment ready');
    row(`reference: 1 Deployment × ${opts.replicas} replicas → all Ready`, refSts, opts.replicas);
    for (const policy of ['OrderedReady', 'Parallel'] as const) {
      const ms = await phase<Obj>(`sts-${policy.toLowerCase()}`, statefulSetResource, async (ns) => {
        await client.create(serviceResource, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx', namespace: ns }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80, name: 'web' }] } } as KubeObject);
        await client.create(statefulSetResource, {
          apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: ns },
          spec: {
            serviceName: 'nginx', replicas: opts.replicas, podManagementPolicy: policy, selector: { matchLabels: { app: 'web' } },
            template: template('web', { containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.21', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] }),
            volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
          },
        } as KubeObject);
      }, (ss) => ss.length === 1 && ss[0]!.status?.['readyReplicas'] === opts.replicas, `StatefulSet ${policy} ready`);
      row(`StatefulSet × ${opts.replicas} (${policy}, a 1Gi claim each) → all Ready`, ms, opts.replicas);
      console.log(`    ratio to its reference: ${(ms / refSts).toFixed(2)}×`);
    }
    console.log(`  ratios: Jobs ${(jobs / refJobs).toFixed(2)}× their reference`);
    const s = components.scheduler.stats();
    console.log(`  scheduler: ${s.attempts} attempts, ${s.unschedulable} unschedulable, ${s.bindErrors} bind/PreBind errors`);
    console.log(`  load average at end: ${load()}`);
  } finally {
    await components?.stop();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
