import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { FakeClock } from '../lib/clock.js';
import { isAlreadyExists, isConflict, isGone, isNotFound } from './api-error.js';
import { createFakeClient } from './fake-client.js';
import type { ResourceRef } from './resource.js';
import type { WatchEvent, WatchStream } from './watch-stream.js';

const pods: ResourceRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };
const deployments: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' };

const pod = (name: string, labels: Record<string, string> = {}, ns = 'default'): KubeObject => ({
  metadata: { name, namespace: ns, labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

async function take(w: WatchStream, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const it = w[Symbol.asyncIterator]();
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('fake client', () => {
  it('creates with uid, resourceVersion and generateName; rejects duplicates', async () => {
    const c = createFakeClient({ clock: new FakeClock() });
    const a = await c.create(pods, pod('a'));
    expect(a.metadata.uid).toBeTruthy();
    expect(a.metadata.resourceVersion).toBe('1');
    expect(a.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    const g = await c.create<KubeObject>(pods, { metadata: { generateName: 'web-', namespace: 'default' } });
    expect(g.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    await expect(c.create(pods, pod('a'))).rejects.toSatisfy(isAlreadyExists);
    await expect(c.get(pods, 'zzz', { namespace: 'default' })).rejects.toSatisfy(isNotFound);
    await expect(c.get(pods, 'a')).rejects.toThrow(/namespace is required/);
  });

  it('updates are compare-and-swap on resourceVersion and bump generation on spec change', async () => {
    const c = createFakeClient();
    const d = await c.create<KubeObject>(deployments, { metadata: { name: 'd', namespace: 'ns' }, spec: { replicas: 1 } });
    const stale = structuredClone(d);
    const upd = await c.update(deployments, { ...d, spec: { replicas: 2 } });
    expect(upd.metadata.generation).toBe(2);
    await expect(c.update(deployments, { ...stale, spec: { replicas: 3 } })).rejects.toSatisfy(isConflict);
    const labelOnly = await c.patch(deployments, 'd', { metadata: { labels: { x: 'y' } } }, { type: 'merge', namespace: 'ns' });
    expect(labelOnly.metadata.generation).toBe(2);
    expect(labelOnly.metadata.labels).toEqual({ x: 'y' });
    const scale = await c.getSubresource(deployments, 'd', 'scale', { namespace: 'ns' });
    expect(scale.spec).toEqual({ replicas: 2 });
    await c.updateSubresource(deployments, 'd', 'scale', { ...scale, spec: { replicas: 5 } });
    expect((await c.get(deployments, 'd', { namespace: 'ns' })).spec).toEqual({ replicas: 5 });
  });

  it('filters lists by namespace and label/field selectors, and paginates', async () => {
    const c = createFakeClient();
    await c.create(pods, pod('a', { app: 'web' }));
    await c.create(pods, pod('b', { app: 'db' }));
    await c.create(pods, pod('c', { app: 'web' }, 'other'));
    const names = async (opts: Parameters<typeof c.list>[1]) => (await c.list(pods, opts)).items.map((p) => p.metadata.name);
    expect(await names({ labelSelector: 'app=web' })).toEqual(['a', 'c']);
    expect(await names({ namespace: 'default', labelSelector: 'app in (web,db)' })).toEqual(['a', 'b']);
    expect(await names({ fieldSelector: 'metadata.name!=a' })).toEqual(['b', 'c']);
    const page1 = await c.list(pods, { limit: 2 });
    expect(page1.items).toHaveLength(2);
    expect(page1.metadata.remainingItemCount).toBe(1);
    const page2 = await c.list(pods, { limit: 2, continue: page1.metadata.continue });
    expect(page2.items.map((p) => p.metadata.name)).toEqual(['c']);
    expect(page2.metadata.continue).toBeUndefined();
    expect((await c.listAll(pods, { pageSize: 1 })).items).toHaveLength(3);
  });

  it('binds pods once and deletes with finalizers in two steps', async () => {
    const c = createFakeClient();
    await c.create(pods, { ...pod('p'), metadata: { ...pod('p').metadata, finalizers: ['x'] } });
    await c.bind('default', 'p', 'node-1');
    const bound = await c.get(pods, 'p', { namespace: 'default' });
    expect((bound.spec as { nodeName: string }).nodeName).toBe('node-1');
    await expect(c.bind('default', 'p', 'node-2')).rejects.toSatisfy(isConflict);
    await c.delete(pods, 'p', { namespace: 'default' });
    const terminating = await c.get(pods, 'p', { namespace: 'default' });
    expect(terminating.metadata.deletionTimestamp).toBeTruthy();
    await c.update(pods, { ...terminating, metadata: { ...terminating.metadata, finalizers: [] } });
    await expect(c.get(pods, 'p', { namespace: 'default' })).rejects.toSatisfy(isNotFound);
  });

  it('watches replay history from a resourceVersion and turn selector transitions into ADDED/DELETED', async () => {
    const c = createFakeClient();
    const a = await c.create(pods, pod('a', { app: 'web' }));
    const w = await c.watch(pods, { resourceVersion: a.metadata.resourceVersion, labelSelector: 'app=web' });
    await c.create(pods, pod('b', { app: 'web' }));
    await c.patch(pods, 'a', { metadata: { labels: { app: 'db' } } }, { type: 'merge', namespace: 'default' });
    await c.patch(pods, 'a', { metadata: { labels: { app: 'web' } } }, { type: 'strategic', namespace: 'default' });
    await c.delete(pods, 'b', { namespace: 'default' });
    const events = await take(w, 4);
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'DELETED a', 'ADDED a', 'DELETED b']);
    w.close();
    expect(c.openWatches()).toBe(0);

    const replay = await c.watch(pods, { resourceVersion: a.metadata.resourceVersion });
    expect((await take(replay, 4)).map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    replay.close();
  });

  it('answers 410 Expired for a watch older than the compaction point', async () => {
    const c = createFakeClient();
    await c.create(pods, pod('a'));
    await c.create(pods, pod('b'));
    c.compact();
    const w = await c.watch(pods, { resourceVersion: '1' });
    await expect(take(w, 1)).rejects.toSatisfy(isGone);
  });
});
