import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';
import { realisticPod } from '../bench/realistic-pod.js';
import { checkResponse, describeRequest, type FuzzRequest, type FuzzResponse } from './fuzz-request.js';
import { generateRequests, validObject, type FuzzTargets, type Obj, type Target } from './generators.js';
import { Prng } from './prng.js';
import { targetedRequests, type SeededSet } from './targeted.js';

/**
 * Throws a few thousand malformed requests at the apiserver (in-process, over SQLite) and
 * checks that every answer is a well-formed 4xx Status (or a 2xx object), never a 5xx,
 * and that the seeded objects come out unchanged (the same JSON, resourceVersion included).
 *
 * Deterministic: FUZZ_SEED picks the sequence (printed at the start); FUZZ_COUNT the
 * number of random requests (default 3,000).
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);
const COUNT = Number(process.env.FUZZ_COUNT ?? 3000);
const SEEDED_NS = 'seeded';
const FUZZ_NS = 'fuzz';
/** A request with no answer after this long counts as a hang. */
const REQUEST_TIMEOUT_MS = 15_000;

let app: FastifyInstance;
let store: Store;
/** Errors the apiserver logged (with stacks) since the last request: shown with a 5xx. */
const serverErrors: string[] = [];
const errorLogger = pino({ level: 'error' }, { write: (line: string) => void serverErrors.push(line) });

/** The first frames of the errors the server logged for the last request. */
function takeServerStacks(): string {
  const stacks = serverErrors.map((line) => {
    try {
      const entry = JSON.parse(line) as { err?: { stack?: string } };
      return (entry.err?.stack ?? '').split('\n').slice(0, 6).map((l) => l.trim()).join(' | ');
    } catch {
      return line.slice(0, 300);
    }
  });
  serverErrors.length = 0;
  return stacks.join(' || ');
}

async function send(req: FuzzRequest): Promise<FuzzResponse> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
  });
  try {
    const res = await Promise.race([
      app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, payload: req.payload }),
      hang,
    ]);
    return { statusCode: res.statusCode, headers: res.headers, body: res.body };
  } finally {
    clearTimeout(timer);
  }
}

