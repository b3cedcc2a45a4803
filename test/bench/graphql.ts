/**
 * `npm run bench:graphql`: what GraphQL costs a user of Kubeling's API.
 *
 *   1. The relation query "which nodes run this Deployment's pods, with their IPs and
 *      events" over 1,000 pods on 100 nodes, answered in-process (fastify inject, no
 *      TLS): p50/p99 of repeated runs (target p99 < 50 ms). Reference, same run: the REST
 *      requests a client makes for the same answer (list ReplicaSets, list pods, list
 *      nodes, list events of the namespace), also through inject.
 *   2. 200 WebSocket subscribers to pod changes (graphql-transport-ws, real sockets on
 *      loopback) while pods are created at 100/s: delivery latency from the create's
 *      acknowledgement to each subscriber's receipt, p50/p99 (target p99 < 100 ms).
 *
 * The apiserver runs in this process over in-memory SQLite, without authentication.
 * Flags: --pods N (1000), --nodes N (100), --runs N (50), --subscribers N (200),
 * --rate N (100 events/s), --seconds N (5), --cpu-prof FILE (a .cpuprofile of the relation
 * query runs only; summarise it with `node dist/test/bench/cpu-profile-top.js FILE`).
 * `npm run bench:graphql` sets NODE_ENV=production, as bin/kubeling.js does for every
 * `kubeling` command (graphql-js skips its development checks).
 */
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { loadavg } from 'node:os';
import { startCpuProfile } from './cpu-profile-session.js';
import { percentile, round, table, verdict } from './bench-stats.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const PODS = flag('pods', 1000);
const NODES = flag('nodes', 100);
const RUNS = flag('runs', 50);
const SUBSCRIBERS = flag('subscribers', 200);
const RATE = flag('rate', 100);
const SECONDS = flag('seconds', 5);

type App = Awaited<ReturnType<typeof buildApp>>;

async function create(app: App, url: string, body: unknown): Promise<any> {
  const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function seed(app: App): Promise<void> {
  for (let n = 0; n < NODES; n++) {
    await create(app, '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${n}` }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } });
  }
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: { requests: { cpu: '100m' } } }] } };
  const dep = await create(app, '/apis/apps/v1/namespaces/default/deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: PODS, selector: { matchLabels: { app: 'web' } }, template },
  });
  const rs = await create(app, '/apis/apps/v1/namespaces/default/replicasets', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-1', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: dep.metadata.uid, controller: true }] },
    spec: { replicas: PODS, selector: { matchLabels: { app: 'web' } }, template },
  });
  for (let i = 0; i < PODS; i++) {
    const p = await create(app, '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `web-1-${i}`, labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: rs.metadata.uid, controller: true }] },
      spec: { nodeName: `node-${i % NODES}`, ...template.spec },
    });
    if (i % 10 === 0) {
      await create(app, '/api/v1/namespaces/default/events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${p.metadata.name}.scheduled` },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: p.metadata.name, namespace: 'default', uid: p.metadata.uid },
        reason: 'Scheduled',
        message: `Successfully assigned default/${p.metadata.name} to node-${i % NODES}`,
        type: 'Normal',
      });
    }
  }
}

const RELATION_QUERY = `{ deployment(name: "web") { metadata { name } pods { metadata { name } status { podIP } node { metadata { name } } events(limit: 3) { reason message } } } }`;

/** CPU (user+system) per run of the last timeRuns, in ms: what load on a shared machine distorts least. */
const cpuPerRun: number[] = [];

async function timeRuns(runs: number, fn: () => Promise<void>): Promise<number[]> {
  await fn(); // warm-up: compile paths, fill caches the way a live server has them
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  cpuPerRun.push((cpu.user + cpu.system) / 1000 / runs);
  return samples;
}

const profileFile = (() => {
  const i = process.argv.indexOf('--cpu-prof');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();

async function relationQuery(app: App): Promise<{ gql: number[]; rest: number[] }> {
  const profile = profileFile ? await startCpuProfile() : undefined;
  const gql = await timeRuns(RUNS, async () => {
    const res = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ query: RELATION_QUERY }) });
    const body = res.json();
    if (body.errors || body.data.deployment.pods.length !== PODS) throw new Error(`relation query: ${res.body.slice(0, 300)}`);
  });
  await profile?.stop(profileFile);
  const rest = await timeRuns(RUNS, async () => {
    for (const url of [
      '/apis/apps/v1/namespaces/default/deployments/web',
      '/apis/apps/v1/namespaces/default/replicasets',
      '/api/v1/namespaces/default/pods',
      '/api/v1/nodes',
      '/api/v1/namespaces/default/events',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
      res.json();
    }
  });
  return { gql, rest };
}

