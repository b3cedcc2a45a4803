import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Etcd3 } from 'etcd3';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { parseBenchOptions, type BenchOptions } from './bench-options.js';
import { startBenchServer, type BenchServer } from './bench-server.js';
import { median, percentile, round, runPool, table, verdict } from './bench-stats.js';
import { createHttpsClient, type HttpsClient } from './https-client.js';
import { realisticPod } from './realistic-pod.js';
import { CpuMeter } from './process-cpu.js';

/**
 * `npm run bench:apiserver`: the apiserver on etcd against raw etcd, in one run
 * (`--store sqlite`: on the embedded SQLite against Kubeling's SQLite store driven directly).
 *
 *  a) pod creates/s through the API, `concurrency` clients in flight;
 *  b) raw etcd3 puts/s of the same stored bytes at the same concurrency, and a/b (SQLite:
 *     the store's create of the same bytes, in this process, at the same concurrency);
 *  c) p50/p99 latency of single-object writes, sequential and concurrent;
 *  d) listing all pods, paginated (limit=500) and in one response;
 *  e) watch fan-out: delay from a create's response to each watcher's ADDED event.
 *
 * `--profile-creates FILE` writes a CPU profile of the apiserver over phase (a) alone
 * (summarise it with cpu-profile-top.js).
 *
 * Everything runs on this machine: etcd, the apiserver (its own process unless
 * --in-process) and the clients share the cores, and the figures say so. The script
 * stops what it started and exits 0 whether or not a target is met.
 */

/** apiserverCpuMs: the target for the apiserver's CPU per create (issue 11). */
const TARGETS = { ratio: 0.7, paginatedListMs: 1000, watchP99Ms: 100, apiserverCpuMs: 0.4 };

interface Results {
  store: 'etcd' | 'sqlite';
  podBytes: number;
  storedBytes: number;
  apiCreatesPerSec: number;
  etcdPutsPerSec: number;
  etcdTxnCreatesPerSec: number;
  ratio: number;
  seqP50Ms: number;
  seqP99Ms: number;
  concP50Ms: number;
  concP99Ms: number;
  etcdSeqP50Ms: number;
  /** CPU milliseconds per pod create in (a), per process (undefined where /proc cannot tell). */
  apiCpuPerCreate: CpuShare;
  /** (a2) The same creates as a ServiceAccount with the `edit` role: RBAC evaluated per request (the admin's system:masters skips it). */
  apiCpuPerCreateAsServiceAccount: CpuShare;
  /** CPU milliseconds per raw put in (b). */
  etcdCpuPerPut: CpuShare;
  /** CPU ms of the etcd3 client per compare-and-create txn (what the store sends per create). */
  txnClientCpuMs?: number;
  /** A trivial fastify HTTPS POST (JSON body, 201): server and client CPU ms per request. */
  floorServerCpuMs?: number;
  floorClientCpuMs?: number;
  floorPerSec?: number;
  listPaginatedMs: number;
  listPages: number;
  listFullMs: number;
  listFullBytes: number;
  listedPods: number;
  watchers: number;
  watchEvents: number;
  watchMissing: number;
  watchP50Ms: number;
  watchP99Ms: number;
  watchMaxMs: number;
  watchConnectMs: number;
  serverRssMiB?: number;
  serverHeapMiB?: number;
  /** 1-minute load average at the start and the end: other work on the machine skews every figure. */
  loadStart: number;
  loadEnd: number;
  cores: number;
}

interface CpuShare {
  client?: number;
  apiserver?: number;
  etcd?: number;
}

function cpuShare(meter: CpuMeter, n: number): CpuShare {
  const used = meter.elapsed();
  const per = (v: number | undefined): number | undefined => (v === undefined ? undefined : v / n);
  return { client: per(used.client), apiserver: per(used.apiserver), etcd: per(used.etcd) };
}

const NS = 'bench';
const podsPath = (ns: string): string => `/api/v1/namespaces/${ns}/pods`;

