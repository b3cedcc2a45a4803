import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { makeTestApp, json, type TestApp } from '../helpers/test-app.js';

// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding through the REST layer:
// CEL validations with params, variables, matchConditions and the three actions.

let t: TestApp;
const ADM = '/apis/admissionregistration.k8s.io/v1';

beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => {
  await t.close();
});

async function post(url: string, body: unknown) {
  return t.app.inject({ method: 'POST', url, payload: body as object });
}

function policy(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
      ...spec,
    },
  };
}

function binding(name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec };
}

async function create(kind: 'validatingadmissionpolicies' | 'validatingadmissionpolicybindings', body: unknown): Promise<void> {
  const res = await post(`${ADM}/${kind}`, body);
  expect(res.statusCode, res.body).toBe(201);
}

function deployment(name: string, replicas: number, labels: Record<string, string> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
    },
  };
}

beforeEach(async () => {
  await t.app.inject({ method: 'DELETE', url: `${ADM}/validatingadmissionpolicybindings` });
  await t.app.inject({ method: 'DELETE', url: `${ADM}/validatingadmissionpolicies` });
  await t.app.inject({ method: 'DELETE', url: '/apis/apps/v1/namespaces/default/deployments' });
});

describe('ValidatingAdmissionPolicy', () => {
  it('denies with kube text (the documentation example), allows what passes', async () => {
    await create('validatingadmissionpolicies', policy('demo-policy.example.com', { validations: [{ expression: 'object.spec.replicas <= 5' }] }));
    await create('validatingadmissionpolicybindings', binding('demo-binding-test.example.com', { policyName: 'demo-policy.example.com', validationActions: ['Deny'] }));
    const res = await post('/apis/apps/v1/namespaces/default/deployments', deployment('nginx', 6));
    expect(res.statusCode).toBe(422);
    const body = json(res);
    expect(body.reason).toBe('Invalid');
    const text = "ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5";
    expect(body.message).toBe(`deployments.apps "nginx" is forbidden: ${text}`);
    expect(body.details).toEqual({ name: 'nginx', group: 'apps', kind: 'deployments', causes: [{ message: text }] });
    expect((await t.app.inject({ method: 'GET', url: '/apis/apps/v1/namespaces/default/deployments/nginx' })).statusCode).toBe(404);
    expect((await post('/apis/apps/v1/namespaces/default/deployments', deployment('small', 2))).statusCode).toBe(201);
  });

  it('uses params (paramRef by name, per namespace), message, messageExpression and reason', async () => {
    await post('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits' }, data: { max: '3' } });
    await create(
      'validatingadmissionpolicies',
      policy('max-replicas', {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        variables: [{ name: 'max', expression: 'int(params.data.max)' }],
        validations: [
          { expression: 'object.spec.replicas <= variables.max', messageExpression: "'replicas must be at most ' + string(variables.max)", reason: 'Forbidden' },
          { expression: "object.metadata.name != 'forbidden-name'", message: 'that name is taken' },
        ],
      }),
    );
    await create('validatingadmissionpolicybindings', binding('max-replicas-binding', { policyName: 'max-replicas', paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' }, validationActions: ['Deny'] }));
    const tooMany = await post('/apis/apps/v1/namespaces/default/deployments', deployment('many', 4));
    expect(tooMany.statusCode).toBe(403);
    expect(json(tooMany).message).toBe("deployments.apps \"many\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: replicas must be at most 3");
    const named = await post('/apis/apps/v1/namespaces/default/deployments', deployment('forbidden-name', 1));
    expect(json(named).message).toBe("deployments.apps \"forbidden-name\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: that name is taken");
    expect((await post('/apis/apps/v1/namespaces/default/deployments', deployment('few', 3))).statusCode).toBe(201);

    // In a namespace without the param: parameterNotFoundAction Deny.
    await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'noparams' } });
    const missing = await post('/apis/apps/v1/namespaces/noparams/deployments', deployment('x', 1));
    expect(json(missing).message).toBe(
      "deployments.apps \"x\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction",
    );
  });

  it('Warn turns a failure into a Warning header; matchConditions and binding matchResources narrow', async () => {
    await create(
      'validatingadmissionpolicies',
      policy('labels', {
        matchConditions: [{ name: 'not-exempt', expression: "!has(object.metadata.labels) || !('exempt' in object.metadata.labels)" }],
        validations: [{ expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", message: 'a team label is required' }],
      }),
    );
    await create('validatingadmissionpolicybindings', binding('labels-warn', { policyName: 'labels', validationActions: ['Warn'] }));
    const warned = await post('/apis/apps/v1/namespaces/default/deployments', deployment('nolabel', 1));
    expect(warned.statusCode).toBe(201);
    expect(warned.headers.warning).toEqual(["299 - \"Validation failed for ValidatingAdmissionPolicy 'labels' with binding 'labels-warn': a team label is required\""]);
    const exempt = await post('/apis/apps/v1/namespaces/default/deployments', deployment('exempted', 1, { exempt: 'yes' }));
    expect(exempt.headers.warning).toBeUndefined();

    await create('validatingadmissionpolicybindings', binding('labels-deny-selected', { policyName: 'labels', validationActions: ['Deny'], matchResources: { objectSelector: { matchLabels: { strict: 'yes' } } } }));
    const strict = await post('/apis/apps/v1/namespaces/default/deployments', deployment('strict', 1, { strict: 'yes' }));
    expect(strict.statusCode).toBe(422);
  });

  it('an expression error: failurePolicy Fail denies, Ignore lets it pass', async () => {
    await create('validatingadmissionpolicies', policy('errs', { validations: [{ expression: 'object.spec.nothing.here == 1' }] }));
    await create('validatingadmissionpolicybindings', binding('errs-b', { policyName: 'errs', validationActions: ['Deny'] }));
    const failed = await post('/apis/apps/v1/namespaces/default/deployments', deployment('e1', 1));
    expect(failed.statusCode).toBe(422);
    expect(json(failed).message).toMatch(/^deployments.apps "e1" is forbidden: ValidatingAdmissionPolicy 'errs' with binding 'errs-b' denied request: expression 'object.spec.nothing.here == 1' resulted in error: /);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `${ADM}/validatingadmissionpolicies/errs`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: { spec: { failurePolicy: 'Ignore' } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await post('/apis/apps/v1/namespaces/default/deployments', deployment('e2', 1))).statusCode).toBe(201);
  });

  it('request, oldObject and namespaceObject are available; UPDATE is matched', async () => {
    await create(
      'validatingadmissionpolicies',
      policy('no-shrink', {
        validations: [
          { expression: "request.operation != 'UPDATE' || object.spec.replicas >= oldObject.spec.replicas", message: 'may not shrink' },
          { expression: "namespaceObject.metadata.name == 'default'", message: 'default only' },
        ],
      }),
    );
    await create('validatingadmissionpolicybindings', binding('no-shrink-b', { policyName: 'no-shrink', validationActions: ['Deny'] }));
    expect((await post('/apis/apps/v1/namespaces/default/deployments', deployment('grow', 2))).statusCode).toBe(201);
    const shrink = await t.app.inject({
      method: 'PATCH',
      url: '/apis/apps/v1/namespaces/default/deployments/grow',
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: { spec: { replicas: 1 } },
    });
    expect(shrink.statusCode).toBe(422);
    expect(json(shrink).message).toBe("deployments.apps \"grow\" is forbidden: ValidatingAdmissionPolicy 'no-shrink' with binding 'no-shrink-b' denied request: may not shrink");
  });
});