async function subscribers(app: App): Promise<{ latencies: number[]; expected: number; received: number }> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
  const latencies: number[] = [];
  let received = 0;
  const query = 'subscription { watchPods(namespace: "bench", labelSelector: "bench=sub") { type object { metadata { name annotations } } } }';
  const sockets: WebSocket[] = [];
  await Promise.all(
    Array.from({ length: SUBSCRIBERS }, async (_, i) => {
      const ws = new WebSocket(url, 'graphql-transport-ws');
      sockets.push(ws);
      await new Promise<void>((resolve, reject) => {
        ws.on('error', reject);
        ws.on('message', (data: Buffer) => {
          const msg = JSON.parse(data.toString());
          if (msg.type === 'connection_ack') {
            ws.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query } }));
            // Subscribed once the server has the message; the first create waits a moment.
            resolve();
          } else if (msg.type === 'next' && msg.payload.data?.watchPods?.type === 'ADDED') {
            const t0 = Number(msg.payload.data.watchPods.object.metadata.annotations['bench/created-at']);
            latencies.push(Date.now() - t0);
            received++;
          }
        });
        ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      });
    }),
  );
  await create(app, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  await new Promise((r) => setTimeout(r, 500));
  const total = RATE * SECONDS;
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `sub-${i}`, labels: { bench: 'sub' }, annotations: { 'bench/created-at': '' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    };
    // The clock starts when the create is sent: delivery includes the write itself.
    body.metadata.annotations['bench/created-at'] = String(Date.now());
    await create(app, '/api/v1/namespaces/bench/pods', body);
  }
  const deadline = Date.now() + 10_000;
  while (received < total * SUBSCRIBERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const ws of sockets) ws.close();
  return { latencies, expected: total * SUBSCRIBERS, received };
}

async function main(): Promise<void> {
  const app = await buildApp({ store: createSqliteStore({ path: ':memory:' }) });
  await app.ready();
  console.log(`bench:graphql — ${PODS} pods on ${NODES} nodes, ${RUNS} runs; ${SUBSCRIBERS} subscribers at ${RATE} events/s for ${SECONDS} s`);
  // graphql-js checks `instanceof` across realms unless NODE_ENV=production (read once, at import).
  console.log(`NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const t0 = performance.now();
  await seed(app);
  console.log(`seeded in ${round((performance.now() - t0) / 1000)} s`);

  const { gql, rest } = await relationQuery(app);
  const sub = await subscribers(app);
  await app.close();

  console.log(`CPU per run (user+system, client and server in this process): relation query ${round(cpuPerRun[0]!)} ms, REST reference ${round(cpuPerRun[1]!)} ms`);
  console.log(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const p99 = percentile(gql, 0.99);
  const subP99 = percentile(sub.latencies, 0.99);
  console.log(
    table([
      ['measurement', 'p50 ms', 'p99 ms', 'target', 'verdict'],
      ['relation query (Deployment → pods → node, events)', String(round(percentile(gql, 0.5))), String(round(p99)), 'p99 < 50 ms', verdict(p99, 50, 'lower')],
      [
        'reference: the same answer as 5 REST requests',
        String(round(percentile(rest, 0.5))),
        String(round(percentile(rest, 0.99))),
        '',
        `GraphQL/REST p50 ${round(percentile(gql, 0.5) / percentile(rest, 0.5))}×, p99 ${round(p99 / percentile(rest, 0.99))}×`,
      ],
      [
        `subscription delivery (${sub.received}/${sub.expected} messages)`,
        String(round(percentile(sub.latencies, 0.5))),
        String(round(subP99)),
        'p99 < 100 ms',
        sub.received < sub.expected ? `incomplete; ${verdict(subP99, 100, 'lower')}` : verdict(subP99, 100, 'lower'),
      ],
    ]),
  );
}

await main();
process.exit(0);
