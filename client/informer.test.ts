import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { FakeClock } from '../lib/clock.js';
import { ApiError } from './api-error.js';
import { createFakeClient } from './fake-client.js';
import { createInformer, createSharedInformerFactory, type EventHandlers } from './informer.js';
import type { ResourceRef } from './resource.js';
import { objectKey } from './store.js';
import { flush } from './testing.js';

const pods: ResourceRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };
const nodes: ResourceRef = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };

const pod = (name: string, labels: Record<string, string> = { app: 'web' }): KubeObject => ({
  metadata: { name, namespace: 'default', labels },
  spec: {},
});

/** Records handler calls as readable strings. */
function recorder(): { log: string[]; handlers: EventHandlers } {
  const log: string[] = [];
  return {
    log,
    handlers: {
      onAdd: (o) => log.push(`add ${objectKey(o)}`),
      onUpdate: (o, n) => log.push(`update ${objectKey(n)} ${o.metadata.resourceVersion}->${n.metadata.resourceVersion}`),
      onDelete: (o, info) => log.push(`delete ${objectKey(o)}${info.finalStateUnknown ? ' (tombstone)' : ''}`),
    },
  };
}

const setup = async () => {
  const clock = new FakeClock();
  const client = createFakeClient({ clock });
  await client.create(pods, pod('a'));
  await client.create(pods, pod('b'));
  const informer = createInformer(client, pods, { clock, random: () => 0 });
  const rec = recorder();
  informer.addEventHandler(rec.handlers);
  informer.start();
  expect(await informer.waitForSync()).toBe(true);
  await flush();
  return { clock, client, informer, rec };
};

