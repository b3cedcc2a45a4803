import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, json, pod, type TestApp } from '../helpers/test-app.js';
import { allow, deny, patch, startWebhookServer, type TestWebhookServer } from '../helpers/webhook-server.js';

// Admission of the subresources whose objects are another kind, as kube admits them:
// deployments/scale (autoscaling/v1 Scale), pods/binding (v1 Binding), pods/eviction
// (policy/v1 Eviction) and CONNECT pods/exec (v1 PodExecOptions), through webhooks served
// by the test on loopback, and a ValidatingAdmissionPolicy on the Scale.

let t: TestApp;
let hook: TestWebhookServer;
const ADM = '/apis/admissionregistration.k8s.io/v1';
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';

beforeAll(async () => {
  t = await makeTestApp();
  hook = await startWebhookServer();
});
afterAll(async () => {
  await hook.close();
  await t.close();
});

const post = (url: string, body: unknown) => t.app.inject({ method: 'POST', url, payload: body as object });

function webhook(name: string, rules: unknown[]) {
  return { name, clientConfig: { url: `${hook.url}/${name}`, caBundle: hook.caBundle }, rules, sideEffects: 'None', admissionReviewVersions: ['v1'] };
}

async function configure(kind: 'mutating' | 'validating', name: string, webhooks: unknown[]): Promise<void> {
  const Kind = kind === 'mutating' ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration';
  const res = await post(`${ADM}/${kind}webhookconfigurations`, { apiVersion: 'admissionregistration.k8s.io/v1', kind: Kind, metadata: { name }, webhooks });
  expect(res.statusCode, res.body).toBe(201);
}

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

beforeEach(async () => {
  for (const plural of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings']) {
    await t.app.inject({ method: 'DELETE', url: `${ADM}/${plural}` });
  }
  hook.reviews.length = 0;
  hook.handle((r) => allow(r));
});

