import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { podResource } from '../../api/core/pod.js';
import { resourceQuotaResource } from '../../api/core/resource-quota.js';
import { limitRangeResource } from '../../api/core/limit-range.js';
import { ApiError } from '../../client/api-error.js';
import { startLiveApiserver, type LiveApiserver } from '../../test/helpers/live-apiserver.js';

// The built-in plugins behind a real apiserver, without the quota controller: the test
// writes the quota's status itself, so what admission charges is all that moves it.
let api: LiveApiserver;

beforeEach(async () => {
  api = await startLiveApiserver();
  await api.client.create(namespaceResource, { metadata: { name: 'q' } });
});
afterEach(async () => {
  await api.close();
});

const pod = (name: string): KubeObject => ({ metadata: { name, namespace: 'q' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }) as KubeObject;

async function quotaWithStatus(hard: Record<string, string>, used: Record<string, string>): Promise<void> {
  const created = await api.client.create(resourceQuotaResource, { metadata: { name: 'small', namespace: 'q' }, spec: { hard } } as KubeObject);
  await api.client.updateStatus(resourceQuotaResource, { ...created, status: { hard, used } } as KubeObject);
}

describe('ResourceQuota admission against a live apiserver', () => {
  it('concurrent creates never take more than the quota allows, and status.used counts each once', async () => {
    await quotaWithStatus({ pods: '3' }, { pods: '0' });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => api.client.create(podResource, pod(`p${i}`))));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(3);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(ApiError);
      expect((r.reason as ApiError).status.code).toBe(403);
      expect((r.reason as ApiError).message).toMatch(/^pods "p\d" is forbidden: exceeded quota: small, requested: pods=1, used: pods=3, limited: pods=3$/);
    }
    const q = await api.client.get(resourceQuotaResource, 'small', { namespace: 'q' });
    expect((q.status as { used: Record<string, string> }).used).toEqual({ pods: '3' });
  });

  it('a dry run is checked but charges nothing', async () => {
    await quotaWithStatus({ pods: '1' }, { pods: '0' });
    await api.client.create(podResource, pod('dry'), { dryRun: true });
    const q = await api.client.get(resourceQuotaResource, 'small', { namespace: 'q' });
    expect((q.status as { used: Record<string, string> }).used).toEqual({ pods: '0' });
  });

  it('a quota without status refuses with "status unknown"', async () => {
    await api.client.create(resourceQuotaResource, { metadata: { name: 'fresh', namespace: 'q' }, spec: { hard: { pods: '1' } } } as KubeObject);
    await expect(api.client.create(podResource, pod('x'))).rejects.toThrow('pods "x" is forbidden: status unknown for quota: fresh, resources: pods');
  });

  it('a LimitRange applies to the very next pod (read-your-writes), and its removal too', async () => {
    await api.client.create(limitRangeResource, { metadata: { name: 'lr', namespace: 'q' }, spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '250m' } }] } } as KubeObject);
    const created = await api.client.create(podResource, pod('a'));
    expect((created.spec as { containers: Array<{ resources?: unknown }> }).containers[0]!.resources).toEqual({ requests: { cpu: '250m' } });
    await api.client.delete(limitRangeResource, 'lr', { namespace: 'q' });
    const plain = await api.client.create(podResource, pod('b'));
    expect((plain.spec as { containers: Array<{ resources?: unknown }> }).containers[0]!.resources).toBeUndefined();
  });
});