async function must(client: HttpsClient, method: string, path: string, body: unknown, want: number[]): Promise<string> {
  const res = await client.call(method, path, body === undefined ? undefined : JSON.stringify(body));
  if (!want.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
  return res.body;
}

/** A namespace with its `default` ServiceAccount, as the controller manager of `kubeling up` makes it. */
/** A token of ServiceAccount `bench` in `namespace` (made here), bound to the `edit` ClusterRole there. */
async function serviceAccountToken(client: HttpsClient, namespace: string): Promise<string> {
  await createNamespace(client, namespace);
  await must(client, 'POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bench' } }, [201, 409]);
  await must(client, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'bench-edit' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ kind: 'ServiceAccount', name: 'bench', namespace }],
  }, [201, 409]);
  const review = JSON.parse(await must(client, 'POST', `/api/v1/namespaces/${namespace}/serviceaccounts/bench/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } }, [201])) as { status: { token: string } };
  return review.status.token;
}

async function createNamespace(client: HttpsClient, name: string): Promise<void> {
  await must(client, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, [201, 409]);
  await must(client, 'POST', `/api/v1/namespaces/${name}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, [201, 409]);
}

/**
 * (b) for SQLite: the bytes the apiserver stored, created through Kubeling's SQLite store
 * itself in this process (a fresh file, the same pragmas, no watch cache), at the same
 * concurrency. Its CPU per create is what the apiserver pays for storage on SQLite.
 */
async function measureSqlite(dir: string, value: string, opts: BenchOptions): Promise<{ putsPerSec: number; txnPerSec: number; seqP50: number; cpu: CpuShare; txnCpu: CpuShare }> {
  const store = createSqliteStore({ path: join(dir, 'bench-raw.db'), compactEvery: 0 });
  try {
    await runPool(200, opts.concurrency, (i) => store.create(`/bench-raw/warm/${i}`, value).then(() => undefined));
    const meter = new CpuMeter({ client: process.pid });
    const creates = await runPool(opts.pods, opts.concurrency, (i) => store.create(`/bench-raw/pods/${NS}/pod-${i}`, value).then(() => undefined));
    const cpu = cpuShare(meter, opts.pods);
    const seq = await runPool(Math.min(opts.sequential, 500), 1, (i) => store.create(`/bench-raw/seq/${i}`, value).then(() => undefined));
    const perSec = (opts.pods / creates.wallMs) * 1000;
    return { putsPerSec: perSec, txnPerSec: perSec, seqP50: median(seq.latencies), cpu, txnCpu: cpu };
  } finally {
    await store.close();
  }
}

/** The stored bytes of one pod, read from the apiserver's SQLite file (read-only; WAL lets it). */
function storedSqliteValue(dataDir: string, key: string): string | undefined {
  const db = new Database(join(dataDir, 'kubeling.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT value FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1').get(key) as { value: string } | undefined;
    return row?.value;
  } finally {
    db.close();
  }
}

/** (b) Raw etcd3 puts (and, for reference, the compare-and-create txn the store uses). */
async function measureEtcd(endpoint: string, value: Buffer, opts: BenchOptions, pids: { etcd: number | undefined; apiserver: number | undefined }): Promise<{ putsPerSec: number; txnPerSec: number; seqP50: number; cpu: CpuShare; txnCpu: CpuShare }> {
  const etcd = new Etcd3({ hosts: endpoint });
  try {
    await runPool(200, opts.concurrency, (i) => etcd.put(`/bench-raw/warm/${i}`).value(value).exec().then(() => undefined));
    const meter = new CpuMeter({ client: process.pid, ...pids });
    const puts = await runPool(opts.pods, opts.concurrency, (i) => etcd.put(`/bench-raw/pods/${NS}/pod-${i}`).value(value).exec().then(() => undefined));
    const cpu = cpuShare(meter, opts.pods);
    const txnMeter = new CpuMeter({ client: process.pid, ...pids });
    const txn = await runPool(opts.pods, opts.concurrency, async (i) => {
      const key = `/bench-raw/txn/${NS}/pod-${i}`;
      await etcd.if(key, 'Create', '==', 0).then(etcd.put(key).value(value)).commit();
    });
    const txnCpu = cpuShare(txnMeter, opts.pods);
    const seq = await runPool(Math.min(opts.sequential, 500), 1, (i) => etcd.put(`/bench-raw/seq/${i}`).value(value).exec().then(() => undefined));
    return { putsPerSec: (opts.pods / puts.wallMs) * 1000, txnPerSec: (opts.pods / txn.wallMs) * 1000, seqP50: median(seq.latencies), cpu, txnCpu };
  } finally {
    etcd.close();
  }
}

