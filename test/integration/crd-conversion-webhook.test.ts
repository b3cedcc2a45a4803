import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';
import type { CrdController } from '../../apiserver/crd/crd-controller.js';
import { closeWebhookAgents } from '../../apiserver/admission/webhook-client.js';
import { startWebhookServer, type TestWebhookServer } from '../helpers/webhook-server.js';

/**
 * `conversion.strategy: Webhook`: a CronTab stored as v1 (spec.cronSpec) and served as v2
 * (spec.schedule) through a ConversionReview webhook served by the test on loopback with
 * its own CA, on every read, write, list, watch and patch across versions.
 */

let app: FastifyInstance;
let store: Store;
let hook: TestWebhookServer;
const V1 = '/apis/stable.example.com/v1/namespaces/default/crontabs';
const V2 = '/apis/stable.example.com/v2/namespaces/default/crontabs';
const CRD_URL = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

const json = (method: string, url: string, body?: unknown, contentType = 'application/json') =>
  app.inject({ method: method as 'GET', url, ...(body !== undefined ? { payload: JSON.stringify(body), headers: { 'content-type': contentType } } : {}) });
const idle = () => (app as unknown as { crdController: CrdController }).crdController.idle();

/** v1 spec.cronSpec <-> v2 spec.schedule. */
function convert(obj: any, to: string): any {
  const out = structuredClone(obj);
  out.apiVersion = to;
  const spec = out.spec ?? {};
  if (to.endsWith('/v2') && 'cronSpec' in spec) {
    spec.schedule = spec.cronSpec;
    delete spec.cronSpec;
  } else if (to.endsWith('/v1') && 'schedule' in spec) {
    spec.cronSpec = spec.schedule;
    delete spec.schedule;
  }
  return out;
}

type Answer = (review: any) => any;
const goodAnswer: Answer = (review) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'ConversionReview',
  response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects: review.request.objects.map((o: any) => convert(o, review.request.desiredAPIVersion)) },
});
let answer: Answer = goodAnswer;

const specSchema = (field: string) => ({
  openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { [field]: { type: 'string' }, image: { type: 'string' } } } } },
});

function crd(clientConfig: Record<string, unknown>, name = 'crontabs.stable.example.com', plural = 'crontabs', kind = 'CronTab'): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind },
      versions: [
        { name: 'v1', served: true, storage: true, schema: specSchema('cronSpec') },
        { name: 'v2', served: true, storage: false, schema: specSchema('schedule') },
      ],
      conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig } },
    },
  };
}

