import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, json, type TestApp } from '../helpers/test-app.js';
import { allow, deny, patch, startWebhookServer, testCa, type TestWebhookServer } from '../helpers/webhook-server.js';
import { generateCa } from '../../apiserver/auth/x509.js';

// Admission webhooks end to end through the REST layer: an HTTPS webhook served by the
// test on loopback with its own CA, configured by MutatingWebhookConfiguration and
// ValidatingWebhookConfiguration objects, and every failure class with kube's text.

let t: TestApp;
let hook: TestWebhookServer;
let otherCaHook: TestWebhookServer;

const ADM = '/apis/admissionregistration.k8s.io/v1';

beforeAll(async () => {
  t = await makeTestApp();
  hook = await startWebhookServer({ hosts: ['webhook.default.svc'] });
  otherCaHook = await startWebhookServer({ ca: generateCa(Date.now(), 'stranger') });
});
afterAll(async () => {
  await hook.close();
  await otherCaHook.close();
  await t.close();
});

async function post(url: string, body: unknown, query = '') {
  return t.app.inject({ method: 'POST', url: `${url}${query}`, payload: body as object });
}

function webhook(name: string, extra: Record<string, unknown> = {}, rules: unknown = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }]) {
  return { name, clientConfig: { url: `${hook.url}/${name}`, caBundle: hook.caBundle }, rules, sideEffects: 'None', admissionReviewVersions: ['v1'], ...extra };
}

async function configure(kind: 'mutating' | 'validating', name: string, webhooks: unknown[]): Promise<void> {
  const plural = `${kind}webhookconfigurations`;
  const Kind = kind === 'mutating' ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration';
  const res = await post(`${ADM}/${plural}`, { apiVersion: 'admissionregistration.k8s.io/v1', kind: Kind, metadata: { name }, webhooks });
  expect(res.statusCode, res.body).toBe(201);
}

async function clearConfigs(): Promise<void> {
  for (const plural of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
    await t.app.inject({ method: 'DELETE', url: `${ADM}/${plural}` });
  }
}

const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data: { a: '1' } });

beforeEach(async () => {
  await clearConfigs();
  hook.reviews.length = 0;
  hook.handle((r) => allow(r));
});