/**
 * (f) The floor: the same pod bodies POSTed to a trivial fastify HTTPS route in its own
 * process, at the same concurrency. Its CPU per request is what the apiserver pays for
 * HTTPS and JSON before any Kubernetes work.
 */
async function measureFloor(opts: BenchOptions, r: Results): Promise<void> {
  const entry = fileURLToPath(new URL('./serve-trivial.js', import.meta.url));
  const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const ready = await new Promise<{ port: number; caCert: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { port: number; caCert: string }));
      child.once('exit', (code) => reject(new Error(`trivial server exited (${code})`)));
    });
    const client = createHttpsClient(`https://127.0.0.1:${ready.port}`, ready.caCert, 'unused', opts.concurrency);
    try {
      const post = (i: number): Promise<void> =>
        must(client, 'POST', '/trivial', realisticPod(`pod-${i}`, NS, i), [201]).then(() => undefined);
      await runPool(500, opts.concurrency, post);
      const meter = new CpuMeter({ client: process.pid, apiserver: child.pid });
      const run = await runPool(opts.pods, opts.concurrency, post);
      const cpu = cpuShare(meter, opts.pods);
      r.floorServerCpuMs = cpu.apiserver;
      r.floorClientCpuMs = cpu.client;
      r.floorPerSec = (opts.pods / run.wallMs) * 1000;
    } finally {
      client.destroy();
    }
  } finally {
    child.kill();
  }
}

/** (e) Watch fan-out. */
async function measureWatch(client: HttpsClient, opts: BenchOptions, r: Results): Promise<void> {
  const ns = 'bench-watch';
  await createNamespace(client, ns);
  const list = JSON.parse(await must(client, 'GET', `${podsPath(ns)}?limit=1`, undefined, [200])) as { metadata: { resourceVersion: string } };
  const rv = list.metadata.resourceVersion;
  const agent = client.newAgent(opts.watchers + 16, false);
  const received = new Map<string, number[]>();
  const connectStart = performance.now();
  const streams = await Promise.all(
    Array.from({ length: opts.watchers }, async () => {
      const { res, close } = await client.stream(`${podsPath(ns)}?watch=true&resourceVersion=${rv}&timeoutSeconds=900`, agent);
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          // Cheap extraction: the client should not be the bottleneck being measured.
          if (!line.startsWith('{"type":"ADDED"')) continue;
          const m = /"metadata":\{"name":"([^"]+)"/.exec(line);
          if (!m) continue;
          const at = received.get(m[1]!) ?? [];
          at.push(now);
          received.set(m[1]!, at);
        }
      });
      res.on('error', () => undefined);
      return close;
    }),
  );
  r.watchConnectMs = performance.now() - connectStart;

  const responded = new Map<string, number>();
  const creates: Array<Promise<void>> = [];
  const started = performance.now();
  for (let i = 0; i < opts.watchPods; i++) {
    const due = started + (i * 1000) / opts.watchRate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const name = `watched-${i}`;
    creates.push(must(client, 'POST', podsPath(ns), realisticPod(name, ns, i), [201]).then(() => void responded.set(name, performance.now())));
  }
  await Promise.all(creates);
  const expected = opts.watchPods * opts.watchers;
  const deadline = performance.now() + 15_000;
  const count = (): number => [...received.values()].reduce((s, a) => s + a.length, 0);
  while (count() < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const close of streams) close();

  const delays: number[] = [];
  for (const [name, at] of responded) {
    // An event can arrive before the create's response is read: that is a delay of 0.
    for (const t of received.get(name) ?? []) delays.push(Math.max(0, t - at));
  }
  r.watchEvents = delays.length;
  r.watchMissing = expected - delays.length;
  r.watchP50Ms = percentile(delays, 0.5);
  r.watchP99Ms = percentile(delays, 0.99);
  r.watchMaxMs = percentile(delays, 1);
}