describe('informer', () => {
  it('caches what its transform returns, for listed and watched objects alike', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    await client.create(pods, { ...pod('a'), metadata: { name: 'a', namespace: 'default', managedFields: [{ manager: 'kubectl' }] } } as KubeObject);
    const informer = createInformer(client, pods, {
      clock,
      random: () => 0,
      transform: (o) => {
        const { managedFields: _m, ...metadata } = o.metadata;
        return { ...o, metadata };
      },
    });
    informer.start();
    await informer.waitForSync();
    await client.create(pods, { ...pod('b'), metadata: { name: 'b', namespace: 'default', managedFields: [{ manager: 'kubectl' }] } } as KubeObject);
    await flush();
    expect(informer.store.get('default/a')!.metadata).not.toHaveProperty('managedFields');
    expect(informer.store.get('default/b')!.metadata).not.toHaveProperty('managedFields');
    expect((await client.get(pods, 'a', { namespace: 'default' })).metadata.managedFields).toEqual([{ manager: 'kubectl' }]);
    informer.stop();
  });

  it('lists into the store, then delivers watch adds, updates and deletes', async () => {
    const { client, informer, rec } = await setup();
    expect(informer.hasSynced()).toBe(true);
    expect(informer.store.listKeys().sort()).toEqual(['default/a', 'default/b']);
    expect(rec.log.sort()).toEqual(['add default/a', 'add default/b']);
    rec.log.length = 0;

    await client.create(pods, pod('c'));
    await client.patch(pods, 'a', { metadata: { labels: { app: 'web', v: '2' } } }, { type: 'merge', namespace: 'default' });
    await client.delete(pods, 'b', { namespace: 'default' });
    await flush();
    expect(rec.log).toEqual(['add default/c', 'update default/a 1->4', 'delete default/b']);
    expect(informer.store.get('default/a')!.metadata.labels).toEqual({ app: 'web', v: '2' });
    expect(informer.store.has('default/b')).toBe(false);
    expect(informer.lastSyncResourceVersion()).toBe('5');
    informer.stop();
  });

  it('relists after 410 Expired and delivers the difference', async () => {
    const { client, informer, rec } = await setup();
    rec.log.length = 0;
    const watchesBefore = client.actions.filter((a) => a.verb === 'watch').length;

    // In one synchronous turn (so the informer reads none of it from its watch): a changes,
    // b goes, d arrives, history is compacted and the connection drops with events unread.
    const writes = [
      client.patch(pods, 'a', { metadata: { labels: { app: 'web', v: '2' } } }, { type: 'merge', namespace: 'default' }),
      client.delete(pods, 'b', { namespace: 'default' }),
      client.create(pods, pod('d')),
    ];
    client.compact();
    client.closeWatches({ discardPending: true });
    await Promise.all(writes);
    await flush(10);

    expect(rec.log.sort()).toEqual(['add default/d', 'delete default/b (tombstone)', 'update default/a 1->3']);
    expect(informer.store.listKeys().sort()).toEqual(['default/a', 'default/d']);
    expect(client.actions.filter((a) => a.verb === 'list')).toHaveLength(2);
    // It watches again, from the new list's resourceVersion, and keeps delivering.
    expect(client.actions.filter((a) => a.verb === 'watch').length).toBeGreaterThan(watchesBefore + 1);
    rec.log.length = 0;
    await client.create(pods, pod('e'));
    await flush();
    expect(rec.log).toEqual(['add default/e']);
    informer.stop();
  });

  it('relists when the server sends an ERROR event with 410 Gone', async () => {
    const { client, informer, rec } = await setup();
    rec.log.length = 0;
    client.closeWatches({ error: ApiError.from(410, 'too old resource version', 'Gone') });
    await flush(10);
    expect(client.actions.filter((a) => a.verb === 'list')).toHaveLength(2);
    expect(rec.log).toEqual([]); // nothing changed, so nothing to tell
    informer.stop();
  });

  it('re-watches from the last resourceVersion (bookmarks included) when a watch ends', async () => {
    const { client, informer } = await setup();
    await client.create(nodes, { metadata: { name: 'n1' } }); // other resource: only a bookmark moves the RV
    client.sendBookmarks();
    await flush();
    expect(informer.lastSyncResourceVersion()).toBe('3');
    client.closeWatches();
    await flush();
    const watches = client.actions.filter((a) => a.verb === 'watch');
    expect(watches.length).toBe(2);
    expect(client.actions.filter((a) => a.verb === 'list')).toHaveLength(1);
    informer.stop();
  });

  it('backs off instead of hot-looping while the apiserver is down', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    let down = true;
    client.prependReactor((a) => (down && a.verb === 'list' ? ApiError.from(0, 'connection refused') : undefined));
    const informer = createInformer(client, pods, { clock, random: () => 0 });
    informer.start();
    await flush(20);
    const lists = () => client.actions.filter((a) => a.verb === 'list').length;
    expect(lists()).toBe(1);
    clock.advance(800);
    await flush();
    expect(lists()).toBe(2);
    clock.advance(1000); // next delay is 1600 ms
    await flush();
    expect(lists()).toBe(2);
    down = false;
    clock.advance(600);
    await flush();
    expect(lists()).toBe(3);
    expect(informer.hasSynced()).toBe(true);
    informer.stop();
  });

  it('removes objects that stop matching the label selector', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    await client.create(pods, pod('a'));
    await client.create(pods, pod('x', { app: 'db' }));
    const informer = createInformer(client, pods, { clock, labelSelector: 'app=web' });
    const rec = recorder();
    informer.addEventHandler(rec.handlers);
    informer.start();
    await informer.waitForSync();
    expect(informer.store.listKeys()).toEqual(['default/a']);
    await client.patch(pods, 'a', { metadata: { labels: { app: 'db' } } }, { type: 'merge', namespace: 'default' });
    await flush();
    expect(rec.log).toEqual(['add default/a', 'delete default/a']);
    informer.stop();
  });

  it('resyncs cached objects as updates, replays the cache to late handlers, stops cleanly', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    await client.create(pods, pod('a'));
    const informer = createInformer(client, pods, { clock, resyncMs: 30_000 });
    informer.start();
    await informer.waitForSync();
    const rec = recorder();
    informer.addEventHandler(rec.handlers);
    expect(rec.log).toEqual(['add default/a']);
    clock.advance(30_000);
    expect(rec.log).toEqual(['add default/a', 'update default/a 1->1']);
    informer.stop();
    await flush();
    expect(client.openWatches()).toBe(0);
  });

  it('waitForSync resolves false when stopped first', async () => {
    const client = createFakeClient();
    client.prependReactor(() => ApiError.from(0, 'down'));
    const informer = createInformer(client, pods, { clock: new FakeClock() });
    informer.start();
    const p = informer.waitForSync();
    informer.stop();
    expect(await p).toBe(false);
  });
});

describe('shared informer factory', () => {
  it('hands one informer per resource, namespace and selectors to every consumer', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    await client.create(pods, pod('a'));
    const factory = createSharedInformerFactory(client, { clock });
    const i1 = factory.informerFor(pods);
    const i2 = factory.informerFor({ ...pods });
    const i3 = factory.informerFor(pods, { labelSelector: 'app=db' });
    const n1 = factory.informerFor(nodes, { namespace: 'ignored' });
    expect(i1).toBe(i2);
    expect(i3).not.toBe(i1);
    expect(factory.informerFor(nodes)).toBe(n1);
    factory.start();
    expect(await factory.waitForSync()).toBe(true);
    expect(i1.store.size).toBe(1);
    expect(i3.store.size).toBe(0);
    const late = factory.informerFor(pods, { namespace: 'default' });
    expect(await late.waitForSync()).toBe(true);
    expect(client.actions.filter((a) => a.verb === 'list')).toHaveLength(4);
    factory.stop();
    await flush();
    expect(client.openWatches()).toBe(0);
  });
});
