import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useE2eCluster } from './harness.js';

// The CronTab example of the Kubernetes documentation ("Extend the Kubernetes API with
// CustomResourceDefinitions"), start to end, with the real kubectl.
const cluster = useE2eCluster();
const crdYaml = readFileSync(new URL('../fixtures/crd/crontab-crd.yaml', import.meta.url), 'utf8');

const cronTab = (name: string, spec: string) => `apiVersion: "stable.example.com/v1"
kind: CronTab
metadata:
  name: ${name}
spec:
${spec}`;

async function until(fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached');
}

describe('CronTab CustomResourceDefinition with kubectl', () => {
  it('creates the CRD and waits for Established', async () => {
    const res = await cluster().kubectl(['apply', '-f', '-'], { stdin: crdYaml });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n');
    const wait = await cluster().kubectl(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=10s']);
    expect(wait.stdout).toBe('customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com condition met\n');
  });

  it('creates a CronTab and lists it by plural, singular and short name with the printer columns', async () => {
    await until(async () => (await cluster().kubectl(['get', 'crontabs'])).code === 0);
    const res = await cluster().kubectl(['apply', '-f', '-'], { stdin: cronTab('my-new-cron-object', '  cronSpec: "* * * * */5"\n  image: my-awesome-cron-image\n') });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('crontab.stable.example.com/my-new-cron-object created\n');
    for (const name of ['crontabs', 'crontab', 'ct']) {
      const get = await cluster().kubectl(['get', name]);
      expect(get.stderr).toBe('');
      expect(get.stdout).toMatch(/^NAME\s+SPEC\s+REPLICAS\s+AGE\nmy-new-cron-object\s+\* \* \* \* \*\/5\s+1\s+\d+s\n$/);
    }
    const yaml = await cluster().kubectl(['get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.spec.replicas} {.spec.maxReplicas}']);
    expect(yaml.stdout).toBe('1 10');
  });

  it('server-side applies a CronTab, and a second apply updates it', async () => {
    const first = await cluster().kubectl(['apply', '--server-side', '-f', '-'], { stdin: cronTab('ssa', '  cronSpec: "0 * * * *"\n  image: a\n') });
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('crontab.stable.example.com/ssa serverside-applied\n');
    const again = await cluster().kubectl(['apply', '--server-side', '-f', '-'], { stdin: cronTab('ssa', '  cronSpec: "0 * * * *"\n  image: b\n') });
    expect(again.stdout).toBe('crontab.stable.example.com/ssa serverside-applied\n');
    const got = await cluster().kubectl(['get', 'ct', 'ssa', '-o', 'jsonpath={.spec.image}']);
    expect(got.stdout).toBe('b');
  });

  it('refuses an invalid CronTab with the server message', async () => {
    const res = await cluster().kubectl(['apply', '-f', '-'], { stdin: cronTab('bad', '  cronSpec: "* * * *"\n  replicas: 3\n  maxReplicas: 2\n') });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('The CronTab "bad" is invalid: ');
    expect(res.stderr).toContain('spec.cronSpec: Invalid value: "* * * *": spec.cronSpec in body should match');
  });

  it('scales through the scale subresource and writes status', async () => {
    const s = await cluster().kubectl(['scale', 'crontab/my-new-cron-object', '--replicas=3']);
    expect(s.stderr).toBe('');
    expect(s.stdout).toBe('crontab.stable.example.com/my-new-cron-object scaled\n');
    const st = await cluster().kubectl(['patch', 'ct', 'my-new-cron-object', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":3}}']);
    expect(st.stderr).toBe('');
    const got = await cluster().kubectl(['get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.spec.replicas}/{.status.replicas}']);
    expect(got.stdout).toBe('3/3');
  });

  it('explains the kind from the published OpenAPI', async () => {
    const res = await cluster().kubectl(['explain', 'crontab.spec']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toContain('KIND:       CronTab');
    expect(res.stdout).toContain('cronSpec\t<string>');
    expect(res.stdout).toContain('replicas\t<integer>');
  });

  it('older and newer kubectl apply, get and explain CronTabs too', async () => {
    for (const version of ['1.27', '1.33']) {
      const name = `v${version.replace('.', '-')}`;
      const res = await cluster().kubectl(['apply', '-f', '-'], { version, stdin: cronTab(name, '  cronSpec: "0 0 * * *"\n  image: x\n') });
      expect(res.stderr).toBe('');
      expect(res.stdout).toBe(`crontab.stable.example.com/${name} created\n`);
      const get = await cluster().kubectl(['get', 'ct', name, '-o', 'jsonpath={.spec.replicas}'], { version });
      expect(get.stdout).toBe('1');
      const explain = await cluster().kubectl(['explain', 'crontab.spec.cronSpec'], { version });
      expect(explain.stderr).toBe('');
      expect(explain.stdout).toContain('cronSpec');
    }
  });

  it('deletes the CRD, its objects first', async () => {
    const res = await cluster().kubectl(['delete', 'crd', 'crontabs.stable.example.com']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n');
    const get = await cluster().kubectl(['get', 'crontabs']);
    expect(get.code).toBe(1);
    // kubectl's cached discovery still maps crontabs (as against kube-apiserver): the list is NotFound
    expect(get.stderr).toBe('Error from server (NotFound): Unable to list "stable.example.com/v1, Resource=crontabs": the server could not find the requested resource\n');
    const crds = await cluster().kubectl(['get', 'crd']);
    expect(crds.stderr).toBe('No resources found\n');
  });
});
