import { describe, expect, it } from 'vitest';
import { etcdAvailable } from '../helpers/etcd.js';
import { useE2eCluster } from './harness.js';
import { configMapYaml, podYaml } from './manifests.js';

// The same kubectl flows on the etcd backend: a throw-away etcd, the apiserver with
// store 'etcd', the default kubectl. Skipped only where no etcd binary exists (never in
// CI, where etcdAvailable() throws instead).
const hasEtcd = etcdAvailable();

describe.skipIf(!hasEtcd)('kubectl against an etcd-backed apiserver', () => {
  const cluster = useE2eCluster({ store: 'etcd' });

  it('runs on etcd and serves discovery', async () => {
    expect(cluster().store).toBe('etcd');
    const version = await cluster().kubectl(['version']);
    expect(version.stdout).toMatch(/^Server Version: v1\.\d+\.\d+/m);
    const resources = await cluster().kubectl(['api-resources']);
    expect(resources.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
  });

  it('create, get, apply twice, patch, delete', async () => {
    const created = await cluster().kubectl(['create', '-f', '-'], { stdin: podYaml('on-etcd') });
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('pod/on-etcd created\n');
    const table = await cluster().kubectl(['get', 'pods']);
    expect(table.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\non-etcd\s+0\/1\s+Pending\s+0\s+\d+[smh]\n$/);

    expect((await cluster().kubectl(['apply', '-f', '-'], { stdin: configMapYaml('conf', { v: '1' }) })).stdout).toBe('configmap/conf created\n');
    expect((await cluster().kubectl(['apply', '-f', '-'], { stdin: configMapYaml('conf', { v: '2' }) })).stdout).toBe('configmap/conf configured\n');
    expect((await cluster().kubectl(['apply', '-f', '-'], { stdin: configMapYaml('conf', { v: '2' }) })).stdout).toBe('configmap/conf unchanged\n');

    const patched = await cluster().kubectl(['patch', 'pod', 'on-etcd', '--type', 'json', '-p', '[{"op":"add","path":"/metadata/labels/tier","value":"db"}]']);
    expect(patched.stdout).toBe('pod/on-etcd patched\n');
    expect((await cluster().kubectl(['get', 'pods', '-l', 'tier=db', '-o', 'name'])).stdout).toBe('pod/on-etcd\n');

    const deleted = await cluster().kubectl(['delete', 'pod', 'on-etcd', '--wait']);
    expect(deleted.stdout).toBe('pod "on-etcd" deleted\n');
    const gone = await cluster().kubectl(['get', 'pod', 'on-etcd']);
    expect(gone.stderr).toBe('Error from server (NotFound): pods "on-etcd" not found\n');
  });

  it('get -w sees an update', async () => {
    await cluster().kubectl(['create', '-f', '-'], { stdin: configMapYaml('watched', { v: '1' }) });
    const watch = cluster().spawnKubectl(['get', 'configmap', 'watched', '-w', '-o', 'jsonpath={.data.v}{"\\n"}']);
    try {
      await watch.waitFor((out) => out === '1\n');
      await cluster().kubectl(['patch', 'configmap', 'watched', '--type', 'merge', '-p', '{"data":{"v":"2"}}']);
      expect(await watch.waitFor((out) => out.split('\n').length >= 3)).toBe('1\n2\n');
    } finally {
      await watch.stop();
    }
  });

  it('error messages: NotFound namespace and Invalid name', async () => {
    const missing = await cluster().kubectl(['create', '-f', '-'], { stdin: configMapYaml('c', { a: '1' }, { namespace: 'nope' }) });
    expect(missing.stderr).toBe('Error from server (NotFound): error when creating "STDIN": namespaces "nope" not found\n');
    const invalid = await cluster().kubectl(['create', '-f', '-'], { stdin: configMapYaml('Bad_Name', { a: '1' }) });
    expect(invalid.stderr).toMatch(/^The ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  });
});