describe('admission of subresources', () => {
  it('deployments/scale: webhooks see autoscaling/v1 Scale; a mutating one changes the replicas', async () => {
    expect((await post(DEPLOY, deployment('web'))).statusCode).toBe(201);
    const rules = [{ operations: ['UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments/scale'] }];
    await configure('mutating', 'scale-m', [webhook('scale-m.example.com', rules)]);
    await configure('validating', 'scale-v', [webhook('scale-v.example.com', rules)]);
    hook.handle((r, path) => (path.startsWith('/scale-m') ? patch(r, [{ op: 'replace', path: '/spec/replicas', value: 3 }], { warnings: ['replicas capped'] }) : allow(r)));
    const res = await t.app.inject({ method: 'PATCH', url: `${DEPLOY}/web/scale`, payload: { spec: { replicas: 7 } }, headers: { 'content-type': 'application/merge-patch+json' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).spec.replicas).toBe(3);
    expect(res.headers.warning).toEqual(['299 - "replicas capped"']);
    const [m, v] = hook.reviews;
    expect(m.request).toMatchObject({
      kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      subResource: 'scale',
      operation: 'UPDATE',
      name: 'web',
      namespace: 'default',
    });
    expect(m.request.object).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 7 } });
    expect(m.request.oldObject.spec.replicas).toBe(1);
    expect(v.request.object.spec.replicas).toBe(3);
    expect(json(await t.app.inject({ url: `${DEPLOY}/web` })).spec.replicas).toBe(3);
  });

  it('GraphQL scaleDeployment goes through the same admission as REST scale (the shared request layer)', async () => {
    await post(DEPLOY, deployment('gql'));
    await configure('validating', 'scale-gql', [webhook('scale-gql.example.com', [{ operations: ['UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments/scale'] }])]);
    hook.handle((r) => deny(r, { code: 403, message: 'no scaling from GraphQL' }));
    const res = await t.app.inject({ method: 'POST', url: '/graphql', payload: { query: 'mutation { scaleDeployment(namespace: "default", name: "gql", replicas: 5) { spec { replicas } } }' } });
    const body = json(res) as { data?: unknown; errors?: { message: string }[] };
    expect(body.errors?.[0]?.message).toContain('no scaling from GraphQL');
    expect(hook.reviews[0]!.request).toMatchObject({ kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, subResource: 'scale', name: 'gql' });
    expect(json(await t.app.inject({ url: `${DEPLOY}/gql` })).spec.replicas).toBe(1);
  });

  it('deployments/scale: a validating webhook refusal keeps the replicas', async () => {
    await post(DEPLOY, deployment('web2'));
    await configure('validating', 'scale-no', [webhook('scale-no.example.com', [{ operations: ['UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments/scale'] }])]);
    hook.handle((r) => deny(r, { code: 403, message: 'no scaling today' }));
    const res = await t.app.inject({ method: 'PUT', url: `${DEPLOY}/web2/scale`, payload: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web2', namespace: 'default' }, spec: { replicas: 4 } } });
    expect(res.statusCode).toBe(403);
    expect(json(res).message).toBe('admission webhook "scale-no.example.com" denied the request: no scaling today');
    expect(json(await t.app.inject({ url: `${DEPLOY}/web2` })).spec.replicas).toBe(1);
  });

  it('deployments/scale: a ValidatingAdmissionPolicy on the Scale denies', async () => {
    await post(DEPLOY, deployment('web3'));
    await post(`${ADM}/validatingadmissionpolicies`, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'max-scale' },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['deployments/scale'] }] },
        validations: [{ expression: 'object.spec.replicas <= 5', message: 'at most 5' }],
      },
    });
    await post(`${ADM}/validatingadmissionpolicybindings`, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'max-scale' }, spec: { policyName: 'max-scale', validationActions: ['Deny'] } });
    const res = await t.app.inject({ method: 'PATCH', url: `${DEPLOY}/web3/scale`, payload: { spec: { replicas: 9 } }, headers: { 'content-type': 'application/merge-patch+json' } });
    expect(res.statusCode).toBe(422);
    expect(json(res).message).toBe(`deployments.apps "web3" is forbidden: ValidatingAdmissionPolicy 'max-scale' with binding 'max-scale' denied request: at most 5`);
    const ok = await t.app.inject({ method: 'PATCH', url: `${DEPLOY}/web3/scale`, payload: { spec: { replicas: 4 } }, headers: { 'content-type': 'application/merge-patch+json' } });
    expect(ok.statusCode).toBe(200);
  });

  it('pods/binding: webhooks see the v1 Binding; a refusal leaves the pod pending', async () => {
    expect((await post('/api/v1/namespaces/default/pods', pod('p1'))).statusCode).toBe(201);
    await configure('validating', 'bind', [webhook('bind.example.com', [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/binding'] }])]);
    hook.handle((r) => (r.request.object.target.name === 'bad-node' ? deny(r, { code: 403, message: 'not that node' }) : allow(r)));
    const binding = (node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { kind: 'Node', name: node } });
    const refused = await post('/api/v1/namespaces/default/pods/p1/binding', binding('bad-node'));
    expect(refused.statusCode).toBe(403);
    expect(json(await t.app.inject({ url: '/api/v1/namespaces/default/pods/p1' })).spec.nodeName).toBeUndefined();
    expect(hook.reviews[0].request).toMatchObject({ kind: { group: '', version: 'v1', kind: 'Binding' }, resource: { resource: 'pods' }, subResource: 'binding', operation: 'CREATE' });
    const ok = await post('/api/v1/namespaces/default/pods/p1/binding', binding('n1'));
    expect(ok.statusCode).toBe(201);
    expect(json(await t.app.inject({ url: '/api/v1/namespaces/default/pods/p1' })).spec.nodeName).toBe('n1');
  });

  it('pods/eviction: webhooks see the policy/v1 Eviction; a refusal keeps the pod', async () => {
    await post('/api/v1/namespaces/default/pods', pod('p2'));
    await configure('validating', 'evict', [webhook('evict.example.com', [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/eviction'] }])]);
    hook.handle((r) => deny(r, { code: 403, message: 'this pod stays' }));
    const res = await post('/api/v1/namespaces/default/pods/p2/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p2', namespace: 'default' } });
    expect(res.statusCode).toBe(403);
    expect(json(res).message).toBe('admission webhook "evict.example.com" denied the request: this pod stays');
    expect(hook.reviews[0].request).toMatchObject({ kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, subResource: 'eviction', operation: 'CREATE' });
    expect((await t.app.inject({ url: '/api/v1/namespaces/default/pods/p2' })).statusCode).toBe(200);
  });

  it('CONNECT pods/exec: webhooks see PodExecOptions and may refuse', async () => {
    await post('/api/v1/namespaces/default/pods', pod('p3'));
    await configure('validating', 'exec', [webhook('exec.example.com', [{ operations: ['CONNECT'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/exec'] }])]);
    hook.handle((r) => deny(r, { code: 403, message: 'no shells' }));
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/namespaces/default/pods/p3/exec?command=sh&command=-c&command=date&stdout=true&container=c' });
    expect(res.statusCode).toBe(403);
    expect(json(res).message).toBe('admission webhook "exec.example.com" denied the request: no shells');
    expect(hook.reviews[0].request).toMatchObject({
      kind: { group: '', version: 'v1', kind: 'PodExecOptions' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      subResource: 'exec',
      operation: 'CONNECT',
      object: { kind: 'PodExecOptions', apiVersion: 'v1', stdout: true, container: 'c', command: ['sh', '-c', 'date'] },
    });
  });

  it('CONNECT nodes/proxy: webhooks see NodeProxyOptions and may refuse', async () => {
    await post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n-proxy' } });
    await configure('validating', 'nodeproxy', [webhook('nodeproxy.example.com', [{ operations: ['CONNECT'], apiGroups: [''], apiVersions: ['v1'], resources: ['nodes/proxy'] }])]);
    hook.handle((r) => deny(r, { code: 403, message: 'no kubelet access' }));
    const res = await t.app.inject({ url: '/api/v1/nodes/n-proxy/proxy/stats/summary' });
    expect(res.statusCode).toBe(403);
    expect(hook.reviews[0].request).toMatchObject({ kind: { kind: 'NodeProxyOptions' }, subResource: 'proxy', operation: 'CONNECT', object: { path: '/stats/summary' } });
  });
});
