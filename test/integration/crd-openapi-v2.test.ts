import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';
import type { CrdController } from '../../apiserver/crd/crd-controller.js';
import { OPENAPI_V2_PROTOBUF } from '../../openapi/v2-protobuf.js';

// /openapi/v2 with custom kinds merged in, as kube-apiserver publishes CRD schemas.
let app: FastifyInstance;
let store: Store;
const crontabCrd = parseYaml(readFileSync(new URL('../fixtures/crd/crontab-crd.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  store = createSqliteStore({ path: ':memory:' });
  app = await buildApp({ store });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await store.close();
});

describe('/openapi/v2 with CRDs', () => {
  it('has no custom definitions before a CRD, and the CronTab schema after', async () => {
    const before = await app.inject({ url: '/openapi/v2' });
    expect(before.json().definitions['com.example.stable.v1.CronTab']).toBeUndefined();
    const res = await app.inject({ method: 'POST', url: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', payload: crontabCrd });
    expect(res.statusCode).toBe(201);
    await (app as unknown as { crdController: CrdController }).crdController.idle();
    const after = await app.inject({ url: '/openapi/v2' });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    const doc = after.json();
    const def = doc.definitions['com.example.stable.v1.CronTab'];
    expect(def['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
    expect(def.properties.spec.properties.replicas).toEqual({ type: 'integer', minimum: 1, maximum: 10, default: 1 });
    expect(def.properties.spec['x-kubernetes-validations']).toBeUndefined();
    expect(def.properties.metadata.$ref).toBe('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(doc.definitions['com.example.stable.v1.CronTabList'].properties.items.items).toEqual({ $ref: '#/definitions/com.example.stable.v1.CronTab' });
    expect(doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].get.operationId).toBe('readStableExampleComV1NamespacedCronTab');
    // Built-in definitions are still there.
    expect(doc.definitions['io.k8s.api.core.v1.Pod']).toBeDefined();
    // The same ETag answers 304.
    const again = await app.inject({ url: '/openapi/v2', headers: { 'if-none-match': String(after.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('serves the merged document as protobuf, different from the built-in one', async () => {
    const res = await app.inject({ url: '/openapi/v2', headers: { accept: OPENAPI_V2_PROTOBUF } });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.includes(Buffer.from('com.example.stable.v1.CronTab'))).toBe(true);
  });

  it('drops the kind again when its CRD is deleted', async () => {
    await app.inject({ method: 'DELETE', url: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com' });
    for (let i = 0; i < 200; i++) {
      const doc = (await app.inject({ url: '/openapi/v2' })).json();
      if (!doc.definitions['com.example.stable.v1.CronTab']) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('CronTab still published');
  });
});