describe('admission webhooks', () => {
  it('a mutating webhook patches, a validating one sees the patched object; the review carries kube fields', async () => {
    await configure('mutating', 'add-label', [webhook('add-label.example.com')]);
    await configure('validating', 'check', [webhook('check.example.com')]);
    hook.handle((r, path) =>
      path.startsWith('/add-label') ? patch(r, [{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }], { warnings: ['mutated by test'] }) : allow(r),
    );
    const res = await post('/api/v1/namespaces/default/configmaps', cm('one'));
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res).metadata.labels).toEqual({ mutated: 'yes' });
    expect(res.headers.warning).toEqual(['299 - "mutated by test"']);
    const [m, v] = hook.reviews;
    expect(m.request).toMatchObject({
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      requestKind: { group: '', version: 'v1', kind: 'ConfigMap' },
      name: 'one',
      namespace: 'default',
      operation: 'CREATE',
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      dryRun: false,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
      oldObject: null,
    });
    expect(m.request.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.request.object.data).toEqual({ a: '1' });
    expect(v.request.object.metadata.labels).toEqual({ mutated: 'yes' });
    expect(v.request.uid).not.toBe(m.request.uid);
  });

  it('a refusal answers with kube status and text; nothing is stored', async () => {
    await configure('validating', 'no', [webhook('no.example.com')]);
    hook.handle((r) => deny(r, { code: 403, reason: 'Forbidden', message: 'configmaps named bad are not allowed' }));
    const res = await post('/api/v1/namespaces/default/configmaps', cm('bad'));
    expect(res.statusCode).toBe(403);
    expect(json(res)).toMatchObject({ reason: 'Forbidden', code: 403, message: 'admission webhook "no.example.com" denied the request: configmaps named bad are not allowed' });
    const get = await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/configmaps/bad' });
    expect(get.statusCode).toBe(404);
  });

  it('a refusal without code or message is a 400 "without explanation"', async () => {
    await configure('validating', 'no', [webhook('no.example.com')]);
    hook.handle((r) => deny(r, {}));
    const res = await post('/api/v1/namespaces/default/configmaps', cm('bad2'));
    expect(res.statusCode).toBe(400);
    expect(json(res).message).toBe('admission webhook "no.example.com" denied the request without explanation');
  });

  it('UPDATE and DELETE carry oldObject and their options', async () => {
    await post('/api/v1/namespaces/default/configmaps', cm('upd'));
    await configure('validating', 'watch-all', [
      webhook('all.example.com', {}, [{ operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }]),
    ]);
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/namespaces/default/configmaps/upd', payload: { ...cm('upd'), data: { a: '2' } } });
    expect(put.statusCode, put.body).toBe(200);
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/namespaces/default/configmaps/upd' });
    expect(del.statusCode, del.body).toBe(200);
    const [u, d] = hook.reviews;
    expect(u.request.operation).toBe('UPDATE');
    expect(u.request.oldObject.data).toEqual({ a: '1' });
    expect(u.request.object.data).toEqual({ a: '2' });
    expect(u.request.options.kind).toBe('UpdateOptions');
    expect(d.request.operation).toBe('DELETE');
    expect(d.request.object).toBeNull();
    expect(d.request.oldObject.data).toEqual({ a: '2' });
    expect(d.request.options.kind).toBe('DeleteOptions');
  });

  it('dry-run requests reach side-effect-free webhooks with dryRun true and store nothing', async () => {
    await configure('mutating', 'm', [webhook('m.example.com')]);
    const res = await post('/api/v1/namespaces/default/configmaps', cm('dry'), '?dryRun=All');
    expect(res.statusCode).toBe(201);
    expect(hook.reviews[0].request.dryRun).toBe(true);
    expect(hook.reviews[0].request.options.dryRun).toEqual(['All']);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/configmaps/dry' })).statusCode).toBe(404);
  });

  it('objectSelector, namespaceSelector, rules and matchConditions decide who is called', async () => {
    await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } } });
    await configure('validating', 'sel', [
      webhook('objsel.example.com', { objectSelector: { matchLabels: { check: 'me' } } }),
      webhook('nssel.example.com', { namespaceSelector: { matchLabels: { team: 'a' } } }),
      webhook('cond.example.com', { matchConditions: [{ name: 'named-x', expression: "object.metadata.name.startsWith('x')" }] }),
      webhook('secrets.example.com', {}, [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['secrets'] }]),
    ]);
    const calledFor = async (ns: string, obj: unknown): Promise<string[]> => {
      hook.reviews.length = 0;
      const res = await post(`/api/v1/namespaces/${ns}/configmaps`, obj);
      expect(res.statusCode, res.body).toBe(201);
      return hook.reviews.map((r) => r.request.name as string).length ? calledPaths() : [];
    };
    const paths: string[] = [];
    hook.handle((r, path) => {
      paths.push(path.split('?')[0]!.slice(1));
      return allow(r);
    });
    const calledPaths = () => paths.splice(0).sort();
    expect(await calledFor('default', cm('plain'))).toEqual([]);
    expect(await calledFor('default', cm('labelled', { labels: { check: 'me' } }))).toEqual(['objsel.example.com']);
    expect(await calledFor('team-a', cm('in-team'))).toEqual(['nssel.example.com']);
    expect(await calledFor('default', cm('xray'))).toEqual(['cond.example.com']);
  });

  it('reinvocationPolicy IfNeeded calls an earlier webhook again after a later one changed the object', async () => {
    await configure('mutating', 'a-first', [webhook('first.example.com', { reinvocationPolicy: 'IfNeeded' })]);
    await configure('mutating', 'b-second', [webhook('second.example.com')]);
    const calls: string[] = [];
    hook.handle((r, path) => {
      const name = path.split('?')[0]!.slice(1);
      calls.push(name);
      if (name === 'second.example.com' && !r.request.object.metadata.labels?.second) {
        return patch(r, [{ op: 'add', path: '/metadata/labels', value: { second: 'done' } }]);
      }
      return allow(r);
    });
    const res = await post('/api/v1/namespaces/default/configmaps', cm('reinvoke'));
    expect(res.statusCode).toBe(201);
    expect(calls).toEqual(['first.example.com', 'second.example.com', 'first.example.com']);
  });

  it('refuses loopback Endpoints as kube does (a webhook on this machine is reached through the annotation instead)', async () => {
    const res = await post('/api/v1/namespaces/default/endpoints', {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'webhook' },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: hook.port }] }],
    });
    expect(res.statusCode).toBe(422);
    expect(json(res).message).toBe('Endpoints "webhook" is invalid: subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)');
  });

  it('clientConfig.service reaches a webhook on this machine through the kubeling.io/loopback-endpoint annotation', async () => {
    await post('/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'webhook', annotations: { 'kubeling.io/loopback-endpoint': `127.0.0.1:${hook.port}` } },
      spec: { ports: [{ port: 443, targetPort: hook.port }] },
    });
    await configure('validating', 'svc', [
      { ...webhook('svc.example.com'), clientConfig: { service: { name: 'webhook', namespace: 'default', path: '/svc' }, caBundle: hook.caBundle } },
    ]);
    hook.handle((r) => deny(r, { code: 422, message: 'from the service' }));
    const res = await post('/api/v1/namespaces/default/configmaps', cm('via-svc'));
    expect(json(res).message).toBe('admission webhook "svc.example.com" denied the request: from the service');
    expect(res.statusCode).toBe(422);
  });

  it('clientConfig.service also follows the kubeling.io/loopback-endpoint annotation; the certificate must name the service', async () => {
    await post('/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'pinned', annotations: { 'kubeling.io/loopback-endpoint': `127.0.0.1:${hook.port}` } },
      spec: { ports: [{ port: 443 }] },
    });
    await configure('validating', 'pinned', [
      { ...webhook('pinned.example.com'), clientConfig: { service: { name: 'pinned', namespace: 'default', path: '/pinned' }, caBundle: hook.caBundle } },
    ]);
    hook.handle((r) => deny(r, { code: 403, message: 'pinned says no' }));
    const res = await post('/api/v1/namespaces/default/configmaps', cm('via-pinned'));
    // The test server's certificate names webhook.default.svc, not pinned.default.svc.
    expect(json(res).message).toBe(
      'Internal error occurred: failed calling webhook "pinned.example.com": failed to call webhook: Post "https://pinned.default.svc:443/pinned?timeout=10s": tls: failed to verify certificate: x509: certificate is not valid for pinned.default.svc',
    );
    expect(hook.reviews).toEqual([]);
  });

  it('a Service backed by a simulated pod IP is never dialled: the call fails', async () => {
    await post('/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'podsvc' }, spec: { ports: [{ port: 443, targetPort: 8443 }] } });
    await post('/api/v1/namespaces/default/endpoints', {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'podsvc' },
      subsets: [{ addresses: [{ ip: '10.244.1.7' }], ports: [{ port: 8443 }] }],
    });
    await configure('validating', 'podsvc', [
      { ...webhook('podsvc.example.com'), clientConfig: { service: { name: 'podsvc', namespace: 'default' }, caBundle: hook.caBundle } },
    ]);
    const res = await post('/api/v1/namespaces/default/configmaps', cm('via-pod'));
    expect(res.statusCode).toBe(500);
    expect(json(res).message).toBe(
      'Internal error occurred: failed calling webhook "podsvc.example.com": failed to call webhook: Post "https://podsvc.default.svc:443/?timeout=10s": dial tcp 10.244.1.7:8443: connect: no route to host',
    );
    expect(hook.reviews).toEqual([]);
  });
});

