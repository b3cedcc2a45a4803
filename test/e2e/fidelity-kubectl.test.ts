import { describe, expect, it } from 'vitest';
import { useE2eCluster, type KubectlResult } from './harness.js';

// Client fidelity with the real kubectl (issue 12): answers whose shape kubectl relies on.

const cluster = useE2eCluster({ components: { controllerManager: true } });
const k = (args: string[], stdin?: string): Promise<KubectlResult> => cluster().kubectl(args, stdin !== undefined ? { stdin } : {});

const POD = `apiVersion: v1
kind: Pod
metadata: {name: dbg}
spec:
  containers: [{name: c, image: nginx}]
`;

/** Retries kubectl until it succeeds (controllers act asynchronously). */
async function eventually(args: string[], ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const res = await k(args);
    if (res.code === 0) return res.stdout;
    if (Date.now() > end) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('kubectl against Kubeling', () => {
  it('every namespace gets the kube-root-ca.crt ConfigMap with the cluster CA', async () => {
    expect((await k(['create', 'namespace', 'fresh'])).code).toBe(0);
    for (const ns of ['default', 'kube-system', 'fresh']) {
      const ca = await eventually(['get', 'configmap', 'kube-root-ca.crt', '-n', ns, '-o', 'jsonpath={.data.ca\\.crt}']);
      expect(ca).toContain('-----BEGIN CERTIFICATE-----');
    }
  });

  it('kubectl debug answers with a message, never a panic', async () => {
    expect((await k(['apply', '-f', '-'], POD)).code).toBe(0);
    const res = await k(['debug', 'dbg', '--image=busybox', '--target=c']);
    expect(res.stderr).not.toMatch(/panic|goroutine/);
    if (res.code !== 0) {
      // Without the ephemeralcontainers subresource kube's 404 carries details, and kubectl
      // words it so.
      expect(res.stderr).toContain('ephemeral containers are disabled for this cluster');
    }
  });
});