async function run(opts: BenchOptions, etcd: EtcdServer | undefined, server: BenchServer, dataDir: string): Promise<Results> {
  const client = createHttpsClient(server.url, server.caCert, server.adminToken, opts.concurrency);
  const r = { store: opts.store, watchers: opts.watchers, loadStart: loadavg()[0]!, cores: cpus().length } as Results;
  try {
    for (const ns of [NS, 'bench-seq', 'bench-warm']) await createNamespace(client, ns);
    r.podBytes = Buffer.byteLength(JSON.stringify(realisticPod('pod-00000', NS, 0)));
    process.stderr.write(`warming up…\n`);
    await runPool(300, opts.concurrency, (i) => must(client, 'POST', podsPath('bench-warm'), realisticPod(`warm-${i}`, 'bench-warm', i), [201]).then(() => undefined));

    // The exact bytes the apiserver stored for a pod like the ones created below.
    const storedKey = '/registry/pods/bench-warm/warm-0';
    const pids = { etcd: etcd?.pid, apiserver: opts.inProcess ? undefined : server.pid };
    let e: Awaited<ReturnType<typeof measureEtcd>>;
    if (etcd) {
      const raw = new Etcd3({ hosts: etcd.endpoint });
      const stored = await raw.get(storedKey).buffer();
      raw.close();
      if (!stored) throw new Error('could not read the stored pod from etcd (key layout changed?)');
      r.storedBytes = stored.length;
      process.stderr.write(`(b) raw etcd puts of ${stored.length} bytes, ${opts.pods} × ${opts.concurrency} in flight…\n`);
      e = await measureEtcd(etcd.endpoint, stored, opts, pids);
    } else {
      const stored = storedSqliteValue(dataDir, storedKey);
      if (stored === undefined) throw new Error('could not read the stored pod from SQLite (key layout changed?)');
      r.storedBytes = Buffer.byteLength(stored);
      process.stderr.write(`(b) raw SQLite store creates of ${r.storedBytes} bytes, ${opts.pods} × ${opts.concurrency} in flight…\n`);
      e = await measureSqlite(dataDir, stored, opts);
    }
    r.etcdCpuPerPut = e.cpu;
    r.txnClientCpuMs = e.txnCpu.client;
    r.etcdPutsPerSec = e.putsPerSec;
    r.etcdTxnCreatesPerSec = e.txnPerSec;
    r.etcdSeqP50Ms = e.seqP50;

    process.stderr.write(`(a) ${opts.pods} pod creates through the API, ${opts.concurrency} in flight…\n`);
    if (opts.profileCreates) await server.cpuProfile('start');
    const meter = new CpuMeter({ client: process.pid, ...pids });
    const creates = await runPool(opts.pods, opts.concurrency, (i) =>
      must(client, 'POST', podsPath(NS), realisticPod(`pod-${String(i).padStart(5, '0')}`, NS, i), [201]).then(() => undefined),
    );
    r.apiCpuPerCreate = cpuShare(meter, opts.pods);
    if (opts.profileCreates) await server.cpuProfile('stop', opts.profileCreates);
    r.apiCreatesPerSec = (opts.pods / creates.wallMs) * 1000;
    r.ratio = r.apiCreatesPerSec / r.etcdPutsPerSec;
    r.concP50Ms = percentile(creates.latencies, 0.5);
    r.concP99Ms = percentile(creates.latencies, 0.99);

    process.stderr.write(`(a2) the same ${opts.pods} creates as a ServiceAccount bound to the edit role…\n`);
    const saClient = createHttpsClient(server.url, server.caCert, await serviceAccountToken(client, 'bench-sa'), opts.concurrency);
    try {
      await runPool(50, opts.concurrency, (i) => must(saClient, 'POST', podsPath('bench-sa'), realisticPod(`warm-${i}`, 'bench-sa', i), [201]).then(() => undefined));
      const saMeter = new CpuMeter({ client: process.pid, ...pids });
      await runPool(opts.pods, opts.concurrency, (i) => must(saClient, 'POST', podsPath('bench-sa'), realisticPod(`pod-${String(i).padStart(5, '0')}`, 'bench-sa', i), [201]).then(() => undefined));
      r.apiCpuPerCreateAsServiceAccount = cpuShare(saMeter, opts.pods);
    } finally {
      saClient.destroy();
    }

    process.stderr.write(`(f) the floor: ${opts.pods} POSTs to a trivial HTTPS server…\n`);
    await measureFloor(opts, r);

    process.stderr.write(`(c) ${opts.sequential} sequential creates…\n`);
    const seq = await runPool(opts.sequential, 1, (i) => must(client, 'POST', podsPath('bench-seq'), realisticPod(`seq-${i}`, 'bench-seq', i), [201]).then(() => undefined));
    r.seqP50Ms = percentile(seq.latencies, 0.5);
    r.seqP99Ms = percentile(seq.latencies, 0.99);

    process.stderr.write(`(d) listing ${opts.pods} pods…\n`);
    const paginated: number[] = [];
    const full: number[] = [];
    for (let run = 0; run < opts.listRuns; run++) {
      const t0 = performance.now();
      let next: string | undefined;
      let pages = 0;
      let items = 0;
      do {
        const q: string = next ? `?limit=500&continue=${encodeURIComponent(next)}` : '?limit=500';
        const page = JSON.parse(await must(client, 'GET', podsPath(NS) + q, undefined, [200])) as { items: unknown[]; metadata: { continue?: string } };
        items += page.items.length;
        pages++;
        next = page.metadata.continue;
      } while (next);
      paginated.push(performance.now() - t0);
      r.listPages = pages;
      r.listedPods = items;
      const t1 = performance.now();
      const body = await must(client, 'GET', podsPath(NS), undefined, [200]);
      const whole = JSON.parse(body) as { items: unknown[] };
      full.push(performance.now() - t1);
      r.listFullBytes = body.length;
      if (whole.items.length !== items) throw new Error(`full list has ${whole.items.length} pods, paginated ${items}`);
    }
    r.listPaginatedMs = median(paginated);
    r.listFullMs = median(full);

    if (opts.watchers > 0) {
      process.stderr.write(`(e) ${opts.watchers} watchers, ${opts.watchPods} creates at ${opts.watchRate}/s…\n`);
      await measureWatch(client, opts, r);
    }
    r.loadEnd = loadavg()[0]!;
    const mem = await server.memory();
    if (mem) {
      r.serverRssMiB = mem.rss / 2 ** 20;
      r.serverHeapMiB = mem.heapUsed / 2 ** 20;
    }
    return r;
  } finally {
    client.destroy();
  }
}

