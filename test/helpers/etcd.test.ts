import { afterEach, describe, expect, it, vi } from 'vitest';
import { etcdAvailable, etcdBinary } from './etcd.js';

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
