import { describe, expect, it } from 'vitest';
import { kubectlAvailable, useE2eCluster } from './harness.js';
import { configMapYaml } from './manifests.js';

// Server-side apply with field ownership through the real kubectl releases: a field
// dropped from the applied manifest is removed, another manager's field is a 409 with
// kube's message, --force-conflicts takes it, client-side apply migrates to the `kubectl`
// apply manager, and managedFields show with --show-managed-fields only.
const VERSIONS = ['1.27', '1.32', '1.33'];
const cluster = useE2eCluster();

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

for (const version of VERSIONS) {
  const present = kubectlAvailable(version);
  if (!present && process.env.CI) throw new Error(`kubectl ${version} is missing (CI must run every version)`);
  const tag = version.replace('.', '');
  const kubectl = (args: string[], stdin?: string) => cluster().kubectl(args, { version, ...(stdin === undefined ? {} : { stdin }) });
  const managedFields = async (name: string): Promise<Entry[]> => {
    const res = await kubectl(['get', 'configmap', name, '-o', 'json', '--show-managed-fields']);
    expect(res.stderr).toBe('');
    return JSON.parse(res.stdout).metadata.managedFields;
  };

  describe.skipIf(!present)(`kubectl ${version} apply --server-side`, () => {
    it('twice with a field dropped: the field is removed', async () => {
      const name = `ssa-drop-${tag}`;
      const first = await kubectl(['apply', '--server-side', '-f', '-'], configMapYaml(name, { a: '1', b: '2' }));
      expect(first.stderr).toBe('');
      expect(first.stdout).toBe(`configmap/${name} serverside-applied\n`);
      const second = await kubectl(['apply', '--server-side', '-f', '-'], configMapYaml(name, { a: '1' }));
      expect(second.stdout).toBe(`configmap/${name} serverside-applied\n`);
      const data = await kubectl(['get', 'configmap', name, '-o', 'jsonpath={.data}']);
      expect(JSON.parse(data.stdout)).toEqual({ a: '1' });
      const mf = await managedFields(name);
      expect(mf).toEqual([expect.objectContaining({ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } })]);
      // kubectl hides them unless asked
      const hidden = await kubectl(['get', 'configmap', name, '-o', 'yaml']);
      expect(hidden.stdout).not.toContain('managedFields');
    });

    it('a conflicting manager gets 409 with kube\'s message; --force-conflicts takes the field', async () => {
      const name = `ssa-conflict-${tag}`;
      expect((await kubectl(['apply', '--server-side', '-f', '-'], configMapYaml(name, { a: '1' }))).code).toBe(0);
      const refused = await kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], configMapYaml(name, { a: '2' }));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .data.a');
      expect((await kubectl(['get', 'configmap', name, '-o', 'jsonpath={.data.a}'])).stdout).toBe('1');

      const forced = await kubectl(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], configMapYaml(name, { a: '2' }));
      expect(forced.stderr).toBe('');
      expect((await kubectl(['get', 'configmap', name, '-o', 'jsonpath={.data.a}'])).stdout).toBe('2');
      const mf = await managedFields(name);
      expect(mf.map((e) => [e.manager, e.fieldsV1])).toEqual([['other', { 'f:data': { 'f:a': {} } }]]);
    });

    it('an Update manager (kubectl edit-like patch) owns what it changed: conflict names it with its version', async () => {
      const name = `ssa-update-${tag}`;
      expect((await kubectl(['create', 'configmap', name, '--from-literal=a=1'])).code).toBe(0);
      const mf = await managedFields(name);
      expect(mf).toEqual([expect.objectContaining({ manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } })]);
      const refused = await kubectl(['apply', '--server-side', '-f', '-'], configMapYaml(name, { a: '2' }));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.a');
    });

    it('migrates from client-side apply: a field dropped afterwards is removed', async () => {
      const name = `ssa-migrate-${tag}`;
      expect((await kubectl(['apply', '-f', '-'], configMapYaml(name, { a: '1', b: '2' }))).stdout).toBe(`configmap/${name} created\n`);
      const csa = await managedFields(name);
      expect(csa.map((e) => [e.manager, e.operation])).toEqual([['kubectl-client-side-apply', 'Update']]);
      const ssa = await kubectl(['apply', '--server-side', '-f', '-'], configMapYaml(name, { a: '1' }));
      expect(ssa.stderr).toBe('');
      expect(ssa.stdout).toBe(`configmap/${name} serverside-applied\n`);
      expect(JSON.parse((await kubectl(['get', 'configmap', name, '-o', 'jsonpath={.data}'])).stdout)).toEqual({ a: '1' });
      const after = await managedFields(name);
      expect(after.map((e) => [e.manager, e.operation])).toContainEqual(['kubectl', 'Apply']);
    });
  });
}

describe('managedFields of subresource writes (default kubectl)', () => {
  it('kubectl scale is recorded as an Update on the scale subresource', async () => {
    const kubectl = (args: string[]) => cluster().kubectl(args);
    expect((await kubectl(['create', 'deployment', 'ssa-scale', '--image=nginx'])).code).toBe(0);
    const scaled = await kubectl(['scale', 'deployment', 'ssa-scale', '--replicas=3']);
    expect(scaled.stderr).toBe('');
    const res = await kubectl(['get', 'deployment', 'ssa-scale', '-o', 'json', '--show-managed-fields']);
    const mf = JSON.parse(res.stdout).metadata.managedFields as Entry[];
    expect(mf).toContainEqual(expect.objectContaining({ manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1' }));
    expect(mf).toContainEqual(
      expect.objectContaining({ operation: 'Update', apiVersion: 'apps/v1', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }),
    );
    // the creator no longer owns replicas
    const creator = mf.find((e) => e.manager === 'kubectl-create')!;
    expect((creator.fieldsV1['f:spec'] as Record<string, unknown>)['f:replicas']).toBeUndefined();
  });
});