async function create(collection: string, body: Obj): Promise<Obj> {
  const res = await app.inject({ method: 'POST', url: collection, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (res.statusCode !== 201) throw new Error(`seeding ${collection} failed: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body) as Obj;
}

async function getJson(path: string): Promise<{ statusCode: number; body: Obj }> {
  const res = await app.inject({ url: path });
  return { statusCode: res.statusCode, body: JSON.parse(res.body) as Obj };
}

async function seedTarget(kind: string, name: string, namespace: string, mutate: (o: Obj) => Obj = (o) => o): Promise<Target> {
  const body = mutate(validObject(kind, name, namespace));
  const collection =
    kind === 'Deployment' ? `/apis/apps/v1/namespaces/${namespace}/deployments` : kind === 'ConfigMap' ? `/api/v1/namespaces/${namespace}/configmaps` : `/api/v1/namespaces/${namespace}/pods`;
  await create(collection, body);
  const path = `${collection}/${name}`;
  // The snapshot is what a GET answers, resourceVersion included.
  return { kind, path, collection, object: (await getJson(path)).body };
}

interface Failure {
  index: number;
  request: string;
  problem: string;
  status?: number;
  response?: string;
  /** The server-side stack of a 5xx. */
  stack?: string;
}

/** Paths (at most 10) where two JSON values differ, for a readable snapshot failure. */
function diffPaths(a: unknown, b: unknown, path = ''): string[] {
  if (a === b) return [];
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    return [`${path || '<root>'} (${JSON.stringify(a)?.slice(0, 60)} → ${JSON.stringify(b)?.slice(0, 60)})`];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const out: string[] = [];
  for (const k of keys) {
    out.push(...diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
    if (out.length >= 10) break;
  }
  return out.slice(0, 10);
}

/** Failures grouped by problem and request kind, with the first two examples of each. */
function groupFailures(failures: Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const frame = /at (\S+) \(([^)]*?)(:\d+){2}\)/.exec(f.stack ?? '');
    const where = frame ? ` in ${frame[1]} (${frame[2]!.replace(/^.*?\/(apiserver|api|lib|node_modules)\//, '$1/')})` : '';
    const key = `${f.problem}${where} — ${f.request.split(':')[0]}${f.request.startsWith('targeted') ? `: ${f.request.split(':')[1]}` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups]
    .map(([key, list]) => {
      const examples = list.slice(0, 2).map((f) => `    #${f.index} ${f.request}\n      → ${f.status ?? '-'} ${f.response ?? ''}${f.stack ? `\n      at ${f.stack}` : ''}`);
      return `  ${list.length}× ${key}\n${examples.join('\n')}`;
    })
    .join('\n');
}

describe('malformed requests', () => {
  let seeded: SeededSet;
  let targets: FuzzTargets;
  let seededNamespace: Obj;

  beforeAll(async () => {
    store = createSqliteStore({ path: ':memory:' });
    app = await buildApp({ store, logger: errorLogger });
    await app.ready();
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SEEDED_NS } });
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FUZZ_NS } });
    seeded = {
      pod: await seedTarget('Pod', 'seed-pod', SEEDED_NS),
      deployment: await seedTarget('Deployment', 'seed-deploy', SEEDED_NS),
      configMap: await seedTarget('ConfigMap', 'seed-cm', SEEDED_NS),
      immutableConfigMap: await seedTarget('ConfigMap', 'seed-cm-immutable', SEEDED_NS, (o) => ({ ...o, immutable: true })),
    };
    targets = {
      seeded: [seeded.pod, seeded.deployment, seeded.configMap, seeded.immutableConfigMap],
      scratch: [
        await seedTarget('Pod', 'scratch-pod', FUZZ_NS),
        await seedTarget('Deployment', 'scratch-deploy', FUZZ_NS),
        await seedTarget('ConfigMap', 'scratch-cm', FUZZ_NS),
      ],
      fuzzNamespace: FUZZ_NS,
    };
    seededNamespace = (await getJson(`/api/v1/namespaces/${SEEDED_NS}`)).body;
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it(`answers ${COUNT} random and the targeted malformed requests with 4xx Status bodies, never 5xx`, async () => {
    console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${COUNT} random requests`);
    const rng = new Prng(SEED);
    const requests = [...generateRequests(rng, targets, COUNT), ...targetedRequests(seeded)];
    const failures: Failure[] = [];
    const perCategory = new Map<string, Map<number, number>>();
    const started = Date.now();
    for (const [index, req] of requests.entries()) {
      let res: FuzzResponse;
      serverErrors.length = 0;
      try {
        res = await send(req);
      } catch (err) {
        failures.push({ index, request: describeRequest(req), problem: `inject threw: ${(err as Error).message}` });
        continue;
      }
      const codes = perCategory.get(req.category.split(':')[0]!) ?? new Map<number, number>();
      codes.set(res.statusCode, (codes.get(res.statusCode) ?? 0) + 1);
      perCategory.set(req.category.split(':')[0]!, codes);
      const problem = checkResponse(req, res);
      const stack = takeServerStacks();
      if (problem) failures.push({ index, request: describeRequest(req), problem, status: res.statusCode, response: res.body.slice(0, 400), ...(stack ? { stack } : {}) });
    }
    const summary = [...perCategory].map(([cat, codes]) => `${cat}: ${[...codes].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}×${n}`).join(' ')}`);
    console.log(`${requests.length} requests in ${Date.now() - started} ms\n${summary.join('\n')}`);
    const report = groupFailures(failures);
    // The grouped report is the message; the count keeps the assertion's own diff short.
    expect(failures.length, `${failures.length} bad answers (seed ${SEED}):\n${report}\n`).toBe(0);
  });

  it('still answers health checks afterwards', async () => {
    const res = await app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('ok');
  });

  it('leaves every seeded object exactly as it was', async () => {
    const changed: string[] = [];
    for (const target of targets.seeded) {
      const now = await getJson(target.path);
      if (now.statusCode !== 200) changed.push(`${target.path}: GET answers ${now.statusCode} ${now.body.message ?? ''}`);
      else {
        const diffs = diffPaths(target.object, now.body);
        if (diffs.length > 0) changed.push(`${target.path}: changed at ${diffs.join(', ')}`);
      }
    }
    expect(changed).toEqual([]);
    expect((await getJson(`/api/v1/namespaces/${SEEDED_NS}`)).body).toEqual(seededNamespace);
    const list = await getJson(`/api/v1/namespaces/${SEEDED_NS}/pods`);
    expect(list.body.items.map((p: Obj) => p.metadata.name)).toEqual(['seed-pod']);
  });

  it('creates and reads a fresh object afterwards', async () => {
    const created = await create(`/api/v1/namespaces/${SEEDED_NS}/pods`, realisticPod('after-fuzz', SEEDED_NS));
    const read = await getJson(`/api/v1/namespaces/${SEEDED_NS}/pods/after-fuzz`);
    expect(read.statusCode).toBe(200);
    expect(read.body).toEqual(created);
    expect(read.body.spec.containers[0].image).toBe('registry.example.com/team/web-frontend:1.27.3');
  });
});
