import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, json, pod, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const send = (method: string, url: string, payload: string, contentType = 'application/json') =>
  t.app.inject({ method: method as 'POST', url, payload, headers: { 'content-type': contentType } });

async function expectStatus(res: { statusCode: number; body: string }, code: number, reason: string, message?: RegExp) {
  expect(res.statusCode).toBe(code);
  const body = json(res);
  expect(body.kind).toBe('Status');
  expect(body.reason).toBe(reason);
  expect(body.code).toBe(code);
  if (message) expect(body.message).toMatch(message);
}

const PODS = '/api/v1/namespaces/default/pods';

describe('bad input gets a Status and changes nothing', () => {
  it('malformed JSON is 400', async () => {
    await expectStatus(await send('POST', PODS, '{"apiVersion": "v1", "kind": '), 400, 'BadRequest');
  });

  it('malformed YAML is 400', async () => {
    await expectStatus(await send('POST', PODS, 'kind: Pod\n  bad: [indent', 'application/yaml'), 400, 'BadRequest');
  });

  it('a YAML body is accepted', async () => {
    const res = await send('POST', PODS, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: y\nspec:\n  containers:\n  - name: c\n    image: nginx\n', 'application/yaml');
    expect(res.statusCode).toBe(201);
  });

  it('a wrong apiVersion or kind is 400', async () => {
    await expectStatus(await send('POST', PODS, JSON.stringify({ ...pod('a'), apiVersion: 'apps/v1' })), 400, 'BadRequest', /does not match the expected API version \(v1\)/);
    await expectStatus(await send('POST', PODS, JSON.stringify({ ...pod('a'), kind: 'Service' })), 400, 'BadRequest', /kind/);
  });

  it('a type error in a field is 400', async () => {
    const bad = pod('a', { spec: { containers: [{ name: 'c', image: 42 }] } });
    await expectStatus(await send('POST', PODS, JSON.stringify(bad)), 400, 'BadRequest', /cannot be handled as a Pod/);
  });

  it('invalid names and labels are 422 with causes', async () => {
    const res = await send('POST', PODS, JSON.stringify(pod('Bad_Name')));
    await expectStatus(res, 422, 'Invalid', /Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/);
    expect(json(res).details.causes[0].field).toBe('metadata.name');
    const labels = pod('ok', { metadata: { name: 'ok', labels: { 'bad key!': 'v' } } });
    await expectStatus(await send('POST', PODS, JSON.stringify(labels)), 422, 'Invalid', /metadata.labels/);
  });

  it('unknown fields are 400 under fieldValidation=Strict, warned otherwise', async () => {
    const body = JSON.stringify(pod('u', { spec: { containers: [{ name: 'c', image: 'nginx' }], bogus: 1 } }));
    await expectStatus(await send('POST', `${PODS}?fieldValidation=Strict`, body), 400, 'BadRequest', /strict decoding error: unknown field "spec.bogus"/);
    const warn = await send('POST', PODS, body);
    expect(warn.statusCode).toBe(201);
    expect(String(warn.headers.warning)).toContain('unknown field \\"spec.bogus\\"');
    expect(json(warn).spec.bogus).toBeUndefined();
  });

  it('bodies over 3 MiB are 413', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    await expectStatus(await send('POST', '/api/v1/namespaces/default/configmaps', big), 413, 'RequestEntityTooLarge');
  });

  it('creating in a missing namespace is 404; the object is not stored', async () => {
    await expectStatus(await send('POST', '/api/v1/namespaces/nope/pods', JSON.stringify(pod('a'))), 404, 'NotFound', /namespaces "nope" not found/);
    expect(json(await t.app.inject({ url: '/api/v1/pods' })).items).toHaveLength(0);
  });

  it('duplicate creates are 409 AlreadyExists', async () => {
    expect((await send('POST', PODS, JSON.stringify(pod('d')))).statusCode).toBe(201);
    await expectStatus(await send('POST', PODS, JSON.stringify(pod('d'))), 409, 'AlreadyExists', /pods "d" already exists/);
  });

  it('changing an immutable field is 422', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'imm' }, data: { a: '1' }, immutable: true };
    const created = json(await send('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify(cm)));
    created.data.a = '2';
    await expectStatus(await send('PUT', '/api/v1/namespaces/default/configmaps/imm', JSON.stringify(created)), 422, 'Invalid', /immutable/);
    const after = json(await t.app.inject({ url: '/api/v1/namespaces/default/configmaps/imm' }));
    expect(after.data.a).toBe('1');
  });

  it('a name mismatch between body and URL is 400', async () => {
    const created = json(await send('POST', PODS, JSON.stringify(pod('m'))));
    created.metadata.name = 'other';
    await expectStatus(await send('PUT', `${PODS}/m`, JSON.stringify(created)), 400, 'BadRequest', /does not match the name on the URL/);
  });

  it('a namespace mismatch between body and URL is 400', async () => {
    const body = pod('n', { metadata: { name: 'n', namespace: 'kube-system' } });
    await expectStatus(await send('POST', PODS, JSON.stringify(body)), 400, 'BadRequest', /namespace of the provided object/);
  });

  it('an invalid resourceVersion query is 400; a compacted one is 410', async () => {
    await expectStatus(await t.app.inject({ url: '/api/v1/pods?resourceVersion=abc&resourceVersionMatch=Exact' }), 400, 'BadRequest');
    await send('POST', PODS, JSON.stringify(pod('c1')));
    await send('POST', PODS, JSON.stringify(pod('c2')));
    const rev = await t.store.currentRevision();
    await t.store.compact(rev);
    await expectStatus(await t.app.inject({ url: '/api/v1/pods?resourceVersion=1&resourceVersionMatch=Exact' }), 410, 'Expired');
  });

  it('an unsupported patch type is 415 and a bad JSON patch 4xx', async () => {
    await send('POST', PODS, JSON.stringify(pod('pp')));
    await expectStatus(await send('PATCH', `${PODS}/pp`, '{}', 'text/plain'), 415, 'UnsupportedMediaType');
    const res = await send('PATCH', `${PODS}/pp`, JSON.stringify([{ op: 'test', path: '/metadata/name', value: 'zz' }]), 'application/json-patch+json');
    expect([400, 409, 422]).toContain(res.statusCode);
    expect(json(res).kind).toBe('Status');
  });

  it('unknown verbs on a subresource are 405 and unknown subresources 404', async () => {
    await send('POST', PODS, JSON.stringify(pod('s')));
    expect((await t.app.inject({ method: 'DELETE', url: `${PODS}/s/status` })).statusCode).toBe(405);
    expect((await t.app.inject({ url: `${PODS}/s/bogus` })).statusCode).toBe(404);
  });
});
