import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import { createLogger } from '../../lib/logger.js';
import { median, percentile, round, runPool, table, verdict } from './bench-stats.js';

/**
 * `npm run bench:crd`: in one run, on one in-process apiserver (SQLite in a temp dir,
 * requests through fastify's inject, so no TLS or sockets in either figure):
 *  a) creates/s of a custom resource whose schema has 40 fields and two CEL rules;
 *  b) creates/s of a ConfigMap of the same JSON size; target a/b ≥ 0.8 (a and b run in
 *     alternating rounds of 250, so neither pays alone for warm-up or a busy disk);
 *  c) time from a CRD's create to its custom resources being served (GET list 200);
 *     target < 1 s (median of several CRDs).
 */

const TARGETS = { ratio: 0.8, servedMs: 1000 };
const N = Number(process.env.BENCH_N ?? 2000);
const CONCURRENCY = 16;
/** Creates per kind per round; the rounds alternate custom resource and ConfigMap. */
const ROUND = 250;

function fields(i: number): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (let f = 0; f < 40; f++) spec[`f${f}`] = f % 2 === 0 ? `value-${f}-${i}` : f * 10;
  return spec;
}

function crd(plural: string, kind: string): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (let f = 0; f < 40; f++) props[`f${f}`] = f % 2 === 0 ? { type: 'string', maxLength: 64 } : { type: 'integer', minimum: 0, maximum: 1000000 };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.bench.example.com` },
    spec: {
      group: 'bench.example.com',
      scope: 'Namespaced',
      names: { plural, kind },
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: {
          type: 'object', properties: props,
          'x-kubernetes-validations': [{ rule: 'self.f0.startsWith("value-")' }, { rule: 'self.f1 <= self.f3' }],
        } } } },
      }],
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-bench-crd-'));
  const store = createSqliteStore({ path: join(dir, 'state.db') });
  const app = await buildApp({ store, logger: createLogger({ level: 'warn' }) });
  await app.ready();
  const post = (url: string, body: unknown) => app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  try {
    // c) time to serve
    const servedMs: number[] = [];
    for (let k = 0; k < 5; k++) {
      const start = performance.now();
      const res = await post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd(`things${k}`, `Thing${k}`));
      if (res.statusCode !== 201) throw new Error(`CRD create: ${res.statusCode} ${res.body}`);
      for (;;) {
        const r = await app.inject({ url: `/apis/bench.example.com/v1/namespaces/default/things${k}` });
        if (r.statusCode === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      servedMs.push(performance.now() - start);
    }
    const cr = (i: number) => ({ apiVersion: 'bench.example.com/v1', kind: 'Thing0', metadata: { name: `t-${i}` }, spec: fields(i) });
    const cm = (i: number) => {
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries(fields(i))) data[k] = String(v);
      // pad to the custom object's JSON size
      const target = JSON.stringify(cr(i)).length;
      const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${i}` }, data };
      const gap = target - JSON.stringify(obj).length;
      if (gap > 10) data.pad = 'x'.repeat(gap - 10);
      return obj;
    };
    const crBytes = JSON.stringify(cr(0)).length;
    const cmBytes = JSON.stringify(cm(0)).length;
    // warm-up both paths
    await runPool(200, CONCURRENCY, async (i) => { await post('/apis/bench.example.com/v1/namespaces/default/things0', cr(1_000_000 + i)); });
    await runPool(200, CONCURRENCY, async (i) => { await post('/api/v1/namespaces/default/configmaps', cm(1_000_000 + i)); });
    // Interleaved rounds: whichever kind ran first paid for the process's warm-up (JIT,
    // heap growth) and the disk's moods, which made the ratio mostly about the order.
    const a = { latencies: [] as number[], wallMs: 0 };
    const b = { latencies: [] as number[], wallMs: 0 };
    for (let done = 0; done < N; done += ROUND) {
      const n = Math.min(ROUND, N - done);
      const ra = await runPool(n, CONCURRENCY, async (j) => {
        const r = await post('/apis/bench.example.com/v1/namespaces/default/things0', cr(done + j));
        if (r.statusCode !== 201) throw new Error(`CR create: ${r.statusCode} ${r.body}`);
      });
      const rb = await runPool(n, CONCURRENCY, async (j) => {
        const r = await post('/api/v1/namespaces/default/configmaps', cm(done + j));
        if (r.statusCode !== 201) throw new Error(`ConfigMap create: ${r.statusCode} ${r.body}`);
      });
      a.latencies.push(...ra.latencies);
      a.wallMs += ra.wallMs;
      b.latencies.push(...rb.latencies);
      b.wallMs += rb.wallMs;
    }
    const crPerSec = (N / a.wallMs) * 1000;
    const cmPerSec = (N / b.wallMs) * 1000;
    const ratio = crPerSec / cmPerSec;
    const served = median(servedMs);
    console.log(`bench:crd — ${N} creates each in alternating rounds of ${ROUND}, concurrency ${CONCURRENCY}, in-process apiserver on SQLite; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(table([
      ['measure', 'value', 'target', 'verdict'],
      [`custom resource creates/s (40 fields, 2 CEL rules, ${crBytes} B)`, String(round(crPerSec)), '', ''],
      [`ConfigMap creates/s (${cmBytes} B)`, String(round(cmPerSec)), '', ''],
      ['ratio CR/ConfigMap', String(round(ratio, 2)), `≥ ${TARGETS.ratio}`, verdict(ratio, TARGETS.ratio, 'higher')],
      ['CR create p50 / p99 ms', `${round(percentile(a.latencies, 0.5))} / ${round(percentile(a.latencies, 0.99))}`, '', ''],
      ['ConfigMap create p50 / p99 ms', `${round(percentile(b.latencies, 0.5))} / ${round(percentile(b.latencies, 0.99))}`, '', ''],
      ['new CRD served after (median of 5, ms)', String(round(served)), `< ${TARGETS.servedMs}`, verdict(served, TARGETS.servedMs, 'lower')],
    ]));
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
