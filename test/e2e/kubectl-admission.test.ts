import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useE2eCluster } from './harness.js';
import { allow, deny, patch, startWebhookServer, type TestWebhookServer } from '../helpers/webhook-server.js';

// Admission with the real kubectl: a mutating and a validating webhook served by this
// test on loopback over HTTPS with its own CA, and a ValidatingAdmissionPolicy that
// denies — kubectl prints what it prints against a real kube-apiserver.
const cluster = useE2eCluster();
let hook: TestWebhookServer;

beforeAll(async () => {
  hook = await startWebhookServer();
  hook.handle((review, path) => {
    const name = review.request.name as string;
    if (path.startsWith('/mutate')) {
      return patch(review, [{ op: 'add', path: '/metadata/labels/injected-by', value: 'webhook' }], { warnings: ['labels were injected'] });
    }
    if (name === 'forbidden') return deny(review, { code: 403, reason: 'Forbidden', message: 'configmaps may not be called forbidden' });
    return allow(review);
  });
});
afterAll(async () => {
  await hook.close();
});

function webhooksYaml(): string {
  const common = (path: string) => `  clientConfig:
    url: ${hook.url}${path}
    caBundle: ${hook.caBundle}
  rules:
  - operations: ["CREATE"]
    apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["configmaps"]
  sideEffects: None
  admissionReviewVersions: ["v1"]
  objectSelector:
    matchLabels:
      admission-test: "yes"`;
  return `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: inject-labels
webhooks:
- name: inject.example.com
${common('/mutate')}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: check-names
webhooks:
- name: names.example.com
${common('/validate')}
`;
}

function configMapYaml(name: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  labels:
    admission-test: "yes"
data:
  a: "1"
`;
}

describe('admission webhooks with kubectl', () => {
  it('applies the configurations and lists them', async () => {
    const applied = await cluster().kubectl(['apply', '-f', '-'], { stdin: webhooksYaml() });
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toBe('mutatingwebhookconfiguration.admissionregistration.k8s.io/inject-labels created\nvalidatingwebhookconfiguration.admissionregistration.k8s.io/check-names created\n');
    const listed = await cluster().kubectl(['get', 'mutatingwebhookconfigurations']);
    expect(listed.stdout).toMatch(/^NAME\s+WEBHOOKS\s+AGE\ninject-labels\s+1\s+\d+s\n$/);
  });

  it('a mutating webhook injects labels; kubectl prints its warning', async () => {
    const created = await cluster().kubectl(['apply', '-f', '-'], { stdin: configMapYaml('mutated') });
    expect(created.stderr).toBe('Warning: labels were injected\n');
    expect(created.stdout).toBe('configmap/mutated created\n');
    const label = await cluster().kubectl(['get', 'configmap', 'mutated', '-o', 'jsonpath={.metadata.labels.injected-by}']);
    expect(label.stdout).toBe('webhook');
  });

  it('a validating webhook denies with kube text', async () => {
    const denied = await cluster().kubectl(['apply', '-f', '-'], { stdin: configMapYaml('forbidden') });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toBe(
      'Warning: labels were injected\nError from server (Forbidden): error when creating "STDIN": admission webhook "names.example.com" denied the request: configmaps may not be called forbidden\n',
    );
    const get = await cluster().kubectl(['get', 'configmap', 'forbidden']);
    expect(get.stderr).toBe('Error from server (NotFound): configmaps "forbidden" not found\n');
  });

  it('an invalid configuration is refused with kube field messages', async () => {
    const bad = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: bad
webhooks:
- name: bad.example.com
  clientConfig:
    url: http://127.0.0.1:1/x
  sideEffects: None
  admissionReviewVersions: ["v1"]
`;
    const res = await cluster().kubectl(['apply', '-f', '-'], { stdin: bad });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `The ValidatingWebhookConfiguration "bad" is invalid: webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme\n`,
    );
  });
});

describe('ValidatingAdmissionPolicy with kubectl', () => {
  it('denies a deployment as the Kubernetes documentation shows', async () => {
    const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: demo-policy.example.com
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
  - expression: "object.spec.replicas <= 5"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: demo-binding-test.example.com
spec:
  policyName: demo-policy.example.com
  validationActions: [Deny]
`;
    const applied = await cluster().kubectl(['apply', '-f', '-'], { stdin: policy });
    expect(applied.stderr).toBe('');
    const listed = await cluster().kubectl(['get', 'validatingadmissionpolicies']);
    expect(listed.stdout).toMatch(/^NAME\s+VALIDATIONS\s+PARAMKIND\s+AGE\ndemo-policy\.example\.com\s+1\s+<unset>\s+\d+s\n$/);
    const denied = await cluster().kubectl(['create', 'deployment', 'nginx', '--image=nginx', '--replicas=6']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toBe(
      "error: failed to create deployment: deployments.apps \"nginx\" is forbidden: ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5\n",
    );
    const applied6 = await cluster().kubectl(['apply', '-f', '-'], { stdin: deploymentYaml(6) });
    expect(applied6.stderr).toBe(
      "The deployments \"nginx\" is invalid: : ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5\n",
    );
    const ok = await cluster().kubectl(['create', 'deployment', 'nginx', '--image=nginx', '--replicas=2']);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('deployment.apps/nginx created\n');
  });
});

function deploymentYaml(replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx
`;
}
