import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useE2eCluster } from './harness.js';
import { podYaml } from './manifests.js';

// Read-only kubectl commands against one apiserver (SQLite): version, discovery, every
// `get` output format, describe and explain. The expected texts are what kubectl prints
// against a real kube-apiserver for the same objects.
const cluster = useE2eCluster();

describe('kubectl reads', () => {
  beforeAll(async () => {
    // Fixtures only: --validate=false keeps these tests independent of the OpenAPI
    // document, which kubectl-write.test.ts covers with the default validation.
    for (const name of ['reader', 'second']) {
      const res = await cluster().kubectl(['create', '--validate=false', '-f', '-'], { stdin: podYaml(name) });
      expect(res.stderr).toBe('');
      expect(res.stdout).toBe(`pod/${name} created\n`);
    }
  });

  it('kubectl version prints the server version', async () => {
    const res = await cluster().kubectl(['version']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Client Version: v1\.\d+\.\d+/m);
    expect(res.stdout).toMatch(/^Server Version: v1\.\d+\.\d+/m);

    const json = await cluster().kubectl(['version', '-o', 'json']);
    expect(json.code).toBe(0);
    const server = JSON.parse(json.stdout).serverVersion;
    expect(server).toMatchObject({ major: '1', platform: expect.any(String) });
    expect(server.minor).toMatch(/^\d+$/);
    expect(server.gitVersion).toMatch(new RegExp(`^v1\\.${server.minor}\\.\\d+`));
  });

  it('kubectl api-resources lists kinds with short names, group versions and scope', async () => {
    const res = await cluster().kubectl(['api-resources']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
    const rows = [
      /^pods\s+po\s+v1\s+true\s+Pod$/,
      /^namespaces\s+ns\s+v1\s+false\s+Namespace$/,
      /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/,
      /^services\s+svc\s+v1\s+true\s+Service$/,
      /^nodes\s+no\s+v1\s+false\s+Node$/,
      /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/,
      /^replicasets\s+rs\s+apps\/v1\s+true\s+ReplicaSet$/,
    ];
    for (const row of rows) expect(lines.some((l) => row.test(l)), `row ${row}`).toBe(true);

    const apps = await cluster().kubectl(['api-resources', '--api-group=apps', '-o', 'name']);
    expect(apps.stdout.split('\n')).toEqual(expect.arrayContaining(['deployments.apps', 'replicasets.apps']));
  });

  it('kubectl get pods prints the default table', async () => {
    const res = await cluster().kubectl(['get', 'pods']);
    expect(res.stderr).toBe('');
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    // No scheduler or kubelet in this cluster: the pod stays Pending.
    expect(lines).toContainEqual(expect.stringMatching(/^reader\s+0\/1\s+Pending\s+0\s+\d+[smh]$/));
    expect(lines).toHaveLength(3);
  });

  it('kubectl get pods -o wide adds IP, NODE, NOMINATED NODE and READINESS GATES', async () => {
    const res = await cluster().kubectl(['get', 'pods', '-o', 'wide']);
    expect(res.stderr).toBe('');
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^reader\s+0\/1\s+Pending\s+0\s+\d+[smh]\s+<none>\s+<none>\s+<none>\s+<none>$/),
    );
  });

  it('kubectl get pod -o json returns the defaulted object', async () => {
    const res = await cluster().kubectl(['get', 'pod', 'reader', '-o', 'json']);
    expect(res.code).toBe(0);
    const pod = JSON.parse(res.stdout);
    expect(pod).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'reader', namespace: 'default', labels: { app: 'reader' } },
      spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 },
      status: { phase: 'Pending' },
    });
    expect(pod.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(pod.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('kubectl get pods -o json wraps the items in a List', async () => {
    const res = await cluster().kubectl(['get', 'pods', '-o', 'json']);
    const list = JSON.parse(res.stdout);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(list.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort()).toEqual(['reader', 'second']);
    expect(list.items.every((p: { kind: string }) => p.kind === 'Pod')).toBe(true);
  });

  it('kubectl get pod -o yaml', async () => {
    const res = await cluster().kubectl(['get', 'pod', 'reader', '-o', 'yaml']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^apiVersion: v1\nkind: Pod\nmetadata:\n/);
    expect(parse(res.stdout)).toMatchObject({ kind: 'Pod', metadata: { name: 'reader' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } });
  });

  it('kubectl get pods -o name', async () => {
    const res = await cluster().kubectl(['get', 'pods', '-o', 'name']);
    expect(res.stdout).toBe('pod/reader\npod/second\n');
  });

  it('kubectl get pods -o jsonpath', async () => {
    const res = await cluster().kubectl(['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(res.stdout).toBe('reader second');
    const one = await cluster().kubectl(['get', 'pod', 'reader', '-o', 'jsonpath={.spec.containers[0].image}']);
    expect(one.stdout).toBe('nginx:1.27');
  });

  it('kubectl get with a label selector', async () => {
    const res = await cluster().kubectl(['get', 'pods', '-l', 'app=second', '-o', 'name']);
    expect(res.stdout).toBe('pod/second\n');
    const none = await cluster().kubectl(['get', 'pods', '-l', 'app=absent']);
    expect(none.code).toBe(0);
    expect(none.stderr).toBe('No resources found in default namespace.\n');
  });

  it('kubectl describe pod shows name, namespace and containers', async () => {
    const res = await cluster().kubectl(['describe', 'pod', 'reader']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Name:\s+reader$/m);
    expect(res.stdout).toMatch(/^Namespace:\s+default$/m);
    expect(res.stdout).toMatch(/^Labels:\s+app=reader$/m);
    expect(res.stdout).toMatch(/^Status:\s+Pending$/m);
    expect(res.stdout).toMatch(/^Containers:\n {2}c:\n {4}Image:\s+nginx:1\.27$/m);
  });

  it('kubectl get of a missing object prints NotFound', async () => {
    const res = await cluster().kubectl(['get', 'pod', 'nope']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    const deploy = await cluster().kubectl(['get', 'deployment', 'nope']);
    expect(deploy.stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
  });

  it('kubectl explain pod.spec.containers (needs /openapi/v3)', async () => {
    const res = await cluster().kubectl(['explain', 'pod.spec.containers']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^KIND:\s+Pod$/m);
    expect(res.stdout).toMatch(/^VERSION:\s+v1$/m);
    expect(res.stdout).toMatch(/^FIELD: containers <\[\]Container>$/m);
    expect(res.stdout).toMatch(/^DESCRIPTION:$/m);
    expect(res.stdout).toMatch(/^\s+image\s+<string>$/m);
    expect(res.stdout).toMatch(/^\s+name\s+<string> -required-$/m);
  });
});
