import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, json, type TestApp } from '../helpers/test-app.js';

// managedFields through the REST layer: Update managers for every write verb, what
// clients may send in managedFields, apply on the status subresource, a CRD's list types,
// and the Status answers for bad input.

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const CMS = '/api/v1/namespaces/default/configmaps';
const APPLY = 'application/apply-patch+yaml';
const req = (method: string, url: string, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}) =>
  t.app.inject({ method: method as 'POST', url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': contentType, ...headers } });
const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const managers = (obj: any): Array<[string, string, unknown]> => (obj.metadata.managedFields ?? []).map((e: any) => [e.manager, e.operation, e.fieldsV1]);

async function waitFor(fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached');
}

describe('managedFields on Update operations', () => {
  it('create, PUT and merge patch record their managers (fieldManager, else the User-Agent)', async () => {
    const created = await req('POST', `${CMS}?fieldManager=creator`, cm('u', { a: '1' }));
    expect(created.statusCode).toBe(201);
    expect(managers(json(created))).toEqual([['creator', 'Update', { 'f:data': { '.': {}, 'f:a': {} } }]]);
    const put = await req('PUT', `${CMS}/u`, cm('u', { a: '1', b: '2' }), 'application/json', { 'user-agent': 'my-tool/1.0 (linux)' });
    expect(managers(json(put))).toEqual([
      ['creator', 'Update', { 'f:data': { '.': {}, 'f:a': {} } }],
      ['my-tool', 'Update', { 'f:data': { 'f:b': {} } }],
    ]);
    expect(json(put).metadata.managedFields[1]).toMatchObject({ apiVersion: 'v1', fieldsType: 'FieldsV1', time: expect.stringMatching(/Z$/) });
  });

  it('`[{}]` in a merge patch clears them', async () => {
    await req('POST', `${CMS}?fieldManager=creator`, cm('r', { a: '1' }));
    const cleared = await req('PATCH', `${CMS}/r`, { metadata: { managedFields: [{}] } }, 'application/merge-patch+json');
    expect(cleared.statusCode).toBe(200);
    expect(json(cleared).metadata.managedFields).toBeUndefined();
  });

  it('valid managedFields sent on a PUT replace the stored ones; undecodable ones are ignored', async () => {
    await req('POST', `${CMS}?fieldManager=creator`, cm('s', { a: '1' }));
    const live = json(await t.app.inject({ url: `${CMS}/s` }));
    const mine = [{ manager: 'mine', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }];
    const replaced = await req('PUT', `${CMS}/s`, { ...live, metadata: { ...live.metadata, managedFields: mine } });
    expect(managers(json(replaced))).toEqual([['mine', 'Apply', { 'f:data': { 'f:a': {} } }]]);
    const bad = [{ manager: 'x', operation: 'Delete', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
    const ignored = await req('PUT', `${CMS}/s`, { ...live, metadata: { ...live.metadata, resourceVersion: undefined, managedFields: bad } });
    expect(ignored.statusCode).toBe(200);
    expect(managers(json(ignored))).toEqual([['mine', 'Apply', { 'f:data': { 'f:a': {} } }]]);
  });

  it('force on a non-apply patch is kube\'s 422', async () => {
    await req('POST', CMS, cm('f', { a: '1' }));
    const res = await req('PATCH', `${CMS}/f?force=true`, { data: { a: '2' } }, 'application/merge-patch+json');
    expect(res.statusCode).toBe(422);
    expect(json(res).message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });
});

describe('apply through REST', () => {
  it('a 409 conflict carries kube\'s Status and changes nothing', async () => {
    await req('POST', `${CMS}?fieldManager=kubectl`, cm('c', { a: '1' }));
    const res = await req('PATCH', `${CMS}/c?fieldManager=other`, cm('c', { a: '2' }), APPLY);
    expect(res.statusCode).toBe(409);
    expect(json(res)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl" using v1: .data.a',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl" using v1', field: '.data.a' }] },
      code: 409,
    });
    expect(json(await t.app.inject({ url: `${CMS}/c` })).data).toEqual({ a: '1' });
  });

  it('managedFields in an apply body are a 400', async () => {
    const body = { ...cm('m', { a: '1' }), metadata: { name: 'm', managedFields: [{ manager: 'x' }] } };
    const res = await req('PATCH', `${CMS}/m?fieldManager=me`, body, APPLY);
    expect(res.statusCode).toBe(400);
    expect(json(res)).toMatchObject({ reason: 'BadRequest', message: 'metadata.managedFields must be nil' });
  });

  it('apply to pods/status owns status fields under subresource status; the main resource ignores status', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    expect((await req('PATCH', '/api/v1/namespaces/default/pods/p?fieldManager=me', { ...pod, status: { phase: 'Running' } }, APPLY)).statusCode).toBe(201);
    const status = await req('PATCH', '/api/v1/namespaces/default/pods/p/status?fieldManager=kubelet', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { message: 'hello' } }, APPLY);
    expect(status.statusCode).toBe(200);
    const mf = json(status).metadata.managedFields;
    expect(mf).toContainEqual(expect.objectContaining({ manager: 'kubelet', operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:message': {} } } }));
    const me = mf.find((e: any) => e.manager === 'me');
    expect(me.fieldsV1['f:status']).toBeUndefined();
    expect(json(status).status.message).toBe('hello');
  });

  it('a CRD\'s x-kubernetes-list-type map merges items of two managers and prunes per manager', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'routes.ssa.example' },
      spec: {
        group: 'ssa.example',
        scope: 'Namespaced',
        names: { plural: 'routes', kind: 'Route' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: {
                      rules: {
                        type: 'array',
                        'x-kubernetes-list-type': 'map',
                        'x-kubernetes-list-map-keys': ['host'],
                        items: { type: 'object', required: ['host'], properties: { host: { type: 'string' }, port: { type: 'integer' } } },
                      },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    expect((await req('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).statusCode).toBe(201);
    const ROUTES = '/apis/ssa.example/v1/namespaces/default/routes';
    await waitFor(async () => (await t.app.inject({ url: ROUTES })).statusCode === 200);
    const route = (rules: unknown[]) => ({ apiVersion: 'ssa.example/v1', kind: 'Route', metadata: { name: 'r' }, spec: { rules } });
    expect((await req('PATCH', `${ROUTES}/r?fieldManager=a`, route([{ host: 'a.example', port: 80 }]), APPLY)).statusCode).toBe(201);
    expect((await req('PATCH', `${ROUTES}/r?fieldManager=b`, route([{ host: 'b.example', port: 81 }]), APPLY)).statusCode).toBe(200);
    const dropped = await req('PATCH', `${ROUTES}/r?fieldManager=a`, route([]), APPLY);
    expect(dropped.statusCode).toBe(200);
    expect(json(dropped).spec.rules).toEqual([{ host: 'b.example', port: 81 }]);
  });
});