/**
 * What this machine allows at best: an apiserver create costs at least the trivial HTTPS
 * request plus the etcd3 txn its store sends (SQLite: the store's own create); with the
 * benchmark client and etcd on the same cores, throughput is bounded by the cores and by
 * the one-threaded apiserver.
 */
function floorRows(r: Results): string[][] {
  if (r.floorServerCpuMs === undefined || r.txnClientCpuMs === undefined) return [];
  const f = (v: number | undefined): string => (v === undefined ? '?' : v.toFixed(2));
  const apiserverFloor = r.floorServerCpuMs + r.txnClientCpuMs;
  const others = (r.apiCpuPerCreate.client ?? 0) + (r.apiCpuPerCreate.etcd ?? 0);
  const best = Math.min(1000 / apiserverFloor, (r.cores * 1000) / (apiserverFloor + others));
  const storage = r.store === 'etcd' ? 'etcd3 txn client' : 'SQLite store create';
  const api = r.apiCpuPerCreate.apiserver;
  return [
    ['(f) trivial HTTPS POST (no Kubernetes work)', `${(r.floorPerSec ?? 0).toFixed(0)}/s`, '-', `CPU ms/request: server ${f(r.floorServerCpuMs)}, client ${f(r.floorClientCpuMs)}`],
    ['    apiserver floor per create', `${apiserverFloor.toFixed(2)} ms CPU`, '-', `HTTPS ${f(r.floorServerCpuMs)} + ${storage} ${f(r.txnClientCpuMs)}`],
    [
      '    apiserver CPU per create',
      api === undefined ? '?' : `${api.toFixed(2)} ms (${(api / apiserverFloor).toFixed(2)}× the floor)`,
      `≤ ${TARGETS.apiserverCpuMs} ms`,
      api === undefined ? 'unknown' : `${verdict(api, TARGETS.apiserverCpuMs, 'lower')} (CPU time is inflated on a loaded machine: read the ratio to the floor)`,
    ],
    // SQLite's reference runs in the client process, fsync-bound: no ratio bound follows from it.
    ...(r.store === 'etcd' ? [['    best ratio this machine allows', (best / r.etcdPutsPerSec).toFixed(2), `≥ ${TARGETS.ratio}`, `${best.toFixed(0)} creates/s if the apiserver did nothing but HTTPS and the txn`]] : []),
  ];
}

