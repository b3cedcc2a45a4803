import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, type RunningApiserver } from '../../apiserver/main.js';
import { kubectlAvailable, kubectlRunner, type KubectlRunner } from './harness.js';
import { writeKubeconfig } from '../../apiserver/auth/kubeconfig.js';

// RBAC with the real kubectl: a token user (kube-apiserver's --token-auth-file) is
// forbidden with kube's message, gets a Role and RoleBinding, is allowed; `auth whoami`
// and `auth can-i [--list]` answer, on every kubectl version on the machine.

const VERSIONS = ['1.27', '1.32', '1.33'].filter((v) => kubectlAvailable(v));

let root: string;
let api: RunningApiserver;
let runner: KubectlRunner;
let devKubeconfig: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubeling-auth-'));
  const tokenFile = join(root, 'tokens.csv');
  await writeFile(tokenFile, 'dev-token,dev,u-dev,"developers"\n');
  api = await startApiserver({ dataDir: join(root, 'data'), port: 0, tokenAuthFile: tokenFile });
  runner = kubectlRunner(root, api.kubeconfigPath);
  // The admin kubeconfig holds a client certificate, which kube checks before any token
  // (kubectl --token would still be the admin): dev gets a kubeconfig of its own.
  devKubeconfig = join(root, 'dev.kubeconfig');
  await writeKubeconfig(devKubeconfig, { server: api.url, caCert: api.caCert, token: 'dev-token' });
});
afterAll(async () => {
  await api?.close();
  await rm(root, { recursive: true, force: true });
});

describe.each(VERSIONS)('kubectl %s', (version) => {
  const k = (args: string[], stdin?: string) => runner.kubectl(args, { version, ...(stdin !== undefined ? { stdin } : {}) });
  const ns = `team-${version.replace('.', '-')}`;

  it('forbids, then allows after a Role and RoleBinding; auth can-i and whoami answer', async () => {
    expect((await k(['create', 'namespace', ns])).code).toBe(0);
    const denied = await k(['--kubeconfig', devKubeconfig, 'get', 'pods', '-n', ns]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(`pods is forbidden: User "dev" cannot list resource "pods" in API group "" in the namespace "${ns}"`);
    const no = await k(['--kubeconfig', devKubeconfig, 'auth', 'can-i', 'list', 'pods', '-n', ns]);
    expect(no.stdout.trim()).toBe('no');

    expect((await k(['create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods', '-n', ns])).code).toBe(0);
    expect((await k(['create', 'rolebinding', 'dev-reads', '--role=pod-reader', '--user=dev', '-n', ns])).code).toBe(0);

    const allowed = await k(['--kubeconfig', devKubeconfig, 'get', 'pods', '-n', ns]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect((await k(['--kubeconfig', devKubeconfig, 'auth', 'can-i', 'list', 'pods', '-n', ns])).stdout.trim()).toBe('yes');
    expect((await k(['--kubeconfig', devKubeconfig, 'auth', 'can-i', 'delete', 'pods', '-n', ns])).stdout.trim()).toBe('no');
    expect((await k(['auth', 'can-i', '*', '*'])).stdout.trim()).toBe('yes');

    const list = await k(['--kubeconfig', devKubeconfig, 'auth', 'can-i', '--list', '-n', ns]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/pods\s+\[\]\s+\[\]\s+\[get list watch\]/);
    expect(list.stdout).toMatch(/selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);

    const who = await k(['--kubeconfig', devKubeconfig, 'auth', 'whoami', '-o', 'json']);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({ username: 'dev', uid: 'u-dev', groups: ['developers', 'system:authenticated'] });
    // Impersonation: the admin may act as dev; dev may not act as the admin.
    expect((await k(['--as=dev', 'auth', 'can-i', 'list', 'pods', '-n', ns])).stdout.trim()).toBe('yes');
    expect((await k(['--as=dev', 'auth', 'can-i', 'list', 'secrets', '-n', ns])).stdout.trim()).toBe('no');
    const escalate = await k(['--kubeconfig', devKubeconfig, '--as=kubernetes-admin', 'get', 'pods', '-n', ns]);
    expect(escalate.stderr).toContain('users "kubernetes-admin" is forbidden: User "dev" cannot impersonate resource "users" in API group "" at the cluster scope');
    const admin = await k(['auth', 'whoami']);
    expect(admin.stdout).toMatch(/Username\s+kubernetes-admin/);
  });
});
