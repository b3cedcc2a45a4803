import { afterEach, describe, expect, it, vi } from 'vitest';
import { etcdAvailable, etcdBinary, startEtcdCluster } from './etcd.js';

describe('etcdAvailable', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it.each([
    { env: { CI: 'true' }, throws: true },
    { env: { KUBELING_REQUIRE_ETCD: '1' }, throws: true },
    { env: {}, throws: false },
  ])('with a missing binary and $env: throws=$throws', ({ env, throws }) => {
    vi.stubEnv('ETCD_BIN', '/nonexistent/etcd');
    vi.stubEnv('CI', '');
    vi.stubEnv('KUBELING_REQUIRE_ETCD', '');
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(etcdBinary()).toBeUndefined();
    if (throws) expect(() => etcdAvailable()).toThrow(/etcd is required/);
    else expect(etcdAvailable()).toBe(false);
  });

  it('finds an executable named by ETCD_BIN', () => {
    vi.stubEnv('ETCD_BIN', process.execPath);
    expect(etcdBinary()).toBe(process.execPath);
    expect(etcdAvailable()).toBe(true);
  });
});

describe.runIf(etcdBinary() !== undefined)('startEtcdCluster', () => {
  it('starts three members that agree on one membership, and stops them all', async () => {
    const cluster = await startEtcdCluster(3);
    try {
      expect(cluster.endpoints).toHaveLength(3);
      const res = await fetch(`${cluster.endpoints[0]}/v3/cluster/member/list`, { method: 'POST', body: '{}' });
      const body = (await res.json()) as { members: Array<{ name: string; clientURLs: string[] }> };
      expect(body.members.map((m) => m.name).sort()).toEqual(['etcd-0', 'etcd-1', 'etcd-2']);
      expect(body.members.flatMap((m) => m.clientURLs).sort()).toEqual([...cluster.endpoints].sort());
    } finally {
      await cluster.stop();
    }
    await expect(fetch(`${cluster.endpoints[1]}/health`, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
  });
});
