import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../../client/rest-client.js';
import { waitUntil } from '../helpers/wait.js';
import { startKubelingUp, type KubelingUp } from './kubeling-up.js';

/**
 * GraphQL's Node.metrics and Pod.metrics read metrics.k8s.io through API aggregation, as
 * `kubectl top` does, from the metrics server `kubeling up` runs.
 */
let up: KubelingUp;

beforeAll(async () => {
  up = await startKubelingUp(['--nodes', '1', '--metric-resolution', '2s']);
}, 120_000);

afterAll(async () => {
  await up?.stop();
});

async function graphql(query: string): Promise<{ data: any; errors?: Array<{ message: string }> }> {
  const kc = loadKubeconfig(up.kubeconfig);
  const res = await fetch(`${kc.server}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${kc.token}` },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data: any };
}

describe('GraphQL metrics relations', () => {
  it('answers the usage kubectl top shows', async () => {
    await up.ok(['create', 'deployment', 'web', '--image=nginx']);
    await up.ok(['wait', '--for=condition=Available', 'deployment/web', '--timeout=60s']);
    const top = await waitUntil(async () => {
      const res = await up.kubectl(['top', 'pod', '-l', 'app=web', '--no-headers']);
      if (res.code !== 0 || res.stdout.trim() === '') throw new Error(res.stderr);
      return res.stdout;
    }, 'kubectl top pod', 60_000);
    expect(top).toMatch(/^web-\S+\s+\d+m\s+\d+Mi\s*$/m);

    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const res = await graphql('{ nodes { items { metadata { name } metrics } } pods(namespace: "default", labelSelector: "app=web") { items { metadata { name } metrics } } }');
      expect(res.errors).toBeUndefined();
      const node = res.data.nodes.items[0];
      expect(node.metrics.metadata.name).toBe(node.metadata.name);
      expect(node.metrics.usage.cpu).toMatch(/^\d+[nm]?$/);
      expect(node.metrics.usage.memory).toMatch(/^\d+(Ki|Mi)?$/);
      const pod = res.data.pods.items[0];
      expect(pod.metrics.metadata.name).toBe(pod.metadata.name);
      expect(pod.metrics.containers.map((c: { name: string }) => c.name)).toEqual(['nginx']);
      expect(pod.metrics.window).toMatch(/s$/);
    } finally {
      delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    }
  });
});