describe('webhook failures: failurePolicy decides, with kube text', () => {
  const cases: Array<[string, () => Promise<Record<string, unknown>>, RegExp]> = [
    ['times out', async () => { hook.handle(() => 'hang'); return { timeoutSeconds: 1 }; }, /^Internal error occurred: failed calling webhook "f.example.com": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/f\.example\.com\?timeout=1s": context deadline exceeded$/],
    ['answers garbage', async () => { hook.handle(() => 'garbage'); return {}; }, /^Internal error occurred: failed calling webhook "f.example.com": received invalid webhook response: invalid character 'g' looking for beginning of value$/],
    ['answers another kind', async () => { hook.handle(() => ({ apiVersion: 'v1', kind: 'Status' })); return {}; }, /received invalid webhook response: expected webhook response of admission.k8s.io\/v1, Kind=AdmissionReview, got \/v1, Kind=Status$/],
    ['answers the wrong uid', async () => { hook.handle(() => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'nope', allowed: true } })); return {}; }, /received invalid webhook response: expected response\.uid="[0-9a-f-]+", got "nope"$/],
    ['has a certificate from another CA', async () => ({ clientConfig: { url: `${otherCaHook.url}/f`, caBundle: testCaBundle() } }), /failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/f\?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority$/],
    ['is not listening', async () => ({ clientConfig: { url: 'https://127.0.0.1:1/f', caBundle: testCaBundle() } }), /failed to call webhook: Post "https:\/\/127\.0\.0\.1:1\/f\?timeout=10s": dial tcp 127\.0\.0\.1:1: connect: connection refused$/],
    ['names a host that is not loopback', async () => ({ clientConfig: { url: 'https://webhook.example.com/f' } }), /failed to call webhook: Post "https:\/\/webhook\.example\.com\/f\?timeout=10s": dial tcp: lookup webhook\.example\.com: no such host$/],
  ];

  for (const [what, setup, text] of cases) {
    it(`${what}: Fail refuses with 500, Ignore lets the write through`, async () => {
      const extra = await setup();
      await configure('validating', 'f', [webhook('f.example.com', extra)]);
      const failed = await post('/api/v1/namespaces/default/configmaps', cm(`fail-${what.toLowerCase().replace(/\W+/g, '-')}`));
      expect(failed.statusCode, failed.body).toBe(500);
      expect(json(failed).reason).toBe('InternalError');
      expect(json(failed).message).toMatch(text);
      await clearConfigs();
      await configure('validating', 'f', [webhook('f.example.com', { ...extra, failurePolicy: 'Ignore' })]);
      const passed = await post('/api/v1/namespaces/default/configmaps', cm(`ignore-${what.toLowerCase().replace(/\W+/g, '-')}`));
      expect(passed.statusCode, passed.body).toBe(201);
    });
  }

  it('a patch that does not apply is an internal error (as kube: failurePolicy does not cover it); nothing is stored', async () => {
    await configure('mutating', 'broken', [webhook('broken.example.com', { failurePolicy: 'Ignore' })]);
    hook.handle((r) => patch(r, [{ op: 'replace', path: '/spec/nothing/here', value: 1 }]));
    const res = await post('/api/v1/namespaces/default/configmaps', cm('broken'));
    expect(res.statusCode).toBe(500);
    expect(json(res).message).toMatch(/^Internal error occurred: .*missing/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/configmaps/broken' })).statusCode).toBe(404);
  });

  it('a patch that makes the object invalid is refused by validation (422); nothing is stored', async () => {
    await configure('mutating', 'bad-name', [webhook('bad-name.example.com')]);
    hook.handle((r) => patch(r, [{ op: 'add', path: '/metadata/labels', value: { 'bad key!': 'x' } }]));
    const res = await post('/api/v1/namespaces/default/configmaps', cm('badlabel'));
    expect(res.statusCode).toBe(422);
    expect(json(res).message).toContain('metadata.labels: Invalid value: "bad key!"');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/configmaps/badlabel' })).statusCode).toBe(404);
  });

  it('a patch giving a field the wrong type is an internal error', async () => {
    await configure('mutating', 'wrong-type', [webhook('wrong-type.example.com')]);
    hook.handle((r) => patch(r, [{ op: 'replace', path: '/data', value: 'not a map' }]));
    const res = await post('/api/v1/namespaces/default/configmaps', cm('wrongtype'));
    expect(res.statusCode).toBe(500);
    expect(json(res).message).toMatch(/^Internal error occurred: ConfigMap in version "v1" cannot be handled as a ConfigMap: data/);
  });
});