function cpuText(c: CpuShare): string {
  const f = (v: number | undefined): string => (v === undefined ? '?' : v.toFixed(2));
  return `client ${f(c.client)}, apiserver ${f(c.apiserver)}, etcd ${f(c.etcd)}`;
}

function report(r: Results, opts: BenchOptions): void {
  const ms = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');
  const rows: string[][] = [
    ['figure', 'value', 'target', 'verdict'],
    ['(a) pod creates via API', `${r.apiCreatesPerSec.toFixed(0)}/s`, '-', `${opts.concurrency} in flight, ${opts.pods} pods`],
    ...(r.store === 'etcd'
      ? [
          ['(b) raw etcd3 puts, same bytes', `${r.etcdPutsPerSec.toFixed(0)}/s`, '-', `${r.storedBytes} B values, ${opts.concurrency} in flight`],
          ['    raw etcd3 txn create (reference)', `${r.etcdTxnCreatesPerSec.toFixed(0)}/s`, '-', 'compare create_revision=0, then put'],
        ]
      : [['(b) raw SQLite store creates, same bytes', `${r.etcdPutsPerSec.toFixed(0)}/s`, '-', `${r.storedBytes} B values, ${opts.concurrency} in flight, in the client process`]]),
    ['    CPU per create / per put', `${cpuText(r.apiCpuPerCreate)} / ${cpuText(r.etcdCpuPerPut)}`, '-', 'ms of CPU per operation, by process'],
    ['(a2) CPU per create as a ServiceAccount (edit role)', cpuText(r.apiCpuPerCreateAsServiceAccount), '≤ 1.10 × (a)', authzVerdict(r)],
    ...floorRows(r),
    ['    ratio a/b', r.ratio.toFixed(2), `≥ ${TARGETS.ratio}`, verdict(r.ratio, TARGETS.ratio, 'higher')],
    ['(c) create latency, sequential', `p50 ${ms(r.seqP50Ms)}, p99 ${ms(r.seqP99Ms)}`, '-', `raw ${r.store === 'etcd' ? 'etcd put' : 'SQLite create'} p50 ${ms(r.etcdSeqP50Ms)}`],
    [`    create latency, ${opts.concurrency} in flight`, `p50 ${ms(r.concP50Ms)}, p99 ${ms(r.concP99Ms)}`, '-', 'from (a)'],
    [`(d) list ${r.listedPods} pods, limit=500`, ms(r.listPaginatedMs), `< ${TARGETS.paginatedListMs} ms`, `${verdict(r.listPaginatedMs, TARGETS.paginatedListMs, 'lower')} (${r.listPages} pages)`],
    ['    list, one response', ms(r.listFullMs), '-', `${(r.listFullBytes / 2 ** 20).toFixed(1)} MiB`],
  ];
  if (opts.watchers > 0) {
    rows.push(
      [`(e) watch delay, ${r.watchers} watchers`, `p50 ${ms(r.watchP50Ms)}, p99 ${ms(r.watchP99Ms)}`, `p99 < ${TARGETS.watchP99Ms} ms`, r.watchMissing > 0 ? `${verdict(r.watchP99Ms, TARGETS.watchP99Ms, 'lower')}; ${r.watchMissing} events missing` : verdict(r.watchP99Ms, TARGETS.watchP99Ms, 'lower')],
      ['    max delay / events / connect', `${ms(r.watchMaxMs)} / ${r.watchEvents} / ${ms(r.watchConnectMs)}`, '-', `${opts.watchPods} creates at ${opts.watchRate}/s`],
    );
  }
  if (r.serverRssMiB !== undefined) rows.push(['server memory at the end', `rss ${r.serverRssMiB.toFixed(0)} MiB, heap ${r.serverHeapMiB!.toFixed(0)} MiB`, '-', opts.inProcess ? 'in-process: includes the clients' : 'apiserver child process']);
  console.log(`\napiserver benchmark (${r.store} backend; pod body ${r.podBytes} B, stored ${r.storedBytes} B; ${opts.inProcess ? 'apiserver in-process' : 'apiserver in a child process'}; etcd, apiserver and clients share this machine's ${r.cores} cores; load average ${r.loadStart.toFixed(1)} at the start, ${r.loadEnd.toFixed(1)} at the end)\n`);
  console.log(table(rows));
  const rounded = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? round(v, 2) : v]));
  console.log(`\n${JSON.stringify({ bench: 'apiserver', ...rounded, targets: TARGETS, options: opts })}`);
}

