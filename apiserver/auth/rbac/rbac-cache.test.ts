import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSqliteStore } from '../../storage/sqlite-store.js';
import type { Store } from '../../storage/store.js';
import { Registries } from '../../registry/registries.js';
import { realClock } from '../../../lib/clock.js';
import { RbacCache } from './rbac-cache.js';

let store: Store;
let registries: Registries;
let cache: RbacCache;

beforeAll(async () => {
  store = createSqliteStore({ path: ':memory:' });
  registries = new Registries(store, realClock);
  cache = new RbacCache(registries);
  await cache.start();
});
afterAll(async () => {
  cache.stop();
  registries.stop();
  await store.close();
});

const role = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [] });

describe('RbacCache', () => {
  it('keeps one copy between loads and drops it when an RBAC object changes', async () => {
    const first = await cache.load();
    expect(await cache.load()).toBe(first);
    await registries.forKind('rbac.authorization.k8s.io', 'ClusterRole').create(undefined, role('watched') as never);
    // The watch reports the write; until then invalidate() is what REST writes call.
    cache.invalidate();
    const second = await cache.load();
    expect(second).not.toBe(first);
    expect(second.clusterRoles.map((r) => r.metadata.name)).toContain('watched');
  });

  it('drops its copy when the watch reports a write made elsewhere', async () => {
    await cache.load();
    await registries.forKind('rbac.authorization.k8s.io', 'ClusterRole').create(undefined, role('from-elsewhere') as never);
    await vi.waitFor(async () => expect((await cache.load()).clusterRoles.map((r) => r.metadata.name)).toContain('from-elsewhere'));
  });

  it('does not keep a load that an invalidation overtook', async () => {
    cache.invalidate();
    const pending = cache.load();
    cache.invalidate();
    const stale = await pending;
    expect(await cache.load()).not.toBe(stale);
  });
});
