import { describe, expect, it } from 'vitest';
import { useE2eCluster, type KubectlResult } from './harness.js';

// Client fidelity with the real kubectl (issue 12): answers whose shape kubectl relies on.

const cluster = useE2eCluster();
const k = (args: string[], stdin?: string): Promise<KubectlResult> => cluster().kubectl(args, stdin !== undefined ? { stdin } : {});

const POD = `apiVersion: v1
kind: Pod
metadata: {name: dbg}
spec:
  containers: [{name: c, image: nginx}]
`;

describe('kubectl against Kubeling', () => {
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
