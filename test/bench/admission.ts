import { loadavg } from 'node:os';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import { median, round, table, verdict } from './bench-stats.js';
import type { Registries } from '../../apiserver/registry/registries.js';
import { createLogger } from '../../lib/logger.js';
import { findResource } from '../../api/registry.js';
import type { AdmissionAttributes } from '../../apiserver/admission/attributes.js';

const logger = createLogger({ level: 'silent' });

/**
 * `npm run bench:admission`: what the dynamic admission chain costs a write, in one run,
 * in one process (fastify inject over an in-memory SQLite store, so the figure is the
 * apiserver's own CPU per create, without network or etcd noise):
 *
 *  a) reference: ConfigMap creates/s with the chain not started (the write path before
 *     admission existed, but for one options field);
 *  b) the chain running with no webhook and no policy (the common case): target ≥ 0.97 of (a);
 *  c) a ValidatingAdmissionPolicy bound but matching only Deployments (matching cost);
 *  d) a ValidatingAdmissionPolicy with one CEL validation on every ConfigMap (CEL cost).
 *
 * Rounds alternate between the set-ups and the median round counts, because the machine
 * is shared. Flags: --creates N per round (default 2000), --rounds R (default 5).
 */

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const CREATES = arg('creates', 2000);
const ROUNDS = arg('rounds', 5);
const TARGET = 0.97;

type Setup = 'off' | 'idle' | 'unmatched' | 'cel';

async function makeApp(setup: Setup) {
  const store = createSqliteStore({ path: ':memory:' });
  const app = await buildApp({ store, logger });
  await app.ready();
  if (setup === 'off') {
    // The chain exists but was never started: registries.admission stays undefined.
    const registries = (app as unknown as { registries: Registries }).registries;
    registries.admission?.stop();
    registries.admission = undefined;
  }
  const adm = '/apis/admissionregistration.k8s.io/v1';
  const policy = (name: string, resources: string[], group: string, expression: string) => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [group], apiVersions: ['v1'], operations: ['CREATE'], resources }] },
      validations: [{ expression }],
    },
  });
  if (setup === 'unmatched' || setup === 'cel') {
    const p = setup === 'cel' ? policy('p', ['configmaps'], '', "size(object.data) < 100 && object.metadata.name != 'x'") : policy('p', ['deployments'], 'apps', 'object.spec.replicas < 100');
    await app.inject({ method: 'POST', url: `${adm}/validatingadmissionpolicies`, payload: p });
    await app.inject({
      method: 'POST',
      url: `${adm}/validatingadmissionpolicybindings`,
      payload: { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny'] } },
    });
  }
  return { app, store };
}

async function round1(setup: Setup, offset: number): Promise<number> {
  const { app, store } = await makeApp(setup);
  const data: Record<string, string> = {};
  for (let i = 0; i < 10; i++) data[`key-${i}`] = 'v'.repeat(40);
  const start = performance.now();
  for (let i = 0; i < CREATES; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/configmaps',
      payload: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${offset}-${i}`, labels: { app: 'bench' } }, data },
    });
    if (res.statusCode !== 201) throw new Error(`create answered ${res.statusCode}: ${res.body}`);
  }
  const perSec = CREATES / ((performance.now() - start) / 1000);
  await app.close();
  await store.close();
  return perSec;
}

async function main(): Promise<void> {
  const setups: Setup[] = ['off', 'idle', 'unmatched', 'cel'];
  const samples: Record<Setup, number[]> = { off: [], idle: [], unmatched: [], cel: [] };
  await round1('off', -1); // warm-up: JIT, module loading
  for (let r = 0; r < ROUNDS; r++) {
    // The order rotates, so no set-up always runs first (warm caches, neighbours' load).
    for (let k = 0; k < setups.length; k++) {
      const s = setups[(k + r) % setups.length]!;
      samples[s].push(await round1(s, r));
    }
  }
  const ref = median(samples.off);
  const rows = [['set-up', 'creates/s (median)', 'vs reference', 'µs added per create']];
  for (const s of setups) {
    const m = median(samples[s]);
    rows.push([s, String(round(m)), String(round(m / ref, 3)), s === 'off' ? '–' : String(round((1e6 / m - 1e6 / ref), 1))]);
  }
  console.log(`bench:admission — ${CREATES} ConfigMap creates per round, ${ROUNDS} rounds, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(table(rows));
  // The idle chain's own work, timed alone: what (b) adds to every write.
  const { app, store } = await makeApp('idle');
  const chain = (app as unknown as { registries: Registries }).registries.admission!;
  const attrs: AdmissionAttributes = {
    operation: 'CREATE',
    rt: findResource('', 'configmaps')!,
    namespace: 'default',
    name: 'x',
    object: { metadata: { name: 'x' } },
    oldObject: null,
    dryRun: false,
    request: { user: { username: 'u', groups: [] }, warnings: [] },
  };
  const calls = 1_000_000;
  let active = 0;
  const t0 = performance.now();
  // What the registry asks per write when nothing is configured (no await follows).
  for (let i = 0; i < calls; i++) if (chain.active(attrs.rt)) active++;
  if (active !== 0) throw new Error('the chain should be idle');
  const nsPerWrite = ((performance.now() - t0) * 1e6) / calls;
  await app.close();
  await store.close();
  console.log(`idle chain alone (the registry's active() check, ${calls} calls): ${round(nsPerWrite)} ns per write = ${round((nsPerWrite / 1e9) * median(samples.off) * 100, 3)} % of a reference create`);
  const ratio = median(samples.idle) / ref;
  console.log(`idle chain / no chain: ${round(ratio, 3)} (target ≥ ${TARGET}): ${verdict(ratio, TARGET, 'higher')}`);
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