async function waitServed(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await json('GET', url)).statusCode === 200) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${url} never served`);
}

beforeAll(async () => {
  hook = await startWebhookServer({ hosts: ['127.0.0.1', 'convert.default.svc'] });
  hook.handle((review) => answer(review));
  store = createSqliteStore({ path: ':memory:' });
  app = await buildApp({ store });
  await app.ready();
  const res = await json('POST', CRD_URL, crd({ url: `${hook.url}/convert`, caBundle: hook.caBundle }));
  expect(res.statusCode).toBe(201);
  await waitServed(V2);
  await idle();
});

afterAll(async () => {
  await app.close();
  await store.close();
  closeWebhookAgents();
  await hook.close();
});

beforeEach(() => {
  answer = goodAnswer;
  hook.reviews.length = 0;
});

describe('conversion webhook', () => {
  it('converts a v2 create to the v1 storage version and answers in v2', async () => {
    const res = await json('POST', V2, { apiVersion: 'stable.example.com/v2', kind: 'CronTab', metadata: { name: 'a' }, spec: { schedule: '* * * * *', image: 'img' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ apiVersion: 'stable.example.com/v2', kind: 'CronTab', spec: { schedule: '* * * * *', image: 'img' } });
    const [first] = hook.reviews;
    expect(first).toMatchObject({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { desiredAPIVersion: 'stable.example.com/v1' } });
    expect(first.request.objects[0].spec).toEqual({ schedule: '* * * * *', image: 'img' });
    // Stored as v1: reading v1 needs no call.
    hook.reviews.length = 0;
    const stored = (await json('GET', `${V1}/a`)).json();
    expect(stored).toMatchObject({ apiVersion: 'stable.example.com/v1', spec: { cronSpec: '* * * * *', image: 'img' } });
    expect(hook.reviews).toHaveLength(0);
  });

  it('converts a v1 object for a v2 read, keeping the original metadata but the webhook labels', async () => {
    await json('POST', V1, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'b', labels: { a: '1' } }, spec: { cronSpec: '0 * * * *' } });
    answer = (review) => {
      const ok = goodAnswer(review);
      for (const o of ok.response.convertedObjects) {
        o.metadata.labels = { ...o.metadata.labels, converted: 'yes' };
        o.metadata.generation = 99;
      }
      return ok;
    };
    const got = (await json('GET', `${V2}/b`)).json();
    expect(got.spec).toEqual({ schedule: '0 * * * *' });
    expect(got.metadata.labels).toEqual({ a: '1', converted: 'yes' });
    expect(got.metadata.generation).toBe(1);
  });

  it('converts a list in one review', async () => {
    const res = await json('GET', V2);
    expect(res.statusCode).toBe(200);
    const list = res.json();
    expect(list.apiVersion).toBe('stable.example.com/v2');
    expect(list.items.map((o: any) => o.spec.schedule)).toEqual(['* * * * *', '0 * * * *']);
    expect(hook.reviews).toHaveLength(1);
    expect(hook.reviews[0].request.objects).toHaveLength(2);
    const table = await app.inject({ url: `${V2}?includeObject=Object`, headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    expect(table.json().rows.map((r: any) => r.object.apiVersion)).toEqual(['stable.example.com/v2', 'stable.example.com/v2']);
  });

  it('patches through the requested version', async () => {
    const res = await json('PATCH', `${V2}/a`, { spec: { schedule: '5 * * * *' } }, 'application/merge-patch+json');
    expect(res.statusCode).toBe(200);
    expect(res.json().spec).toEqual({ schedule: '5 * * * *', image: 'img' });
    expect((await json('GET', `${V1}/a`)).json().spec).toEqual({ cronSpec: '5 * * * *', image: 'img' });
  });

  it('converts watch events in order', async () => {
    const rv = (await json('GET', V1)).json().metadata.resourceVersion;
    const watching = app.inject({ url: `${V2}?watch=true&resourceVersion=${rv}&timeoutSeconds=1` });
    await new Promise((r) => setTimeout(r, 50));
    await json('POST', V1, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'w1' }, spec: { cronSpec: '1 * * * *' } });
    await json('POST', V1, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'w2' }, spec: { cronSpec: '2 * * * *' } });
    const events = (await watching).body.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => [e.type, e.object.apiVersion, e.object.metadata.name, e.object.spec.schedule])).toEqual([
      ['ADDED', 'stable.example.com/v2', 'w1', '1 * * * *'],
      ['ADDED', 'stable.example.com/v2', 'w2', '2 * * * *'],
    ]);
  });

  it('answers 500 with kube wording when the webhook refuses or misbehaves', async () => {
    const cases: Array<[Answer | string, string]> = [
      [(r) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: r.request.uid, result: { status: 'Failure', message: 'cannot convert' } } }), 'conversion webhook for stable.example.com/v1, Kind=CronTab failed: cannot convert'],
      [(r) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: r.request.uid, result: { status: 'Failure' } } }), "conversion webhook for stable.example.com/v1, Kind=CronTab failed: response.result.status was 'Failure', not 'Success'"],
      [(r) => ({ ...goodAnswer(r), response: { ...goodAnswer(r).response, uid: 'other' } }), `conversion webhook for stable.example.com/v1, Kind=CronTab failed: expected response.uid="UID", got "other"`],
      [(r) => ({ ...goodAnswer(r), response: { ...goodAnswer(r).response, convertedObjects: [] } }), 'conversion webhook for stable.example.com/v1, Kind=CronTab returned 0 objects, expected 1'],
      [(r) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: {} }), 'conversion webhook for stable.example.com/v1, Kind=CronTab failed: expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got admission.k8s.io/v1, Kind=AdmissionReview'],
      [(r) => { const a = goodAnswer(r); a.response.convertedObjects[0].apiVersion = 'stable.example.com/v1'; return a; }, 'conversion webhook for stable.example.com/v1, Kind=CronTab returned invalid object at index 0: invalid groupVersion (expected stable.example.com/v2, received stable.example.com/v1)'],
      [(r) => { const a = goodAnswer(r); a.response.convertedObjects[0].metadata.name = 'x'; return a; }, 'conversion webhook for stable.example.com/v1, Kind=CronTab returned invalid object: must have the same name: a != x'],
      [(r) => { const a = goodAnswer(r); a.response.convertedObjects[0].metadata.labels = { 'bad key!': 'v' }; return a; }, 'conversion webhook for stable.example.com/v1, Kind=CronTab returned invalid metadata: metadata.labels: Invalid value: "bad key!"'],
      ['not json', 'conversion webhook for stable.example.com/v1, Kind=CronTab failed: invalid character'],
    ];
    for (const [a, message] of cases) {
      answer = typeof a === 'string' ? () => a : a;
      const res = await json('GET', `${V2}/a`);
      expect(res.statusCode).toBe(500);
      const status = res.json();
      expect(status.reason).toBeUndefined();
      expect(status.message.replace(/"[0-9a-f-]{36}"/, '"UID"')).toContain(message);
    }
    // Nothing half-stored: a refused conversion on create stores nothing.
    answer = (r) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: r.request.uid, result: { status: 'Failure', message: 'no' } } });
    const created = await json('POST', V2, { apiVersion: 'stable.example.com/v2', kind: 'CronTab', metadata: { name: 'never' }, spec: { schedule: '* * * * *' } });
    expect(created.statusCode).toBe(500);
    expect(created.json().message).toBe('conversion webhook for stable.example.com/v2, Kind=CronTab failed: no');
    expect((await json('GET', `${V1}/never`)).statusCode).toBe(404);
  });

  it('reaches the webhook through a Service pinned to loopback by the kubeling.io/loopback-endpoint annotation', async () => {
    await json('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'convert', annotations: { 'kubeling.io/loopback-endpoint': `127.0.0.1:${hook.port}` } }, spec: { ports: [{ port: 443, targetPort: hook.port }] } });
    const res = await json('POST', CRD_URL, crd({ service: { namespace: 'default', name: 'convert', path: '/convert' }, caBundle: hook.caBundle }, 'crontwos.stable.example.com', 'crontwos', 'CronTwo'));
    expect(res.statusCode).toBe(201);
    const url = '/apis/stable.example.com/v2/namespaces/default/crontwos';
    await waitServed(url);
    const created = await json('POST', url, { apiVersion: 'stable.example.com/v2', kind: 'CronTwo', metadata: { name: 's' }, spec: { schedule: '3 * * * *' } });
    expect(created.statusCode).toBe(201);
    expect(created.json().spec).toEqual({ schedule: '3 * * * *' });
    expect((await json('GET', '/apis/stable.example.com/v1/namespaces/default/crontwos/s')).json().spec).toEqual({ cronSpec: '3 * * * *' });
  });

  it('fails as Go does when the webhook is unreachable or untrusted', async () => {
    await json('POST', CRD_URL, crd({ url: 'https://127.0.0.1:1/convert' }, 'cronthrees.stable.example.com', 'cronthrees', 'CronThree'));
    const url = '/apis/stable.example.com/v2/namespaces/default/cronthrees';
    await waitServed(url);
    const res = await json('POST', url, { apiVersion: 'stable.example.com/v2', kind: 'CronThree', metadata: { name: 'x' }, spec: {} });
    expect(res.statusCode).toBe(500);
    expect(res.json().message).toBe('conversion webhook for stable.example.com/v2, Kind=CronThree failed: Post "https://127.0.0.1:1/convert?timeout=30s": dial tcp 127.0.0.1:1: connect: connection refused');
    // No caBundle: the system roots do not trust the test's CA.
    await json('POST', CRD_URL, crd({ url: `${hook.url}/convert` }, 'cronfours.stable.example.com', 'cronfours', 'CronFour'));
    const url4 = '/apis/stable.example.com/v2/namespaces/default/cronfours';
    await waitServed(url4);
    const res4 = await json('POST', url4, { apiVersion: 'stable.example.com/v2', kind: 'CronFour', metadata: { name: 'x' }, spec: {} });
    expect(res4.statusCode).toBe(500);
    expect(res4.json().message).toContain('x509: certificate signed by unknown authority');
  });

  it('refuses a Webhook strategy CRD without client config or review versions', async () => {
    const bad = crd({ url: `${hook.url}/convert` }, 'badconvs.stable.example.com', 'badconvs', 'BadConv') as any;
    bad.spec.conversion.webhook.conversionReviewVersions = ['v9'];
    bad.spec.conversion.webhook.clientConfig = { url: 'http://127.0.0.1/x' };
    const res = await json('POST', CRD_URL, bad);
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toBe(
      `CustomResourceDefinition.apiextensions.k8s.io "badconvs.stable.example.com" is invalid: [spec.conversion.webhookClientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme, spec.conversion.conversionReviewVersions: Invalid value: []string{"v9"}: must include at least one of v1, v1beta1]`,
    );
    delete bad.spec.conversion.webhook.clientConfig;
    const res2 = await json('POST', CRD_URL, bad);
    expect(res2.json().message).toContain('spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook');
  });
});
