import { describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../../client/rest-client.js';
import { useClusterWithComponents, waitUntil } from './cluster-with-components.js';

/**
 * GraphQL's Pod.logs reads the same log `kubectl logs` does (through the kubelet), with
 * tailLines, and is authorized as `get pods/log`.
 */
const cluster = useClusterWithComponents({ nodes: 1 });

async function graphql(url: string, token: string, query: string): Promise<{ data: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data: any };
}

describe('GraphQL Pod.logs', () => {
  it('answers what kubectl logs prints', async () => {
    const c = cluster();
    const run = await c.kubectl(['run', 'talker', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'echo one; echo two; echo three']);
    expect(run.code).toBe(0);
    const kubectlLogs = await waitUntil(async () => {
      const res = await c.kubectl(['logs', 'talker']);
      if (res.code !== 0 || !res.stdout.includes('three')) throw new Error(res.stderr || res.stdout);
      return res.stdout;
    }, 'talker logs', 60_000);
    const tail = (await c.kubectl(['logs', 'talker', '--tail=1'])).stdout;

    const token = loadKubeconfig(c.kubeconfigPath).token ?? '';
    // Node's fetch refuses the self-signed certificate; the e2e apiserver's CA is in the kubeconfig.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const res = await graphql(c.url, token, '{ pod(name: "talker") { logs last: logs(tailLines: 1) } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.pod.logs).toBe(kubectlLogs);
      expect(res.data.pod.last).toBe(tail);
      expect(tail).toBe('three\n');
      const bad = await graphql(c.url, token, '{ pod(name: "talker") { logs(container: "nope") } }');
      expect(bad.data.pod.logs).toBeNull();
      expect(bad.errors![0]!.message).toBe('container nope is not valid for pod talker');
      expect(bad.errors![0]!.extensions!.code).toBe('BadRequest');
    } finally {
      delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    }
  });
});
