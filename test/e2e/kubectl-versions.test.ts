import { describe, expect, it } from 'vitest';
import { kubectlAvailable, useE2eCluster } from './harness.js';
import { configMapYaml, podYaml } from './manifests.js';

// The core kubectl commands with kubectl releases across the supported range (the
// default kubectl, 1.32, runs the full suite in the other files), against one apiserver. Each version works on objects named after it, so the versions
// do not see each other's objects. A missing binary is skipped, except in CI.
const VERSIONS = ['1.27', '1.29', '1.31', '1.33'];
const cluster = useE2eCluster();

for (const version of VERSIONS) {
  const present = kubectlAvailable(version);
  if (!present && process.env.CI) throw new Error(`kubectl ${version} is missing (CI must run every version)`);
  const tag = version.replace('.', '');
  const kubectl = (args: string[], stdin?: string) => cluster().kubectl(args, { version, ...(stdin === undefined ? {} : { stdin }) });

  describe.skipIf(!present)(`kubectl ${version}`, () => {
    it('version: client and server', async () => {
      const res = await kubectl(['version', '-o', 'json']);
      expect(res.code).toBe(0);
      const info = JSON.parse(res.stdout);
      expect(info.clientVersion.gitVersion).toMatch(new RegExp(`^v${version.replace('.', '\\.')}\\.`));
      expect(info.serverVersion).toMatchObject({ major: '1', gitVersion: expect.stringMatching(/^v1\.\d+\.\d+/) });
    });

    it('api-resources', async () => {
      const res = await kubectl(['api-resources']);
      expect(res.stderr).toBe('');
      expect(res.stdout).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\n/);
      expect(res.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
      expect(res.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    });

    it('create -f -, get, delete', async () => {
      const name = `pod-${tag}`;
      const created = await kubectl(['create', '-f', '-'], podYaml(name));
      expect(created.stderr).toBe('');
      expect(created.stdout).toBe(`pod/${name} created\n`);

      const table = await kubectl(['get', 'pod', name]);
      expect(table.stdout).toMatch(new RegExp(`^NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\n${name}\\s+0/1\\s+Pending\\s+0\\s+\\d+[smh]\\n$`));
      const json = await kubectl(['get', 'pod', name, '-o', 'json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'Pod', metadata: { name, namespace: 'default' } });

      const deleted = await kubectl(['delete', 'pod', name]);
      expect(deleted.stderr).toBe('');
      expect(deleted.stdout).toBe(`pod "${name}" deleted\n`);
      const gone = await kubectl(['get', 'pod', name]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toBe(`Error from server (NotFound): pods "${name}" not found\n`);
    });

    it('apply twice with a change, then unchanged', async () => {
      const name = `cfg-${tag}`;
      expect((await kubectl(['apply', '-f', '-'], configMapYaml(name, { v: '1' }))).stdout).toBe(`configmap/${name} created\n`);
      expect((await kubectl(['apply', '-f', '-'], configMapYaml(name, { v: '2' }))).stdout).toBe(`configmap/${name} configured\n`);
      expect((await kubectl(['apply', '-f', '-'], configMapYaml(name, { v: '2' }))).stdout).toBe(`configmap/${name} unchanged\n`);
      expect((await kubectl(['get', 'configmap', name, '-o', 'jsonpath={.data.v}'])).stdout).toBe('2');
    });

    it('patch (merge and strategic)', async () => {
      const name = `patched-${tag}`;
      await kubectl(['create', '-f', '-'], configMapYaml(name, { v: '1' }));
      const merge = await kubectl(['patch', 'configmap', name, '--type', 'merge', '-p', '{"data":{"w":"2"}}']);
      expect(merge.stderr).toBe('');
      expect(merge.stdout).toBe(`configmap/${name} patched\n`);
      const smp = await kubectl(['patch', 'configmap', name, '-p', '{"metadata":{"labels":{"by":"smp"}}}']);
      expect(smp.stdout).toBe(`configmap/${name} patched\n`);
      expect((await kubectl(['get', 'configmap', name, '-o', 'jsonpath={.data.w} {.metadata.labels.by}'])).stdout).toBe('2 smp');
    });

    it('error message: AlreadyExists', async () => {
      const name = `twice-${tag}`;
      await kubectl(['create', '-f', '-'], configMapYaml(name, { v: '1' }));
      const res = await kubectl(['create', '-f', '-'], configMapYaml(name, { v: '1' }));
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`Error from server (AlreadyExists): error when creating "STDIN": configmaps "${name}" already exists\n`);
    });
  });
}