async function main(): Promise<void> {
  const opts = parseBenchOptions(process.argv.slice(2), process.env);
  let etcd: EtcdServer | undefined;
  let server: BenchServer | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-bench-'));
  const cleanup = async (): Promise<void> => {
    await server?.stop().catch((err) => console.error('stopping the apiserver:', err));
    await etcd?.stop().catch((err) => console.error('stopping etcd:', err));
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    if (opts.store === 'etcd') etcd = await startEtcd();
    server = await startBenchServer({ etcd: etcd?.endpoint, dataDir, inProcess: opts.inProcess, cpuProfDir: opts.serverCpuProf });
    const results = await run(opts, etcd, server, dataDir);
    report(results, opts);
  } catch (err) {
    // A broken run is reported, not hidden; the exit code stays 0 only for missed targets.
    console.error('benchmark failed:', err);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

await main();

/** Issue 12's target: authorization costs at most 10 % more apiserver CPU per create than the admin's unchecked path, same run. */
function authzVerdict(r: Results): string {
  const admin = r.apiCpuPerCreate.apiserver;
  const sa = r.apiCpuPerCreateAsServiceAccount?.apiserver;
  if (admin === undefined || sa === undefined) return 'apiserver CPU not measured (in-process run)';
  const ratio = sa / admin;
  return `${ratio.toFixed(2)} × (a): ${ratio <= 1.1 ? 'met' : 'missed'}`;
}