function testCaBundle(): string {
  return Buffer.from(testCa().cert).toString('base64');
}

describe('webhook configurations are validated as kube validates them', () => {
  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['http URL', { clientConfig: { url: 'http://127.0.0.1:1/x' } }, `webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme`],
    ['URL and service', { clientConfig: { url: 'https://127.0.0.1/x', service: { name: 's', namespace: 'default' } } }, 'webhooks[0].clientConfig: Required value: exactly one of url or service is required'],
    ['no client config target', { clientConfig: {} }, 'webhooks[0].clientConfig: Required value: exactly one of url or service is required'],
    ['URL with a query', { clientConfig: { url: 'https://127.0.0.1/x?a=b' } }, `webhooks[0].clientConfig.url: Invalid value: "a=b": query parameters are not permitted in the URL`],
    ['CEL that does not compile', { matchConditions: [{ name: 'c', expression: 'object.metadata.name ==' }] }, 'webhooks[0].matchConditions[0].expression: Invalid value: "object.metadata.name ==": compilation failed: ERROR: <input>:1:'],
    ['CEL of the wrong type', { matchConditions: [{ name: 'c', expression: "'x'" }] }, 'webhooks[0].matchConditions[0].expression: Invalid value: "\'x\'": must evaluate to bool'],
    ['a timeout over 30', { timeoutSeconds: 31 }, 'webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds'],
    ['sideEffects Some', { sideEffects: 'Some' }, 'webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"'],
    ['a short name', { name: 'short' }, 'webhooks[0].name: Invalid value: "short": should be a domain with at least three segments separated by dots'],
    ['an unknown operation', { rules: [{ operations: ['MAKE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] }, 'webhooks[0].rules[0].operations[0]: Unsupported value: "MAKE": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"'],
  ];
  for (const [what, extra, message] of bad) {
    it(`refuses ${what} with 422`, async () => {
      const res = await post(`${ADM}/validatingwebhookconfigurations`, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'bad' },
        webhooks: [webhook('bad.example.com', extra)],
      });
      expect(res.statusCode, res.body).toBe(422);
      expect(json(res).message).toContain(`ValidatingWebhookConfiguration.admissionregistration.k8s.io "bad" is invalid: `);
      expect(json(res).message).toContain(message);
      expect((await t.app.inject({ method: 'GET', url: `${ADM}/validatingwebhookconfigurations/bad` })).statusCode).toBe(404);
    });
  }

  it('defaults failurePolicy, matchPolicy, selectors, timeoutSeconds, reinvocationPolicy, scope and service port', async () => {
    const res = await post(`${ADM}/mutatingwebhookconfigurations`, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'defaults' },
      webhooks: [{ ...webhook('d.example.com'), clientConfig: { service: { name: 's', namespace: 'default' } } }],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res).webhooks[0]).toMatchObject({
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
      reinvocationPolicy: 'Never',
      rules: [{ scope: '*' }],
      clientConfig: { service: { port: 443 } },
    });
  });
});