describe('custom resources go through the same chain', () => {
  it('a policy on crontabs.stable.example.com denies a CronTab', async () => {
    const crd = parseYaml(readFileSync(new URL('../fixtures/crd/crontab-crd.yaml', import.meta.url), 'utf8'));
    expect((await post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).statusCode).toBe(201);
    const CT = '/apis/stable.example.com/v1/namespaces/default/crontabs';
    for (let i = 0; i < 200 && (await t.app.inject({ method: 'GET', url: CT })).statusCode !== 200; i++) await new Promise((r) => setTimeout(r, 10));
    await create('validatingadmissionpolicies', {
      ...policy('crontab-image', {}),
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: ['stable.example.com'], apiVersions: ['*'], operations: ['CREATE'], resources: ['crontabs'] }] },
        validations: [{ expression: "object.spec.image.startsWith('registry.example.com/')", message: 'images come from registry.example.com' }],
      },
    });
    await create('validatingadmissionpolicybindings', binding('crontab-image-b', { policyName: 'crontab-image', validationActions: ['Deny'] }));
    const ct = (name: string, image: string) => ({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name }, spec: { cronSpec: '* * * * */5', image } });
    const denied = await post(CT, ct('bad', 'docker.io/x'));
    expect(denied.statusCode, denied.body).toBe(422);
    expect(json(denied).message).toBe(
      "crontabs.stable.example.com \"bad\" is forbidden: ValidatingAdmissionPolicy 'crontab-image' with binding 'crontab-image-b' denied request: images come from registry.example.com",
    );
    expect((await post(CT, ct('good', 'registry.example.com/x'))).statusCode).toBe(201);
  });
});

