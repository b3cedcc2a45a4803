import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';
import type { CrdController } from '../../apiserver/crd/crd-controller.js';

let app: FastifyInstance;
let store: Store;
const crontabCrd = parseYaml(readFileSync(new URL('../fixtures/crd/crontab-crd.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
const CT = '/apis/stable.example.com/v1/namespaces/default/crontabs';

const json = (method: string, url: string, body?: unknown, contentType = 'application/json') =>
  app.inject({ method: method as 'GET', url, ...(body !== undefined ? { payload: JSON.stringify(body), headers: { 'content-type': contentType } } : {}) });
const idle = () => (app as unknown as { crdController: CrdController }).crdController.idle();

async function waitFor(fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached');
}

beforeAll(async () => {
  store = createSqliteStore({ path: ':memory:' });
  app = await buildApp({ store });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await store.close();
});

describe('CronTab CRD', () => {
  it('creates the CRD, which becomes Established and served', async () => {
    const res = await json('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crontabCrd);
    expect(res.statusCode).toBe(201);
    await waitFor(async () => (await json('GET', CT)).statusCode === 200);
    await idle();
    const crd = (await json('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com')).json();
    const conds = Object.fromEntries(crd.status.conditions.map((c: { type: string; reason: string }) => [c.type, c.reason]));
    expect(conds).toEqual({ NamesAccepted: 'NoConflicts', Established: 'InitialNamesAccepted' });
    expect(crd.status.storedVersions).toEqual(['v1']);
    expect(crd.status.acceptedNames.shortNames).toEqual(['ct']);
    const disc = (await json('GET', '/apis/stable.example.com/v1')).json();
    expect(disc.resources[0]).toMatchObject({ name: 'crontabs', singularName: 'crontab', namespaced: true, kind: 'CronTab', shortNames: ['ct'], categories: ['all'] });
  });

  it('creates, defaults and prunes a CronTab', async () => {
    const res = await json('POST', CT, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'my-new-cron-object' }, spec: { cronSpec: '* * * * */5', image: 'my-awesome-cron-image', extra: 1 } });
    expect(res.statusCode).toBe(201);
    expect(String(res.headers['warning'])).toContain('unknown field \\"spec.extra\\"');
    const obj = res.json();
    expect(obj.spec).toEqual({ cronSpec: '* * * * */5', image: 'my-awesome-cron-image', replicas: 1, maxReplicas: 10 });
    expect(obj.metadata.generation).toBe(1);
  });

  it('refuses invalid objects with kube wording', async () => {
    const res = await json('POST', CT, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'bad' }, spec: { cronSpec: 'nope', replicas: 20 } });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toBe(
      'CronTab.stable.example.com "bad" is invalid: [spec.cronSpec: Invalid value: "nope": spec.cronSpec in body should match \'^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$\', spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10]',
    );
    const cel = await json('POST', CT, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'bad2' }, spec: { cronSpec: '* * * * *', replicas: 5, maxReplicas: 3 } });
    expect(cel.statusCode).toBe(422);
    expect(cel.json().message).toBe('CronTab.stable.example.com "bad2" is invalid: spec: Invalid value: "object": replicas should be smaller than or equal to maxReplicas.');
    const typ = await json('POST', CT, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'bad3' }, spec: { cronSpec: 5 } });
    expect(typ.json().message).toBe('CronTab.stable.example.com "bad3" is invalid: spec.cronSpec: Invalid value: "integer": spec.cronSpec in body must be of type string: "integer"');
  });

  it('serves Table output with the printer columns', async () => {
    const res = await app.inject({ url: CT, headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const t = res.json();
    expect(t.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Spec', 'Replicas', 'Age']);
    expect(t.rows[0].cells.slice(0, 3)).toEqual(['my-new-cron-object', '* * * * */5', 1]);
  });

  it('patches (merge, json; strategic is 415) and serves scale and status', async () => {
    const m = await json('PATCH', `${CT}/my-new-cron-object`, { spec: { image: 'v2' } }, 'application/merge-patch+json');
    expect(m.statusCode).toBe(200);
    expect(m.json().metadata.generation).toBe(2);
    const j = await json('PATCH', `${CT}/my-new-cron-object`, [{ op: 'replace', path: '/spec/replicas', value: 2 }], 'application/json-patch+json');
    expect(j.json().spec.replicas).toBe(2);
    const s = await json('PATCH', `${CT}/my-new-cron-object`, { spec: { image: 'v3' } }, 'application/strategic-merge-patch+json');
    expect(s.statusCode).toBe(415);
    const st = await json('PATCH', `${CT}/my-new-cron-object/status`, { status: { replicas: 2, labelSelector: 'app=cron' } }, 'application/merge-patch+json');
    expect(st.statusCode).toBe(200);
    const scale = (await json('GET', `${CT}/my-new-cron-object/scale`)).json();
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=cron' } });
    const up = await json('PATCH', `${CT}/my-new-cron-object/scale`, { spec: { replicas: 4 } }, 'application/merge-patch+json');
    expect(up.json().spec.replicas).toBe(4);
    expect((await json('GET', `${CT}/my-new-cron-object`)).json().spec.replicas).toBe(4);
  });

  it('refuses a CRD whose names conflict, with kube reasons', async () => {
    const other = structuredClone(crontabCrd) as { metadata: { name: string }; spec: { names: { plural: string; singular: string; shortNames: string[] } } };
    other.metadata.name = 'crontabz.stable.example.com';
    other.spec.names.plural = 'crontabz';
    other.spec.names.singular = 'crontabz';
    other.spec.names.shortNames = ['ctz'];
    expect((await json('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', other)).statusCode).toBe(201);
    await waitFor(async () => {
      const c = (await json('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabz.stable.example.com')).json();
      return (c.status?.conditions ?? []).some((x: { type: string; reason: string }) => x.type === 'NamesAccepted' && x.reason === 'KindConflict');
    });
    expect((await json('GET', '/apis/stable.example.com/v1/namespaces/default/crontabz')).statusCode).toBe(404);
    expect((await json('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabz.stable.example.com')).statusCode).toBeLessThan(300);
  });

  it('deleting the CRD deletes its objects, then the CRD, and stops serving', async () => {
    const del = await json('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com');
    expect(del.statusCode).toBeLessThan(300);
    expect(del.json().metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    await waitFor(async () => (await json('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com')).statusCode === 404);
    expect((await json('GET', CT)).statusCode).toBe(404);
    expect((await json('GET', '/apis/stable.example.com/v1')).statusCode).toBe(404);
  });
});