describe('GraphQL writes go through the same chain', () => {
  it('a policy denies a GraphQL createConfigMap with the same text', async () => {
    await create('validatingadmissionpolicies', {
      ...policy('cm-keys', {}),
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
        validations: [{ expression: "!has(object.data) || !('password' in object.data)", message: 'no passwords in ConfigMaps' }],
      },
    });
    await create('validatingadmissionpolicybindings', binding('cm-keys-b', { policyName: 'cm-keys', validationActions: ['Deny'] }));
    const res = await t.app.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: 'mutation { createConfigMap(object: { metadata: { name: "creds" }, data: { password: "x" } }) { metadata { name } } }' },
    });
    const body = json(res);
    expect(body.errors?.[0]?.message).toBe(
      "configmaps \"creds\" is forbidden: ValidatingAdmissionPolicy 'cm-keys' with binding 'cm-keys-b' denied request: no passwords in ConfigMaps",
    );
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/configmaps/creds' })).statusCode).toBe(404);
  });
});

describe('policies and bindings are validated as kube validates them', () => {
  const cases: Array<[string, unknown, string]> = [
    ['CEL that does not compile', policy('bad', { validations: [{ expression: 'object.spec.replicas <' }] }), 'spec.validations[0].expression: Invalid value: "object.spec.replicas <": compilation failed: ERROR: <input>:1:'],
    ['no validations', policy('bad', {}), 'spec.validations: Required value: validations or auditAnnotations must contain at least one item'],
    ['no matchConstraints', { ...policy('bad', { validations: [{ expression: 'true' }] }), spec: { validations: [{ expression: 'true' }] } }, 'spec.matchConstraints: Required value'],
    ['an unknown reason', policy('bad', { validations: [{ expression: 'true', reason: 'Nope' }] }), 'spec.validations[0].reason: Unsupported value: "Nope": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized"'],
    ['params used without paramKind', policy('bad', { validations: [{ expression: 'params.x == 1' }] }), 'spec.validations[0].expression: Invalid value: "params.x == 1": compilation failed: ERROR: <input>:1:1: undeclared reference to \'params\' (in container \'\')'],
  ];
  for (const [what, body, message] of cases) {
    it(`refuses a policy with ${what}`, async () => {
      const res = await post(`${ADM}/validatingadmissionpolicies`, body);
      expect(res.statusCode, res.body).toBe(422);
      expect(json(res).message).toContain('ValidatingAdmissionPolicy.admissionregistration.k8s.io "bad" is invalid: ');
      expect(json(res).message).toContain(message);
    });
  }

  it('refuses a binding with Deny and Warn, no actions, or name and selector', async () => {
    const both = await post(`${ADM}/validatingadmissionpolicybindings`, binding('b', { policyName: 'p', validationActions: ['Deny', 'Warn'] }));
    expect(json(both).message).toContain('spec.validationActions: Invalid value: []string{"Deny", "Warn"}: must not contain both Deny and Warn');
    const none = await post(`${ADM}/validatingadmissionpolicybindings`, binding('b', { policyName: 'p' }));
    expect(json(none).message).toContain('spec.validationActions: Required value: at least one validation action is required');
    const ref = await post(`${ADM}/validatingadmissionpolicybindings`, binding('b', { policyName: 'p', validationActions: ['Deny'], paramRef: { name: 'x', selector: {}, parameterNotFoundAction: 'Allow' } }));
    expect(json(ref).message).toContain('spec.paramRef.name: Forbidden: name and selector are mutually exclusive');
  });
});
